// WriteConcern, ReplicaLagMonitor and ReadWriteRouter against a node with in-memory replica links
// and a fake clock (the interop versions with real redis-server replicas are in
// integration-tests/failover/consistency-modes.test.ts).
import { createKeyspace, type Keyspace } from '@replikit/keyspace';
import { RecordingTransport } from './fake-transport';
import { createMaster, createReadWriteRouter, createWriteConcern, ReplicaLagMonitor, type ReplicationNode } from './index';
import { until } from './test-kit';

let keyspace: Keyspace;
let node: ReplicationNode;
let now = 1_700_000_000_000;
const clock = () => now;

async function replica(port: number): Promise<RecordingTransport> {
  const t = new RecordingTransport(port);
  node.replconf(t, ['REPLCONF', 'listening-port', String(port)]);
  node.replconf(t, ['REPLCONF', 'capa', 'eof']);
  node.psync(t, ['PSYNC', '?', '-1']);
  await until(() => node.replicas().find((r) => r.port === port)?.state === 'online', `replica ${port} online`);
  return t;
}

function ack(t: RecordingTransport, offset = node.masterReplOffset): void {
  node.replconf(t, ['REPLCONF', 'ACK', String(offset)]);
}

function write(key: string): void {
  node.propagate([{ db: 0, argv: ['SET', key, 'v'] }]);
}

beforeEach(() => {
  keyspace = createKeyspace();
  node = createMaster({ keyspace }, { replDisklessSyncDelay: 0, clock });
});

afterEach(() => {
  node.close();
  keyspace.close();
});

test('lag in bytes and ms from ACKs and offset samples', async () => {
  const t = await replica(7001);
  ack(t);
  const monitor = new ReplicaLagMonitor(node, clock);
  const acked = node.masterReplOffset;
  expect(monitor.lags()).toEqual([expect.objectContaining({ address: '127.0.0.1:7001', lagBytes: 0, lagMs: 0, ackOffset: acked })]);
  const t0 = now;
  now += 100;
  write('a');
  monitor.sample();
  now += 500;
  const [lag] = monitor.lags();
  expect(lag?.lagBytes).toBe(node.masterReplOffset - acked);
  // the replica holds everything the master had at t0, not necessarily more
  expect(lag?.lagMs).toBe(now - t0);
  ack(t);
  expect(monitor.lags()[0]).toMatchObject({ lagBytes: 0, lagMs: 0 });
  monitor.close();
});

test('router: round-robin, least-lag, lag bounds, master fallback, master-standby', async () => {
  const a = await replica(7001);
  const b = await replica(7002);
  ack(a);
  ack(b);
  const router = createReadWriteRouter(node, 'M', { maxLagBytes: 0, clock });
  expect(router.forRead()).toBe('M');
  router.addReplica('127.0.0.1:7001', 'A');
  router.addReplica('127.0.0.1:7002', 'B');
  expect([router.forRead(), router.forRead(), router.forRead(), router.forRead()]).toEqual(['A', 'B', 'A', 'B']);
  expect(router.forWrite()).toBe('M');
  write('x');
  ack(b);
  expect([router.forRead(), router.forRead()]).toEqual(['B', 'B']);
  const least = createReadWriteRouter(node, 'M', { policy: 'least-lag', clock });
  least.addReplica('127.0.0.1:7001', 'A');
  least.addReplica('127.0.0.1:7002', 'B');
  expect(least.routeRead()).toMatchObject({ kind: 'replica', target: 'B' });
  least.close();
  write('y');
  expect(router.routeRead()).toEqual({ target: 'M', kind: 'master' });
  ack(a);
  router.setMode('master-standby');
  expect(router.forRead()).toBe('M');
  router.setMode('master-replica');
  expect(router.forRead()).toBe('A');
  router.removeReplica('127.0.0.1:7001');
  expect(router.forRead()).toBe('M');
  expect(() => createReadWriteRouter(node, 'M', { policy: 'random' as 'least-lag' })).toThrow(expect.objectContaining({ code: 'ERR_MASTER_INVALID_OPTION' }));
  router.close();
});

test('write concern: async at once, semi-sync on ACKs, sync counts online replicas, timeouts fail or report', async () => {
  const concern = createWriteConcern(node);
  write('k');
  expect(await concern.settle()).toEqual({ mode: 'async', offset: node.masterReplOffset, required: 0, acked: 0, satisfied: true });
  // no online replica: sync has nothing to wait for
  expect(await concern.settle({ mode: 'sync' })).toMatchObject({ required: 0, satisfied: true });
  const a = await replica(7001);
  const b = await replica(7002);
  write('k2');
  const target = node.masterReplOffset;
  const pending = concern.settle({ mode: 'semi-sync', replicas: 1, timeoutMs: 5000 });
  ack(a, target);
  expect(await pending).toMatchObject({ mode: 'semi-sync', offset: target, required: 1, acked: 1, satisfied: true });
  await expect(concern.settle({ mode: 'sync', timeoutMs: 30 })).rejects.toMatchObject({ code: 'ERR_REPLICATION_ACK_TIMEOUT', required: 2, acked: 1, offset: target });
  // each wait put a REPLCONF GETACK into the stream: the next write's offset is past it
  ack(a);
  expect(await concern.settle({ mode: 'sync', timeoutMs: 30, onTimeout: 'report' })).toMatchObject({ required: 2, acked: 1, satisfied: false });
  ack(a);
  const both = concern.settle({ mode: 'sync', timeoutMs: 5000 });
  ack(b);
  expect(await both).toMatchObject({ required: 2, acked: 2, satisfied: true });
  const r = await concern.write(() => 'result', { mode: 'async' });
  expect(r).toMatchObject({ result: 'result', ack: { mode: 'async' } });
  for (const bad of [{ mode: 'quorum' }, { replicas: 0 }, { timeoutMs: -1 }, { onTimeout: 'retry' }]) {
    expect(() => concern.configure(bad as never)).toThrow(expect.objectContaining({ code: 'ERR_MASTER_INVALID_OPTION' }));
  }
});
