/**
 * protocol.md §10, "details that trip reimplementations", on the wire. Master-side items run
 * the same scenario against a real redis-server and against replikit-server and compare what a
 * hand-played replica observed (Redis's own answer is asserted too, so two equally wrong answers
 * cannot pass); replica-side items put replikit-server behind a real redis-server master, watched
 * through a recording proxy where the bytes matter. Each `it` names its items. Items covered
 * elsewhere: 1 and 3 exactly in packages/replica/src/replica.test.ts (offset trace, GETACK) and
 * packages/backlog (first byte, decidePsync); 9 in packages/backlog replication-identity; 10 in
 * packages/master/src/psync.test.ts; 11 (forced SELECT after promotion/restart) in psync.test.ts;
 * 12/13 per rewrite rule in integration-tests/keyspace/propagation.test.ts; 16 in
 * packages/rdb/src/writer/rdb-writer.test.ts and reader/errors.test.ts (zero checksum); 17's
 * writer side (always 0xFC) in rdb-writer.test.ts; 19's RDB version in keyspace-rdb roundtrip.
 */
import { readRdbBuffer } from '@replikit/rdb';
import { hasRedis } from '@replikit/test-utils';
import { fullSyncTrace, legacySync, pipelinedPsync } from './master-wire';
import { Nodes, caughtUp, ids, info, linkUp, syncStats, waitFor } from './topology-kit';
import { TapProxy, parseCommands } from './wire-probe';

const describeRedis = hasRedis() ? describe : describe.skip;

describeRedis('§10 master side: redis-server and replikit-server observed the same way', () => {
  const nodes = new Nodes();
  afterEach(() => nodes.stopAll());

  /** Runs `scenario` on a fresh redis-server and a fresh replikit-server with `conf`, side by side. */
  async function both<T>(conf: Record<string, string | number>, scenario: (port: number, c: import('ioredis').default) => Promise<T>): Promise<[T, T]> {
    const real = await nodes.redis(conf);
    const ours = await nodes.replikit(Object.entries(conf).flatMap(([k, v]) => [`--${k}`, String(v)]));
    return Promise.all([scenario(real.port, nodes.client(real)), scenario(ours.port, nodes.client(ours))]);
  }

  it('items 1, 2, 3, 5, 6, 8, 10, 19: diskless full sync under a delay, byte by byte', async () => {
    const [theirs, ours] = await both({ 'repl-diskless-sync': 'yes', 'repl-diskless-sync-delay': 2 }, fullSyncTrace);
    // what Redis does, so the comparison cannot pass on two equally wrong answers
    expect(theirs).toMatchObject({
      'offset before any replica': 0,
      'replid changed by the first backlog': true,
      'keepalives before +FULLRESYNC': true,
      '+FULLRESYNC offset = master_repl_offset at the snapshot': true,
      'payload is an RDB ending with the mark, no CRLF': true,
      'stream held until the first ACK': true,
      'stream after the payload': [['SELECT', '0'], ['set', 'k', 'v']],
      'GETACK as WAIT sends it, counted in the offset': [['REPLCONF', 'GETACK', '*'], true],
      'WAIT answered by the ACK that excludes the GETACK': 1,
      'after ACK + FACK, the next bytes are commands': [['set', 'k2', 'v2']],
      '+CONTINUE from off+1 replays every stream byte': ['+CONTINUE <replid>', true],
      '+CONTINUE at the next byte wanted (end+1)': '+CONTINUE <replid>',
      'PSYNC past the end (end+2)': '+FULLRESYNC',
    });
    expect(ours).toEqual(theirs);
  });

  it('item 4: PSYNC pipelined behind a REPLCONF is refused for the pending output', async () => {
    const [theirs, ours] = await both({}, pipelinedPsync);
    expect(theirs).toEqual(['+PONG', '+OK', '-ERR SYNC and PSYNC are invalid with pending output']);
    expect(ours).toEqual(theirs);
  });

  it('items 7, 12, 13, 14: legacy SYNC and $<len> payload, then the stream shapes (MULTI wrapping, lazy-expiry DEL, casing, ping)', async () => {
    const [theirs, ours] = await both({ 'repl-diskless-sync': 'no', 'enable-debug-command': 'yes', 'repl-ping-replica-period': 1 }, legacySync);
    expect(theirs).toEqual({
      'first line': '$<len>',
      'payload is an RDB': 'REDIS',
      'the stream, without CRLF or ACK': [
        ['SELECT', '0'],
        ['SeT', 'after-sync', '1'],
        ['set', 'one', '1'],
        ['MULTI'],
        ['set', 'a', '1'],
        ['incr', 'n'],
        ['EXEC'],
        ['MULTI'],
        ['DEL', 'lz'],
        ['set', 'lz', 'v2'],
        ['EXEC'],
      ],
      heartbeat: [['ping']],
    });
    expect(ours).toEqual(theirs);
  });

  it('item 18: slave<i> offset= is the last ACK, not the master offset; ROLE entries are bulk strings', async () => {
    const real = await nodes.redis({ 'repl-diskless-sync-delay': 0 });
    const ours = await nodes.replikit(['--repl-diskless-sync-delay', '0']);
    const replicas = await Promise.all([nodes.redis({ replicaof: `127.0.0.1 ${real.port}` }), nodes.redis({ replicaof: `127.0.0.1 ${ours.port}` })]);
    const observe = async (master: import('ioredis').default, replica: import('ioredis').default) => {
      await linkUp(replica);
      await caughtUp(master, replica);
      // the write and INFO in one pipeline: the replica's once-a-second ACK cannot come between them
      const [, [, text]] = ((await master.pipeline().set('x', '1').info('replication').exec()) ?? []) as [unknown, [unknown, string]];
      const fields = new Map(text.split('\r\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]));
      const acked = Number(/offset=(\d+)/.exec(fields.get('slave0') ?? '')?.[1]);
      const offset = Number(fields.get('master_repl_offset'));
      await waitFor('the next ACK', async () => (await info(master, 'replication')).get('slave0')?.includes(`offset=${(await ids(master)).offset},`));
      const role = (await master.call('ROLE')) as [string, number, Array<[unknown, unknown, unknown]>];
      return {
        'slave0 offset behind master_repl_offset right after a write': acked < offset,
        'ROLE entry types': role[2].map((e) => e.map((x) => typeof x)),
        'ROLE offset type': typeof role[1],
      };
    };
    const [theirs, oursSeen] = await Promise.all([
      observe(nodes.client(real), nodes.client(replicas[0])),
      observe(nodes.client(ours), nodes.client(replicas[1])),
    ]);
    expect(theirs).toEqual({ 'slave0 offset behind master_repl_offset right after a write': true, 'ROLE entry types': [['string', 'string', 'string']], 'ROLE offset type': 'number' });
    expect(oursSeen).toEqual(theirs);
  });
});

/** ACK values in the replica -> master bytes of `events` (REPLCONF ACK <n> only). */
function ackValues(data: Buffer): number[] {
  return parseCommands(data)
    .commands.filter((c) => c.argv[0] === 'REPLCONF' && c.argv[1]?.toUpperCase() === 'ACK')
    .map((c) => Number(c.argv[2]));
}

describeRedis('§10 replica side: replikit-server behind a real redis-server master', () => {
  const nodes = new Nodes();
  const taps: TapProxy[] = [];
  afterEach(async () => {
    for (const t of taps.splice(0)) await t.close();
    await nodes.stopAll();
  });

  it('items 3, 5, 6, 8: through a recording proxy (keepalives before +FULLRESYNC, only ACKs sent back, GETACK answered without itself, an ACK every second)', async () => {
    const master = await nodes.redis({ 'repl-diskless-sync': 'yes', 'repl-diskless-sync-delay': 2 });
    const m = nodes.client(master);
    await m.set('seed', '1');
    const tap = await TapProxy.start(master.port);
    taps.push(tap);
    const ours = await nodes.replikit(['--replicaof', '127.0.0.1', String(tap.port)]);
    const r = nodes.client(ours);
    await linkUp(r);
    await m.multi().incr('n').lpush('l', 'a').exec();
    await m.set('s', 'x');
    // SET and the WAIT's GETACK leave the master together; the answer is the offset before GETACK
    const [[, set], [, waited]] = ((await m.pipeline().set('g', 'y').call('WAIT', '1', '0').exec()) ?? []) as [[unknown, string], [unknown, number]];
    expect([set, waited]).toEqual(['OK', 1]);
    await caughtUp(m, r);

    const down = tap.bytes('m2r');
    const text = down.toString('latin1');
    const fr = /\+FULLRESYNC ([0-9a-f]{40}) (\d+)\r\n/.exec(text);
    if (fr === null) throw new Error(`no +FULLRESYNC in ${JSON.stringify(text.slice(0, 200))}`);
    const keepalivesBefore = (text.slice(0, fr.index).match(/(^|[^\r])\n/g) ?? []).length;
    expect(keepalivesBefore).toBeGreaterThan(0);
    const eof = text.indexOf('$EOF:', fr.index);
    const mark = text.slice(eof + 5, eof + 45);
    const streamStart = text.indexOf(mark, eof + 47) + 40;
    const stream = parseCommands(down.subarray(streamStart)).commands;
    let before = Number(fr[2]);
    let getackEnd = -1;
    for (const c of stream) {
      if (c.argv[0] === 'REPLCONF' && c.argv[1] === 'GETACK') {
        getackEnd = streamStart + (before - Number(fr[2])) + c.bytes;
        break;
      }
      before += c.bytes;
    }
    expect(getackEnd).toBeGreaterThan(0);

    // the first ACK at or past `before` sent after the GETACK reached us is its answer
    let seen = 0;
    let answer: number | undefined;
    for (const e of tap.events) {
      if (e.dir === 'm2r') seen += e.data.length;
      else if (seen >= getackEnd && answer === undefined) answer = ackValues(e.data).find((v) => v >= before);
    }
    expect(answer).toBe(before);

    // after the load: an ACK a second, and nothing but ACKs (and keepalives) sent to the master
    await waitFor('three ACKs after the load', () => ackValues(tap.bytes('r2m')).length >= 3);
    const up = parseCommands(tap.bytes('r2m')).commands;
    const sent = up.slice(up.findIndex((c) => c.argv[0].toUpperCase() === 'PSYNC') + 1).map((c) => c.argv.slice(0, 2).join(' ').toUpperCase());
    expect(new Set(sent.filter((s) => s !== '\\N'))).toEqual(new Set(['REPLCONF ACK']));
  });

  it('item 9: +CONTINUE with a new replid (the master was promoted): replid2 and second_repl_offset as a real replica keeps them', async () => {
    const top = await nodes.redis({ 'repl-diskless-sync-delay': 0 });
    const t = nodes.client(top);
    await t.set('a', '1');
    const [promoted, real] = await Promise.all([nodes.redis({ replicaof: `127.0.0.1 ${top.port}`, 'repl-diskless-sync-delay': 0 }), nodes.redis({ replicaof: `127.0.0.1 ${top.port}` })]);
    const ours = await nodes.replikit(['--replicaof', '127.0.0.1', String(top.port)]);
    const [p, c, r] = [nodes.client(promoted), nodes.client(real), nodes.client(ours)];
    await t.set('b', '2');
    for (const x of [p, c, r]) await caughtUp(t, x);
    const old = await ids(t);

    expect(await p.call('REPLICAOF', 'NO', 'ONE')).toBe('OK');
    await p.set('after-promotion', '3');
    expect(await c.call('REPLICAOF', '127.0.0.1', String(promoted.port))).toBe('OK');
    expect(await r.call('REPLICAOF', '127.0.0.1', String(promoted.port))).toBe('OK');
    await waitFor('both to resume partially', async () => (await syncStats(p)).partialOk === 2);
    expect((await syncStats(p)).full).toBe(0);
    await caughtUp(p, c);
    await caughtUp(p, r);
    const pick = async (x: import('ioredis').default) => {
      const i = await info(x, 'replication');
      return ['master_replid', 'master_replid2', 'second_repl_offset', 'master_repl_offset'].map((f) => i.get(f));
    };
    const theirs = await pick(c);
    expect(theirs.slice(1, 3)).toEqual([old.replid, String(old.offset + 1)]);
    expect(await pick(r)).toEqual(theirs);
    expect(await r.get('after-promotion')).toBe('3');
  });

  it('item 11: a replica starts in the db its RDB names (repl-stream-db), and forwards a stream without SELECT', async () => {
    const head = await nodes.redis({ 'repl-diskless-sync-delay': 0 });
    const h = nodes.client(head);
    const mid = await nodes.replikit(['--replicaof', '127.0.0.1', String(head.port), '--repl-diskless-sync-delay', '0']);
    const m = nodes.client(mid);
    await linkUp(m);
    await h.select(5);
    await h.set('a', '1');
    await caughtUp(h, m);
    // the tail's snapshot comes from our replica while the head's stream is in db 5
    const tail = await nodes.redis({ replicaof: `127.0.0.1 ${mid.port}` });
    const tc = nodes.client(tail);
    await linkUp(tc);
    await h.set('b', '2');
    await caughtUp(h, tc);
    await tc.select(5);
    expect(await tc.mget('a', 'b')).toEqual(['1', '2']);
    await tc.select(0);
    expect(await tc.dbsize()).toBe(0);
  });

  it('item 15: the replica never expires keys itself, loads keys already expired in the RDB, and drops them on the master DEL', async () => {
    const master = await nodes.redis({ 'enable-debug-command': 'yes', 'repl-diskless-sync-delay': 0 });
    const m = nodes.client(master);
    await m.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await m.set('e1', 'v', 'PX', 50);
    await m.set('e2', 'v', 'PX', 50);
    await m.set('p', 'v');
    await new Promise((res) => setTimeout(res, 150));
    const real = await nodes.redis({ replicaof: `127.0.0.1 ${master.port}` });
    const ours = await nodes.replikit(['--replicaof', '127.0.0.1', String(master.port)]);
    const [c, r] = [nodes.client(real), nodes.client(ours)];
    await caughtUp(m, c);
    await caughtUp(m, r);
    const view = async (x: import('ioredis').default) => [await x.dbsize(), await x.get('e1'), await x.exists('e2')];
    expect(await view(c)).toEqual([3, null, 0]);
    expect(await view(r)).toEqual(await view(c));
    // time passes with the replica's own timers running: nothing is deleted on the replica
    await new Promise((res) => setTimeout(res, 1200));
    expect(await r.dbsize()).toBe(3);
    expect(await m.get('e1')).toBeNull(); // the master's lazy expiry propagates DEL e1
    await caughtUp(m, c);
    await caughtUp(m, r);
    expect(await view(c)).toEqual([2, null, 0]);
    expect(await view(r)).toEqual(await view(c));
  });
});

describe('§10 RDB details', () => {
  it('item 17: an EXPIRETIME (0xFD) is a signed int32 of seconds (dates after 2038 read negative)', () => {
    const file = (seconds: number) => {
      const t = Buffer.alloc(4);
      t.writeInt32LE(seconds);
      return Buffer.concat([Buffer.from('REDIS0010', 'latin1'), Buffer.from([0xfe, 0x00, 0xfd]), t, Buffer.from([0x00, 0x01, 0x6b, 0x01, 0x76, 0xff]), Buffer.alloc(8)]);
    };
    expect(readRdbBuffer(file(1_700_000_000)).entries[0].expireAtMs).toBe(1_700_000_000_000);
    expect(readRdbBuffer(file(-2_147_483_648)).entries[0].expireAtMs).toBe(-2_147_483_648_000);
  });
});
