// The once-a-second work, driven by a fake clock: each check waits for a real cron run (<= 1 s).
import { createKeyspace, type Keyspace } from '@replikit/keyspace';
import { RecordingTransport } from './fake-transport';
import { createMaster, type ReplicationNode } from './index';
import { ScriptedReplica, until } from './test-kit';

let keyspace: Keyspace;
let node: ReplicationNode;
let now = 1_700_000_000_000;
const clock = () => now;

beforeEach(() => {
  keyspace = createKeyspace();
});

afterEach(() => {
  node.close();
  keyspace.close();
});

test('a replica waiting for its snapshot gets newline keepalives', async () => {
  node = createMaster({ keyspace }, { replDisklessSyncDelay: 3600, clock });
  const r = new ScriptedReplica(node);
  expect(await r.call('REPLCONF', 'capa', 'eof')).toBe('+OK');
  r.send('PSYNC', '?', '-1');
  await until(() => r.received.some((b) => b.includes(10) && !b.includes(13)), 'a keepalive', 5000);
  expect(Buffer.concat(r.received).toString()).toMatch(/\+OK\r\n\n+$/);
  expect(node.replicas()[0].state).toBe('wait_bgsave');
  r.close();
});

test('lag, replica:lagging, repl-timeout and repl-backlog-ttl', async () => {
  node = createMaster({ keyspace }, { replDisklessSyncDelay: 0, replTimeout: 60, minReplicasMaxLag: 10, replBacklogTtl: 100, clock });
  const lagging: number[] = [];
  const offline: string[] = [];
  node.on('replica:lagging', (r) => lagging.push(r.lag));
  node.on('replica:offline', (_r, reason) => offline.push(reason));
  const t = new RecordingTransport();
  node.replconf(t, ['REPLCONF', 'capa', 'eof']);
  node.psync(t, ['PSYNC', '?', '-1']);
  await until(() => node.replicas()[0]?.state === 'online', 'online');
  node.replconf(t, ['REPLCONF', 'ACK', '0']);
  expect(node.goodReplicas(10)).toBe(1);
  now += 11_000;
  await until(() => lagging.length === 1, 'replica:lagging', 5000);
  expect(lagging).toEqual([11]);
  expect(node.replicas()[0].lag).toBe(11);
  expect(node.goodReplicas(10)).toBe(0);
  now += 50_000;
  await until(() => offline.length === 1, 'the timeout', 5000);
  expect(offline).toEqual(['timeout']);
  expect(t.closed).toBe(true);
  const id = node.replid;
  expect(node.backlog).not.toBeNull();
  now += 101_000;
  await until(() => node.backlog === null, 'the backlog to be freed', 5000);
  expect(node.replid).not.toBe(id);
});

test('client-output-buffer-limit soft limit: closed once held above it for longer than softSeconds', async () => {
  node = createMaster({ keyspace }, { replDisklessSyncDelay: 0, clientOutputBufferLimitReplica: { hard: 0, soft: 1000, softSeconds: 10 }, clock });
  const t = new RecordingTransport();
  node.replconf(t, ['REPLCONF', 'capa', 'eof']);
  node.psync(t, ['PSYNC', '?', '-1']);
  await until(() => node.replicas()[0]?.state === 'online', 'online');
  node.replconf(t, ['REPLCONF', 'ACK', '0']);
  t.buffered = 2000;
  node.propagate([{ db: 0, argv: ['SET', 'a', '1'] }]);
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  expect(t.closed).toBe(false);
  now += 11_000;
  node.replconf(t, ['REPLCONF', 'ACK', String(node.masterReplOffset)]);
  await until(() => t.closed, 'the close', 5000);
  expect(t.closeReason).toBe('output buffer limit');
});
