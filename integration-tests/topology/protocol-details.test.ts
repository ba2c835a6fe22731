/**
 * protocol.md §10, "details that trip reimplementations", on the wire. Master-side items run
 * the same scenario against a real redis-server and against replikit-server and compare what a
 * hand-played replica observed; replica-side items put replikit-server (or the bare
 * @replikit/replica syncer) behind a real redis-server master, watched through a recording proxy
 * where the bytes matter. The item -> test map lives in docs of the audit report; each `it`
 * names its items.
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

  it('items 7 and 14: legacy SYNC, a $<len> payload without CRLF, the stream right behind it', async () => {
    const [theirs, ours] = await both({ 'repl-diskless-sync': 'no' }, legacySync);
    expect(theirs).toEqual({
      'first line': '$<len>',
      'payload is an RDB': 'REDIS',
      'the stream follows at once, without CRLF or ACK': [['SELECT', '0'], ['set', 'after-sync', '1']],
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
