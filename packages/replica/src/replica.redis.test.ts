// A replica of ours following a real redis-server 7.0 master: full sync in both payload framings and
// every repl-diskless-load mode, 12k mixed writes, a cut link resumed with a partial resync, and
// every key (value and absolute TTL) equal at the end.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyspace, type Keyspace } from '@replikit/keyspace';
import { hasRedis, RawClient, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import type { SyncStartInfo } from './events';
import type { DisklessLoad } from './payload-sink';
import { createReplica, type Replica } from './replica';
import { tcpConnector } from './tcp-connector';
import { infoField, readKeyspace, readRedis, until } from './testing/redis-compare';
import { mixedWrites, populate } from './testing/workload';

const describeRedis = hasRedis() ? describe : describe.skip;

describeRedis('replica of a redis-server 7.0 master', () => {
  let master: RedisServerHandle | undefined;
  let clients: RawClient[] = [];
  let replica: Replica | undefined;
  let keyspace: Keyspace | undefined;
  let dir = '';

  afterEach(async () => {
    await replica?.close();
    keyspace?.close();
    for (const c of clients) c.close();
    await master?.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
    replica = undefined;
    keyspace = undefined;
    master = undefined;
    clients = [];
    dir = '';
  });

  async function client(db: number): Promise<RawClient> {
    const c = await RawClient.connect((master as RedisServerHandle).port);
    clients.push(c);
    await c.call('SELECT', db);
    return c;
  }

  it.each<[string, 'yes' | 'no', DisklessLoad, RegExp]>([
    ['$EOF: payload, repl-diskless-load disabled (temp file)', 'yes', 'disabled', /target: replicas sockets/],
    ['$<len> payload, swapdb', 'no', 'swapdb', /target: disk/],
    ['$EOF: payload, on-empty-db', 'yes', 'on-empty-db', /target: replicas sockets/],
  ])('%s: full sync, 12k writes, link cut and partial resync, datasets equal', async (_name, disklessSync, load, target) => {
    master = await startRedisServer({ config: { 'repl-diskless-sync': disklessSync, 'repl-diskless-sync-delay': 0 } });
    const admin = await client(0);
    await populate(admin);
    dir = mkdtempSync(join(tmpdir(), 'replikit-replica-'));
    keyspace = createKeyspace();
    // old data that a full sync must replace (on-empty-db loads from the socket only into an empty keyspace)
    if (load !== 'on-empty-db') keyspace.load(5, 'stale', 'old');
    const syncs: SyncStartInfo[] = [];
    const errors: string[] = [];
    replica = createReplica({ keyspace, connect: tcpConnector('127.0.0.1', master.port) }, { dir, replDisklessLoad: load, listeningPort: 6999 });
    replica.on('sync:start', (i) => syncs.push(i));
    replica.on('error', (e) => errors.push(e.code));
    await until(() => replica?.state === 'connected', 'the first sync');
    await master.waitForLog(target);
    expect(syncs.map((s) => s.kind)).toEqual(['full']);
    expect(readKeyspace(keyspace)).toEqual(await readRedis(admin, 16));
    // a disk load keeps the received snapshot as dbfilename, as Redis does
    expect(existsSync(join(dir, 'dump.rdb'))).toBe(load === 'disabled');

    const dbs = [await client(0), await client(3), await client(7)];
    await Promise.all(dbs.map((c, i) => mixedWrites(c, 2000, 11 + i)));
    expect(await admin.call('CLIENT', 'KILL', 'TYPE', 'replica')).toBe(1);
    await Promise.all(dbs.map((c, i) => mixedWrites(c, 2000, 21 + i)));
    await until(async () => replica?.state === 'connected' && replica.offset === Number(await infoField(admin, 'replication', 'master_repl_offset')), 'the replica to catch up');

    expect(syncs.map((s) => s.kind)).toEqual(['full', 'partial']);
    expect(errors).toContain('ERR_REPLICA_LINK_CLOSED');
    expect(await infoField(admin, 'stats', 'sync_full')).toBe('1');
    expect(await infoField(admin, 'stats', 'sync_partial_ok')).toBe('1');
    // the master sees our ACKs with the applied offset and the announced port
    await until(async () => (await infoField(admin, 'replication', 'slave0')).includes(`offset=${replica?.offset}`), 'an ACK with the final offset');
    expect(await infoField(admin, 'replication', 'slave0')).toContain('port=6999');
    expect(readKeyspace(keyspace)).toEqual(await readRedis(admin, 16));
    expect(replica.info()).toMatchObject({ state: 'connected', masterLinkStatus: 'up', masterLinkDownSinceSeconds: -1, replOffset: replica.offset });
  }, 120_000);
});
