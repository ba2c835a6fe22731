// A change stream with a cursor store over an in-memory link: it starts with PSYNC from the saved
// position (and the saved db), saves what the application acknowledged, reports a full resync as
// sync:reset, and stops with a typed error when the cursor cannot be read.
import { encodeCommandToBuffer } from '@replikit/resp';
import { type ChangeEvent, type ChangeStream, createChangeStream } from './change-stream';
import { type CursorPosition, type CursorStore, createMemoryCursorStore } from './cursor-store';
import { ReplicaCursorCorruptError } from './errors';
import { until } from './testing/redis-compare';
import { MARK, REPLID_A, REPLID_B, type ScriptedMaster, scriptedConnector, smallRdb } from './testing/scripted-master';

async function handshake(master: ScriptedMaster): Promise<string[]> {
  expect(await master.next()).toEqual(['PING']);
  master.send('+PONG\r\n');
  await master.next();
  await master.next();
  master.send('+OK\r\n+OK\r\n');
  return master.next();
}

async function take(it: AsyncIterator<ChangeEvent>, n: number): Promise<ChangeEvent[]> {
  const out: ChangeEvent[] = [];
  for (let i = 0; i < n; i++) {
    const r = await it.next();
    expect(r.done).toBe(false);
    out.push(r.value as ChangeEvent);
  }
  return out;
}

describe('change stream with a cursor store', () => {
  let cs: ChangeStream | undefined;
  afterEach(async () => {
    await cs?.close();
    cs = undefined;
  });

  it('continues from the saved position in the saved db, and saves the acknowledged offset (MULTI blocks whole)', async () => {
    const store = createMemoryCursorStore({ replid: REPLID_A, offset: 1000, db: 5 });
    let master!: ScriptedMaster;
    cs = createChangeStream({ connect: scriptedConnector((m) => (master = m)), cursor: store }, { cursorSaveEveryAcks: 1_000_000, cursorSaveIntervalMs: 3_600_000 });
    await until(() => master !== undefined, 'a connection');
    expect(await handshake(master)).toEqual(['PSYNC', REPLID_A, '1001']);
    master.send('+CONTINUE\r\n');
    const cmds = [['SET', 'a', '1'], ['MULTI'], ['INCR', 'n'], ['EXEC'], ['SELECT', '2'], ['DEL', 'a']].map((a) => encodeCommandToBuffer(a));
    for (const c of cmds) master.send(c);
    const it = cs[Symbol.asyncIterator]();
    const events = await take(it, cmds.length);
    let offset = 1000;
    const offsets = cmds.map((c) => (offset += c.length));
    // no SELECT after a partial resync: the commands run in the saved db
    expect(events.map((e) => (e.type === 'command' ? [e.argv[0], e.db, e.offset] : e.type))).toEqual([
      ['SET', 5, offsets[0]],
      ['MULTI', 5, offsets[1]],
      ['INCR', 5, offsets[2]],
      ['EXEC', 5, offsets[3]],
      ['SELECT', 5, offsets[4]],
      ['DEL', 2, offsets[5]],
    ]);
    expect(store.saves).toBe(0);
    cs.ack(events[0]);
    // inside the block: the position before the MULTI
    cs.ack(events[2]);
    await cs.flushCursor();
    expect(store.saved).toEqual({ replid: REPLID_A, offset: offsets[0], db: 5 });
    cs.ack(events[4].offset);
    expect(cs.ackedPosition).toEqual({ replid: REPLID_A, offset: offsets[4], db: 2 });
    expect(() => cs?.ack(offsets[5] + 1)).toThrow(expect.objectContaining({ code: 'ERR_REPLICA_CURSOR_ACK' }));
    // close saves the last acknowledged position
    await cs.close();
    expect(store.saved).toEqual({ replid: REPLID_A, offset: offsets[4], db: 2 });
    expect(cs.savedPosition).toEqual(store.saved);
  });

  it('a full resync instead: sync:reset, snapshot:start with reset, the cursor saved at once as -1, then the snapshot offset', async () => {
    const store = createMemoryCursorStore({ replid: REPLID_A, offset: 1000, db: 0 });
    let master!: ScriptedMaster;
    cs = createChangeStream({ connect: scriptedConnector((m) => (master = m)), cursor: store }, { cursorSaveEveryAcks: 1_000_000, cursorSaveIntervalMs: 3_600_000 });
    const resets: Array<[CursorPosition, string, number]> = [];
    cs.on('sync:reset', (prev, replid, offset) => resets.push([prev, replid, offset]));
    await until(() => master !== undefined, 'a connection');
    expect(await handshake(master)).toEqual(['PSYNC', REPLID_A, '1001']);
    const rdb = smallRdb({ k1: 'a' }, { replId: REPLID_B, offset: 77, streamDb: 3 });
    master.send(Buffer.concat([Buffer.from(`+FULLRESYNC ${REPLID_B} 77\r\n$EOF:${MARK}\r\n`), rdb, Buffer.from(MARK)]));
    const set = encodeCommandToBuffer(['SET', 'k2', 'b']);
    master.send(set);
    const it = cs[Symbol.asyncIterator]();
    const [start, entry, end, cmd] = await take(it, 4);
    expect(resets).toEqual([[{ replid: REPLID_A, offset: 1000, db: 0 }, REPLID_B, 77]]);
    expect(start).toEqual({ type: 'snapshot:start', replid: REPLID_B, offset: 77, reset: true });
    expect(entry).toMatchObject({ type: 'snapshot:entry', db: 0, offset: 77 });
    expect(end).toEqual({ type: 'snapshot:end', keys: 1, replid: REPLID_B, offset: 77 });
    expect(cmd).toEqual({ type: 'command', argv: ['SET', 'k2', 'b'], db: 3, offset: 77 + set.length });
    cs.ack(start);
    await until(() => store.saves === 1, 'the reset to be saved at once');
    expect(store.saved).toEqual({ replid: REPLID_B, offset: -1, db: 0 });
    cs.ack(entry);
    cs.ack(end);
    await cs.flushCursor();
    expect(store.saved).toEqual({ replid: REPLID_B, offset: 77, db: 3 });
    cs.ack(cmd);
    await cs.close();
    expect(store.saved).toEqual({ replid: REPLID_B, offset: 77 + set.length, db: 3 });
  });

  it('a lost link continues after the last item handed out (nothing twice in one process), in the db it had reached', async () => {
    const store = createMemoryCursorStore({ replid: REPLID_A, offset: 500, db: 0 });
    const masters: ScriptedMaster[] = [];
    cs = createChangeStream({ connect: scriptedConnector((m) => masters.push(m)), cursor: store }, { retryMinMs: 10 });
    await until(() => masters.length === 1, 'a connection');
    expect(await handshake(masters[0])).toEqual(['PSYNC', REPLID_A, '501']);
    masters[0].send('+CONTINUE\r\n');
    const sel = encodeCommandToBuffer(['SELECT', '6']);
    const set = encodeCommandToBuffer(['SET', 'a', '1']);
    masters[0].send(Buffer.concat([sel, set]));
    const it = cs[Symbol.asyncIterator]();
    const first = await take(it, 2);
    cs.ack(first[0]);
    masters[0].cut();
    await until(() => masters.length === 2, 'a reconnect');
    // not the acknowledged offset (501 + SELECT): the items after it are already in the app's hands
    expect(await handshake(masters[1])).toEqual(['PSYNC', REPLID_A, String(500 + sel.length + set.length + 1)]);
    masters[1].send('+CONTINUE\r\n');
    const del = encodeCommandToBuffer(['DEL', 'a']);
    masters[1].send(del);
    const [next] = await take(it, 1);
    expect(next).toEqual({ type: 'command', argv: ['DEL', 'a'], db: 6, offset: 500 + sel.length + set.length + del.length });
    cs.ack(next);
    await cs.flushCursor();
    expect(store.saved).toEqual({ replid: REPLID_A, offset: 500 + sel.length + set.length + del.length, db: 6 });
  });

  it('a cursor inside an unfinished snapshot asks for a full sync', async () => {
    const store = createMemoryCursorStore({ replid: REPLID_A, offset: -1, db: 0 });
    let master!: ScriptedMaster;
    cs = createChangeStream({ connect: scriptedConnector((m) => (master = m)), cursor: store });
    await until(() => master !== undefined, 'a connection');
    expect(await handshake(master)).toEqual(['PSYNC', '?', '-1']);
  });

  it('a cursor that cannot be read stops the stream with the typed error, before any connection', async () => {
    const broken: CursorStore = {
      load: () => Promise.reject(new ReplicaCursorCorruptError('/tmp/x', 'the checksum does not match the fields')),
      save: () => Promise.resolve(),
    };
    let attempts = 0;
    cs = createChangeStream({ connect: scriptedConnector(() => attempts++), cursor: broken });
    const errors: string[] = [];
    cs.on('error', (e) => errors.push(e.code));
    await expect(cs[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'ERR_REPLICA_CURSOR_CORRUPT' });
    expect(errors).toEqual(['ERR_REPLICA_CURSOR_CORRUPT']);
    expect(attempts).toBe(0);
  });

  it('ack without a cursor store is an error', async () => {
    cs = createChangeStream({ connect: scriptedConnector(() => {}) });
    expect(() => cs?.ack(5)).toThrow(expect.objectContaining({ code: 'ERR_REPLICA_CURSOR_ACK' }));
  });
});
