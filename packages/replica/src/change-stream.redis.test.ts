// A change stream following a real redis-server 7.0 master: the snapshot entry by entry, then every
// command with its db and the offset the master reports; closed and resumed from a saved position.
import { encodeCommandToBuffer } from '@replikit/resp';
import { hasRedis, RawClient, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { type ChangeEvent, type ChangeStream, createChangeStream } from './change-stream';
import { tcpConnector } from './tcp-connector';
import { infoField, until } from './testing/redis-compare';

const describeRedis = hasRedis() ? describe : describe.skip;

describeRedis('change stream over a redis-server 7.0 master', () => {
  let master: RedisServerHandle | undefined;
  let admin: RawClient | undefined;
  const streams: ChangeStream[] = [];

  afterEach(async () => {
    for (const s of streams.splice(0)) await s.close();
    admin?.close();
    await master?.stop();
    master = undefined;
    admin = undefined;
  });

  /** Reads events from the iterator until `stop` holds for one of them. */
  async function collect(it: AsyncIterator<ChangeEvent>, stop: (e: ChangeEvent) => boolean): Promise<ChangeEvent[]> {
    const out: ChangeEvent[] = [];
    for (;;) {
      const r = await it.next();
      if (r.done === true) return out;
      out.push(r.value);
      if (stop(r.value)) return out;
    }
  }

  it('snapshot entries, then commands with db and offsets equal to master_repl_offset; resumes from a saved position', async () => {
    master = await startRedisServer({ config: { 'repl-diskless-sync': 'yes', 'repl-diskless-sync-delay': 0 } });
    admin = await RawClient.connect(master.port);
    await admin.call('SET', 'plain', 'v');
    await admin.call('SELECT', 4);
    await admin.call('RPUSH', 'list', 'a', 'b');
    await admin.call('SET', 'ttl', 'x', 'PX', 500000);
    await admin.call('SELECT', 0);

    const cs = createChangeStream({ connect: tcpConnector('127.0.0.1', master.port) });
    streams.push(cs);
    const emitted: Array<[string[], number, number]> = [];
    cs.on('command', (argv, db, offset) => emitted.push([argv, db, offset]));
    const it = cs[Symbol.asyncIterator]();
    const snapshot = await collect(it, (e) => e.type === 'snapshot:end');
    expect(snapshot[0]).toMatchObject({ type: 'snapshot:start', offset: Number(await infoField(admin, 'replication', 'master_repl_offset')) });
    const entries = snapshot.filter((e) => e.type === 'snapshot:entry').map((e) => (e.type === 'snapshot:entry' ? [e.db, e.key.toString(), e.expireAt > Date.now()] : []));
    expect(entries.sort()).toEqual([
      [0, 'plain', false],
      [4, 'list', false],
      [4, 'ttl', true],
    ]);
    expect(snapshot[snapshot.length - 1]).toMatchObject({ type: 'snapshot:end', keys: 3 });

    // writes in two dbs, one of them in a MULTI block
    const c4 = await RawClient.connect(master.port);
    await c4.call('SELECT', 4);
    await admin.call('SET', 'a', '1');
    await c4.call('LPUSH', 'list', 'z');
    await admin.call('MULTI');
    await admin.call('INCR', 'n');
    await admin.call('SET', 'b', '2');
    await admin.call('EXEC');
    c4.close();
    const target = Number(await infoField(admin, 'replication', 'master_repl_offset'));
    const commands = await collect(it, (e) => e.type === 'command' && e.offset === target);
    const shown = commands.map((e) => (e.type === 'command' ? [e.argv.join(' '), e.db] : []));
    expect(shown.filter(([a]) => a !== 'ping')).toEqual([
      ['SELECT 0', 0],
      ['SET a 1', 0],
      ['SELECT 4', 0],
      ['LPUSH list z', 4],
      ['SELECT 0', 4],
      ['MULTI', 0],
      ['INCR n', 0],
      ['SET b 2', 0],
      ['EXEC', 0],
    ]);
    // every offset is the previous one plus the command's exact encoding
    let offset = (snapshot[0] as { offset: number }).offset;
    for (const e of commands) {
      if (e.type !== 'command') continue;
      offset += encodeCommandToBuffer(e.argv).length;
      expect(e.offset).toBe(offset);
    }
    expect(offset).toBe(target);
    expect(emitted.map(([, , o]) => o)).toEqual(commands.map((e) => (e.type === 'command' ? e.offset : -1)));

    // save, stop, write more, resume: a partial resync hands over exactly the missed commands
    const saved = cs.position;
    expect(saved).toEqual({ replid: await infoField(admin, 'replication', 'master_replid'), offset: target, db: 0 });
    await cs.close();
    expect((await it.next()).done).toBe(true);
    await admin.call('SET', 'while-away', '1');
    await admin.call('DEL', 'a');
    const target2 = Number(await infoField(admin, 'replication', 'master_repl_offset'));
    const resumed = createChangeStream({ connect: tcpConnector('127.0.0.1', master.port), from: saved });
    streams.push(resumed);
    const it2 = resumed[Symbol.asyncIterator]();
    const after = await collect(it2, (e) => e.type === 'command' && e.offset === target2);
    expect(after.some((e) => e.type === 'snapshot:start')).toBe(false);
    expect(after.map((e) => (e.type === 'command' ? e.argv.join(' ') : e.type)).filter((a) => a !== 'ping')).toEqual(['SET while-away 1', 'DEL a']);
    expect(await infoField(admin, 'stats', 'sync_partial_ok')).toBe('1');
    expect(await infoField(admin, 'stats', 'sync_full')).toBe('1');
    await until(async () => (await infoField(admin as RawClient, 'replication', 'slave0')).includes(`offset=${target2}`), 'the resumed stream to ACK');
  }, 60_000);
});
