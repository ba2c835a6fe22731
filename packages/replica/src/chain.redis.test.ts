// A chain redis-server -> our replica (keyspace + @replikit/master node) -> redis-server: the bytes
// our replica applies are fed unchanged to its node, so the sub-replica ends with the top master's
// replication id, offset and dataset, and a cut of the upper link is resumed partially at both levels.
import { createServer, type Server } from 'node:net';
import { createKeyspace, type Keyspace } from '@replikit/keyspace';
import { createMaster, type ReplicationNode } from '@replikit/master';
import { getFreePort, hasRedis, RawClient, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { createReplica, type Replica } from './replica';
import { tcpConnector } from './tcp-connector';
import { infoField, readKeyspace, readRedis, until } from './testing/redis-compare';
import { mixedWrites, populate } from './testing/workload';

const describeRedis = hasRedis() ? describe : describe.skip;

describeRedis('redis-server -> replikit replica -> redis-server', () => {
  let top: RedisServerHandle | undefined;
  let bottom: RedisServerHandle | undefined;
  let server: Server | undefined;
  let node: ReplicationNode | undefined;
  let replica: Replica | undefined;
  let keyspace: Keyspace | undefined;
  const clients: RawClient[] = [];

  afterAll(async () => {
    for (const c of clients) c.close();
    await bottom?.stop();
    await replica?.close();
    node?.close();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    keyspace?.close();
    await top?.stop();
  });

  it('the sub-replica follows the top master through our replica, with the same id, offsets and data', async () => {
    top = await startRedisServer({ config: { 'repl-diskless-sync': 'no', 'repl-diskless-sync-delay': 0 } });
    const admin = await RawClient.connect(top.port);
    clients.push(admin);
    await populate(admin);

    keyspace = createKeyspace();
    node = createMaster({ keyspace, upstreamStreamDb: () => replica?.streamDb ?? 0 }, { replDisklessSyncDelay: 0 });
    node.becomeReplica();
    replica = createReplica({ keyspace, node, connect: tcpConnector('127.0.0.1', top.port) }, { replDisklessLoad: 'swapdb' });
    await until(() => replica?.state === 'connected', 'our replica to sync');

    const port = await getFreePort();
    const n = node;
    server = createServer((socket) => n.serve(socket));
    await new Promise<void>((r) => server?.listen(port, '127.0.0.1', () => r()));
    bottom = await startRedisServer({ config: { replicaof: `127.0.0.1 ${port}` } });
    const sub = await RawClient.connect(bottom.port);
    clients.push(sub);
    await until(async () => (await infoField(sub, 'replication', 'master_link_status')) === 'up', 'the sub-replica to sync');

    const writers = [await RawClient.connect(top.port), await RawClient.connect(top.port)];
    clients.push(...writers);
    await writers[1].call('SELECT', 6);
    await Promise.all(writers.map((c, i) => mixedWrites(c, 3000, 40 + i)));
    await admin.call('CLIENT', 'KILL', 'TYPE', 'replica');
    await Promise.all(writers.map((c, i) => mixedWrites(c, 3000, 50 + i)));

    const topOffset = async () => Number(await infoField(admin, 'replication', 'master_repl_offset'));
    await until(async () => replica?.offset === (await topOffset()), 'our replica to catch up');
    await until(async () => Number(await infoField(sub, 'replication', 'master_repl_offset')) === (await topOffset()), 'the sub-replica to catch up');
    expect(await infoField(sub, 'replication', 'master_replid')).toBe(await infoField(admin, 'replication', 'master_replid'));
    expect(node.replid).toBe(await infoField(admin, 'replication', 'master_replid'));
    expect(node.masterReplOffset).toBe(await topOffset());
    // one full sync at each level; our replica resumed partially
    expect(await infoField(admin, 'stats', 'sync_full')).toBe('1');
    expect(await infoField(admin, 'stats', 'sync_partial_ok')).toBe('1');
    expect(await infoField(sub, 'replication', 'master_link_status')).toBe('up');
    const expected = await readRedis(admin, 16);
    expect(readKeyspace(keyspace)).toEqual(expected);
    expect(await readRedis(sub, 16)).toEqual(expected);
  }, 120_000);
});
