/**
 * A replikit-server master and a real redis-server 7.0 replica (`--replicaof`), in both payload
 * forms our master can send (`$EOF:` diskless, `$<len>` through a file): every type (streams
 * arrive by RESTORE of payloads a real server produced) with expiries in several dbs, 12k mixed
 * writes, the replica's link killed on its side and resumed by a partial resync that OUR INFO
 * counts; every key equal at the end, read with redis-cli/RESP on the real replica.
 */
import { hasRedis, hasRedisCli } from '@replikit/test-utils';
import type Redis from 'ioredis';
import { diffDatasets, mixedWrites, seedDataset, shortKeysExpired, streamPayloads, volatileKeys } from './dataset';
import { Nodes, caughtUp, ids, info, linkUp, logOf, syncStats, waitFor } from './topology-kit';
import { redisCli } from './redis-cli';

const describeRedis = hasRedis() && hasRedisCli() ? describe : describe.skip;

const FORMS: Array<{ form: string; master: string[]; target: string; replica: Record<string, string> }> = [
  { form: '$EOF: (diskless)', master: ['--repl-diskless-sync', 'yes'], target: 'replicas sockets', replica: { 'repl-diskless-load': 'on-empty-db' } },
  { form: '$<len> (disk)', master: ['--repl-diskless-sync', 'no'], target: 'disk', replica: {} },
];

describeRedis('replikit master -> redis-server replica', () => {
  const shared = new Nodes();
  const nodes = new Nodes();
  let scratch: Redis;
  let streams: Buffer[];

  beforeAll(async () => {
    scratch = shared.client(await shared.redis());
    streams = await streamPayloads(scratch);
  });
  afterEach(() => nodes.stopAll());
  afterAll(() => shared.stopAll());

  it.each(FORMS)('full sync in the $form form, 12k mixed writes, the replica link killed and resumed partially, every key equal', async ({ master: masterArgs, target, replica: replicaConf }) => {
    const master = await nodes.replikit([...masterArgs, '--repl-diskless-sync-delay', '0']);
    const m = nodes.client(master);
    await seedDataset(m, { streams: { kind: 'payloads', payloads: streams } });
    expect(await volatileKeys(m)).toBeGreaterThan(10);

    const replica = await nodes.redis({ ...replicaConf, replicaof: `127.0.0.1 ${master.port}` });
    const r = nodes.client(replica);
    await linkUp(r);
    expect(logOf(master)).toMatch(new RegExp(`Starting BGSAVE for SYNC with target: ${target}`));
    await waitFor('our master to expire the short keys', () => shortKeysExpired(m));
    await caughtUp(m, r);
    expect(await diffDatasets(m, r, scratch)).toEqual([]);
    const afterFull = await syncStats(m);
    expect(afterFull.full).toBe(1);

    // a stream written after the full sync arrives as a propagated RESTORE
    await m.restore('late:stream', 0, streams[0]);
    expect(await mixedWrites(m, 6000, 3)).toBe(6000);
    await caughtUp(m, r);
    expect(await r.call('CLIENT', 'KILL', 'TYPE', 'master')).toBe(1);
    expect(await mixedWrites(m, 6000, 4)).toBe(6000);
    await waitFor('a partial resync counted by our master', async () => (await syncStats(m)).partialOk === afterFull.partialOk + 1);
    await replica.handle.waitForLog(/Successful partial resynchronization with master/);
    await caughtUp(m, r);

    expect(await syncStats(m)).toEqual({ full: afterFull.full, partialOk: afterFull.partialOk + 1, partialErr: afterFull.partialErr });
    expect(await diffDatasets(m, r, scratch)).toEqual([]);
    const [mi, ri] = await Promise.all([ids(m), ids(r)]);
    expect(ri.replid).toBe(mi.replid);
    expect(ri.offset).toBe(mi.offset);

    // redis-cli on the real replica reads what our master holds
    await scratch.restore('probe', 0, streams[0], 'REPLACE');
    expect(redisCli(replica.port, 'TYPE', 'late:stream')).toBe('stream');
    expect(redisCli(replica.port, 'XLEN', 'late:stream')).toBe(String(await scratch.xlen('probe')));
    await scratch.del('probe');
    expect(redisCli(replica.port, 'GET', 'w:cnt:1')).toBe((await m.get('w:cnt:1')) ?? '');
    expect(redisCli(replica.port, 'LRANGE', 'w:list:2', '0', '-1')).toBe((await m.lrange('w:list:2', 0, -1)).join('\n'));
    expect(redisCli(replica.port, 'ZRANGE', 'w:zset:1', '0', '-1')).toBe((await m.zrange('w:zset:1', 0, -1)).join('\n'));
    expect((await info(r, 'replication')).get('master_port')).toBe(String(master.port));
  });
});
