import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Duplex } from 'node:stream';
import { join } from 'node:path';
import { createKeyspace, type Keyspace } from '@replikit/keyspace';
import { ReplicationStreamFramer } from '@replikit/resp';
import { RecordingTransport } from './fake-transport';
import { createMaster, type FullSyncInfo, type FullSyncResult, type ReplicationNode } from './index';
import type { MasterOptions } from './options';
import { until } from './test-kit';

let keyspace: Keyspace;
let node: ReplicationNode;
let dir: string;

function setup(options: MasterOptions = {}): void {
  keyspace = createKeyspace();
  dir = mkdtempSync(join(tmpdir(), 'replikit-master-'));
  node = createMaster({ keyspace }, { dir, ...options });
}

afterEach(() => {
  node.close();
  keyspace.close();
  rmSync(dir, { recursive: true, force: true });
});

const endOfTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Parses what a transport received after its `+FULLRESYNC` line. */
function parse(t: RecordingTransport): { line: string; payload: Buffer; commands: string[][] } {
  const all = t.bytes();
  const end = all.indexOf('\r\n');
  const line = all.subarray(0, end).toString('latin1');
  const payload: Buffer[] = [];
  const commands: string[][] = [];
  const framer = new ReplicationStreamFramer({
    onPayloadChunk: (c) => payload.push(Buffer.from(c)),
    onCommand: (argv) => commands.push(argv),
  });
  framer.expectPayload();
  framer.write(all.subarray(end + 2));
  return { line, payload: Buffer.concat(payload), commands };
}

function replica(port: number, capa: string[] = ['eof', 'psync2']): RecordingTransport {
  const t = new RecordingTransport(port);
  expect(node.replconf(t, ['REPLCONF', 'listening-port', String(port)])).toEqual({ value: 'OK' });
  for (const c of capa) node.replconf(t, ['REPLCONF', 'capa', c]);
  return t;
}

test('replicas that arrive together share ONE snapshot; the stream gets the same chunk objects', async () => {
  setup({ replDisklessSyncDelay: 60, replDisklessSyncMaxReplicas: 2 });
  const session = { db: 0 };
  for (let i = 0; i < 50; i++) keyspace.execute(['SET', `k${i}`, `v${i}`], session);
  const starts: FullSyncInfo[] = [];
  const done: FullSyncResult[] = [];
  node.on('sync:start', (s) => starts.push(s));
  node.on('sync:done', (s) => done.push(s));
  const a = replica(7001);
  const b = replica(7002);
  expect(node.psync(a, ['PSYNC', '?', '-1'])).toBeUndefined();
  expect(node.replicas().map((r) => r.state)).toEqual(['wait_bgsave']);
  expect(node.psync(b, ['PSYNC', '?', '-1'])).toBeUndefined();
  await until(() => node.replicas().every((r) => r.state === 'online'), 'both online');
  expect(starts).toHaveLength(1);
  expect(starts[0].target).toBe('socket');
  expect(starts[0].replicas).toHaveLength(2);
  const pa = parse(a);
  const pb = parse(b);
  expect(pa.line).toBe(`+FULLRESYNC ${node.replid} 0`);
  expect(pb.line).toBe(pa.line);
  expect(pa.payload.equals(pb.payload)).toBe(true);
  expect(pa.payload.subarray(0, 9).toString()).toBe('REDIS0010');
  expect(done).toEqual([{ ...starts[0], keys: 50, bytes: pa.payload.length }]);

  node.replconf(a, ['REPLCONF', 'ACK', '0']);
  node.replconf(b, ['REPLCONF', 'ACK', '0']);
  const before = [a.writes.length, b.writes.length];
  node.propagate(keyspace.execute(['SET', 'x', Buffer.alloc(100, 1).toString('latin1')], session).propagate);
  // the stream of a turn is written at its end
  expect(a.writes.length).toBe(before[0]);
  await endOfTurn();
  const wa = a.writes.slice(before[0]);
  const wb = b.writes.slice(before[1]);
  expect(wa).toHaveLength(1);
  expect(wb).toHaveLength(1);
  expect(wa[0]).toHaveLength(1);
  for (let i = 0; i < wa[0].length; i++) expect(wa[0][i]).toBe(wb[0][i]);
  // the backlog holds exactly the stream
  expect(node.backlog?.readCopy(1).equals(Buffer.concat(wa[0] as Buffer[]))).toBe(true);
});

test('repl-diskless-sync-delay: replicas arriving within the delay share one snapshot', async () => {
  setup({ replDisklessSyncDelay: 1 });
  const starts: FullSyncInfo[] = [];
  node.on('sync:start', (s) => starts.push(s));
  const a = replica(7001);
  node.psync(a, ['PSYNC', '?', '-1']);
  const b = replica(7002);
  node.psync(b, ['PSYNC', '?', '-1']);
  expect(a.writes).toEqual([]);
  await until(() => node.replicas().every((r) => r.state === 'online'), 'both online', 5000);
  expect(starts).toHaveLength(1);
  expect(starts[0].replicas).toHaveLength(2);
  expect(node.state).toBe('master');
});

test('SELECT rules: emitted when the db changes, forced after a full sync, not for ping/GETACK', async () => {
  setup({ replDisklessSyncDelay: 0 });
  const t = replica(7001);
  node.psync(t, ['PSYNC', '?', '-1']);
  await until(() => node.replicas()[0]?.state === 'online', 'online');
  node.replconf(t, ['REPLCONF', 'ACK', '0']);
  node.requestAck();
  await until(() => parse(t).commands.length === 1, 'GETACK');
  node.propagate([
    { db: 0, argv: ['SET', 'a', '1'] },
    { db: 0, argv: ['SET', 'b', '1'] },
    { db: 5, argv: ['set', 'c', '1'] },
  ]);
  node.propagate([{ db: 5, argv: ['DEL', 'c'] }]);
  node.propagate([{ db: 0, argv: ['DEL', 'a'] }]);
  const before = t.writes.length;
  await endOfTurn();
  // the three batches of the turn leave in one write of one contiguous chunk
  expect(t.writes.slice(before).map((w) => w.length)).toEqual([1]);
  expect(parse(t).commands).toEqual([
    ['REPLCONF', 'GETACK', '*'],
    ['SELECT', '0'],
    ['SET', 'a', '1'],
    ['SET', 'b', '1'],
    ['SELECT', '5'],
    ['set', 'c', '1'],
    ['DEL', 'c'],
    ['SELECT', '0'],
    ['DEL', 'a'],
  ]);
  expect(node.streamDb).toBe(0);
  expect(node.rdbSaveInfo()).toEqual({ streamDb: 0, replId: node.replid, offset: node.masterReplOffset });
});

test('ping every repl-ping-replica-period, in the current db', async () => {
  setup({ replDisklessSyncDelay: 0, replPingReplicaPeriod: 1 });
  const t = replica(7001);
  node.psync(t, ['PSYNC', '?', '-1']);
  await until(() => node.replicas()[0]?.state === 'online', 'online');
  node.replconf(t, ['REPLCONF', 'ACK', '0']);
  await until(() => parse(t).commands.some((c) => c[0] === 'ping'), 'a ping', 5000);
  expect(parse(t).commands[0]).toEqual(['ping']);
});

test('WAIT resolves when enough replicas acknowledged the offset', async () => {
  setup({ replDisklessSyncDelay: 0 });
  const t = replica(7001);
  node.psync(t, ['PSYNC', '?', '-1']);
  await until(() => node.replicas()[0]?.state === 'online', 'online');
  node.replconf(t, ['REPLCONF', 'ACK', '0']);
  node.propagate([{ db: 0, argv: ['SET', 'a', '1'] }]);
  const acks: number[] = [];
  node.on('replica:ack', (_r, off) => acks.push(off));
  const waiting = node.wait(1, 0);
  await until(() => parse(t).commands.some((c) => c[1] === 'GETACK'), 'GETACK');
  const target = node.masterReplOffset - 37;
  node.replconf(t, ['REPLCONF', 'ACK', String(target)]);
  expect(await waiting).toBe(1);
  expect(acks).toEqual([target]);
  expect(node.replicas()[0]).toMatchObject({ port: 7001, ip: '127.0.0.1', state: 'online', offset: target, lag: 0 });
  expect(node.goodReplicas(10)).toBe(1);
  // the GETACK is not acknowledged yet: nobody has the current offset
  expect(await node.wait(2, 50)).toBe(0);
  node.replconf(t, ['REPLCONF', 'ACK', String(node.masterReplOffset)]);
  expect(await node.wait(2, 50)).toBe(1);
});

test('disk-based sync: temp file renamed to dbfilename in dir, $<len> payload, replicas joining during the save share it', async () => {
  setup({ replDisklessSync: false });
  for (let i = 0; i < 2000; i++) keyspace.execute(['RPUSH', `l${i % 7}`, `item-${i}`], { db: 2 });
  const starts: FullSyncInfo[] = [];
  node.on('sync:start', (s) => starts.push(s));
  const a = replica(7001, ['psync2']);
  const b = replica(7002, ['eof', 'psync2']);
  node.psync(a, ['PSYNC', '?', '-1']);
  node.propagate([{ db: 1, argv: ['SET', 'during', 'save'] }]);
  node.psync(b, ['PSYNC', '?', '-1']);
  await until(() => node.replicas().length === 2 && node.replicas().every((r) => r.state === 'online'), 'both online');
  expect(starts).toHaveLength(1);
  expect(starts[0].target).toBe('disk');
  const pa = parse(a);
  const pb = parse(b);
  expect(pb.line).toBe(pa.line);
  expect(pa.payload.equals(readFileSync(join(dir, 'dump.rdb')))).toBe(true);
  expect(pb.payload.equals(pa.payload)).toBe(true);
  expect(a.bytes().toString('latin1')).toContain(`\r\n$${pa.payload.length}\r\nREDIS0010`);
  expect(pa.commands).toEqual([['SELECT', '1'], ['SET', 'during', 'save']]);
  expect(pb.commands).toEqual(pa.commands);
  expect(readdirSync(dir).filter((f) => f.startsWith('temp-'))).toEqual([]);
  expect(existsSync(join(dir, 'dump.rdb'))).toBe(true);
});

test('a replica over the output-buffer hard limit is closed; a slow one paces the snapshot without losing bytes', async () => {
  setup({ replDisklessSyncDelay: 0, replBacklogSize: 16384, clientOutputBufferLimitReplica: { hard: 20000, soft: 0, softSeconds: 0 } });
  for (let i = 0; i < 3000; i++) keyspace.execute(['SET', `key:${i}`, 'x'.repeat(50)], { db: 0 });
  const offline: string[] = [];
  node.on('replica:offline', (_r, reason) => offline.push(reason));
  const t = replica(7001);
  t.accepting = false;
  node.psync(t, ['PSYNC', '?', '-1']);
  await until(() => t.writes.length >= 2, 'the first payload bytes');
  const stalled = t.writes.length;
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  expect(t.writes.length).toBe(stalled);
  t.drain();
  await until(() => node.replicas()[0]?.state === 'online', 'online');
  expect(parse(t).payload.subarray(0, 9).toString()).toBe('REDIS0010');
  node.replconf(t, ['REPLCONF', 'ACK', '0']);
  t.buffered = 25000;
  node.propagate([{ db: 0, argv: ['SET', 'a', '1'] }]);
  await until(() => t.closed, 'the close');
  expect(offline).toEqual(['output buffer limit']);
  expect(node.replicas()).toEqual([]);
});

test('backpressure over serve(): a stalled peer paces the snapshot while its ACKs are still read', async () => {
  setup({ replDisklessSyncDelay: 0 });
  for (let i = 0; i < 3000; i++) keyspace.execute(['SET', `key:${i}`, 'y'.repeat(60)], { db: 0 });
  const held: Array<() => void> = [];
  const written: Buffer[] = [];
  const peer = new Duplex({
    writableHighWaterMark: 4096,
    read() {},
    write(chunk: Buffer, _enc, cb) {
      written.push(chunk);
      held.push(cb);
    },
  });
  const acks: number[] = [];
  node.on('replica:ack', (_r, off) => acks.push(off));
  node.serve(peer);
  peer.push(Buffer.from('*3\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$3\r\neof\r\n'));
  await until(() => written.length === 1, 'the +OK');
  held.shift()?.();
  peer.push(Buffer.from('*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n'));
  await until(() => peer.writableLength > 4096, 'the peer to fall behind');
  const stalledAt = written.length;
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  expect(written.length).toBe(stalledAt);
  expect(node.replicas()[0].state).toBe('wait_bgsave');
  // reading goes on while writing waits
  peer.push(Buffer.from('*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$1\r\n0\r\n'));
  await until(() => acks.length === 1, 'the ACK during the transfer');
  while (node.replicas()[0]?.state !== 'online') {
    for (const cb of held.splice(0)) cb();
    await new Promise((r) => setImmediate(r));
  }
  for (const cb of held.splice(0)) cb();
  const all = Buffer.concat(written).toString('latin1');
  const mark = /\$EOF:([0-9a-f]{40})\r\n/.exec(all)?.[1] as string;
  expect(all.endsWith(mark)).toBe(true);
  expect(node.outputBytes).toBe(Buffer.concat(written).length - 5);
  peer.destroy();
});
