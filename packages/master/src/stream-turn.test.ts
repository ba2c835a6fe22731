/**
 * The stream of an event-loop turn: the offset moves with every propagated command, the bytes
 * reach the backlog and the links at the turn's end, and whoever reads them earlier (a PSYNC, a
 * snapshot's start) sees every byte the offset counts, once. The encoder's slab is written again
 * only when no transport can still hold views of it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyspace, type Keyspace } from '@replikit/keyspace';
import { RecordingTransport } from './fake-transport';
import { createMaster, type ReplicationNode } from './index';
import { until } from './test-kit';

let keyspace: Keyspace;
let node: ReplicationNode;
let dir: string;

beforeEach(() => {
  keyspace = createKeyspace();
  dir = mkdtempSync(join(tmpdir(), 'replikit-turn-'));
  node = createMaster({ keyspace }, { dir, replDisklessSyncDelay: 0, replBacklogSize: 4 * 1024 * 1024 });
});

afterEach(() => {
  node.close();
  keyspace.close();
  rmSync(dir, { recursive: true, force: true });
});

const endOfTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A socket as the node sees one: it copies what it is given, and then holds no reference. */
class CopyingTransport extends RecordingTransport {
  readonly releasesWrittenChunks = true;
  readonly copies: Buffer[] = [];
  override write(chunks: readonly Uint8Array[]): boolean {
    for (const c of chunks) this.copies.push(Buffer.from(c));
    return super.write(chunks);
  }
  copied(): Buffer {
    return Buffer.concat(this.copies);
  }
}

/** The offset of `+FULLRESYNC <id> <offset>` and the stream after the diskless payload (`$EOF:<mark>` ... `<mark>`). */
function streamAfterSync(all: Buffer): { offset: number; stream: Buffer } {
  const text = all.toString('latin1');
  const offset = Number(text.slice(0, text.indexOf('\r\n')).split(' ')[2]);
  const mark = /\$EOF:([0-9a-f]{40})\r\n/.exec(text)?.[1] as string;
  const end = text.indexOf(mark, text.indexOf(mark) + mark.length) + mark.length;
  return { offset, stream: all.subarray(end) };
}

async function onlineReplica(t: RecordingTransport, port: number): Promise<void> {
  node.replconf(t, ['REPLCONF', 'listening-port', String(port)]);
  node.replconf(t, ['REPLCONF', 'capa', 'eof']);
  node.replconf(t, ['REPLCONF', 'capa', 'psync2']);
  node.psync(t, ['PSYNC', '?', '-1']);
  await until(() => node.replicas().find((r) => r.port === port)?.state === 'online', 'online');
  node.replconf(t, ['REPLCONF', 'ACK', '0']);
}

const set = (i: number, size = 100) => [{ db: 0, argv: ['SET', `key:${i}`, String(i % 10).repeat(size)] }];

/** 300 turns of 15 SETs of 100 bytes each (about 600 KiB of stream), each turn ended. */
async function propagateTurns(): Promise<void> {
  for (let turn = 0; turn < 300; turn++) {
    for (let i = 0; i < 15; i++) node.propagate(set(turn * 15 + i));
    await endOfTurn();
  }
}

test('the offset moves per command; a PSYNC in the same turn gets the turn bytes once, from the backlog', async () => {
  const a = new RecordingTransport(7001);
  await onlineReplica(a, 7001);
  node.propagate(set(1));
  const at = node.masterReplOffset;
  expect(at).toBeGreaterThan(0);
  node.propagate(set(2));
  node.propagate(set(3));
  expect(node.masterReplOffset).toBeGreaterThan(at);
  // nothing written yet; the backlog is read: it holds every byte the offset counts
  const aBefore = a.writes.length;
  expect(node.backlog?.masterReplOffset).toBe(node.masterReplOffset);
  const b = new RecordingTransport(7002);
  node.replconf(b, ['REPLCONF', 'capa', 'psync2']);
  node.psync(b, ['PSYNC', node.replid, String(at + 1)]);
  node.propagate(set(4));
  await endOfTurn();
  const expected = node.backlog?.readCopy(at + 1) as Buffer;
  const got = b.bytes();
  expect(got.subarray(0, got.indexOf('\r\n')).toString()).toBe(`+CONTINUE ${node.replid}`);
  expect(got.subarray(got.indexOf('\r\n') + 2).equals(expected)).toBe(true);
  // the replica that was online got the turn in one write
  expect(a.writes.length).toBe(aBefore + 1);
});

test('a full sync that starts in a turn with earlier writes: its replica gets the stream from the snapshot offset, once', async () => {
  node.close();
  node = createMaster({ keyspace }, { dir, replDisklessSyncDelay: 1 });
  const a = new RecordingTransport(7001);
  await onlineReplica(a, 7001);
  const s = { db: 0 };
  // a write in the timer phase that starts the snapshot (the same 1 s delay, queued first)
  setTimeout(() => node.propagate(keyspace.execute(['SET', 'before', '1'], s).propagate), 1000);
  const b = new RecordingTransport(7002);
  node.replconf(b, ['REPLCONF', 'listening-port', '7002']);
  node.replconf(b, ['REPLCONF', 'capa', 'eof']);
  node.psync(b, ['PSYNC', '?', '-1']);
  await until(() => node.replicas().find((r) => r.port === 7002)?.state !== 'wait_bgsave', 'the snapshot sent');
  node.propagate(keyspace.execute(['SET', 'after', '1'], s).propagate);
  await until(() => node.replicas().find((r) => r.port === 7002)?.state === 'online', 'b online');
  node.replconf(b, ['REPLCONF', 'ACK', '0']);
  node.propagate(keyspace.execute(['SET', 'later', '1'], s).propagate);
  await endOfTurn();
  const { offset, stream } = streamAfterSync(b.bytes());
  expect(offset).toBeGreaterThan(0);
  expect(stream.equals(node.backlog?.readCopy(offset + 1) as Buffer)).toBe(true);
  expect(stream.toString('latin1')).not.toContain('before');
  expect(stream.toString('latin1')).toContain('later');
});

test('a transport that may keep the chunks: the stream never writes into memory it handed over', async () => {
  const t = new RecordingTransport(7001);
  await onlineReplica(t, 7001);
  const from = node.masterReplOffset + 1;
  const first = t.writes.length;
  await propagateTurns(); // ~600 KiB: more than two slabs
  const written = Buffer.concat(t.writes.slice(first).flatMap((w) => w.map((c) => Buffer.from(c))));
  expect(written.equals(node.backlog?.readCopy(from) as Buffer)).toBe(true);
  const slabs = new Set(t.writes.slice(first).flatMap((w) => w.map((c) => c.buffer)));
  expect(slabs.size).toBeGreaterThan(2);
});

test('a transport that copies and empties its buffer: one slab serves every turn; a peer behind keeps it from being reused', async () => {
  const t = new CopyingTransport(7001);
  await onlineReplica(t, 7001);
  const from = node.masterReplOffset + 1;
  const first = t.writes.length;
  await propagateTurns();
  const views = t.writes.slice(first).flatMap((w) => [...w]);
  expect(new Set(views.map((c) => c.buffer)).size).toBe(1);
  const copied = Buffer.concat(t.copies.slice(t.copies.length - views.length));
  expect(copied.equals(node.backlog?.readCopy(from) as Buffer)).toBe(true);

  // the peer falls behind: its buffer is not empty, so each turn's bytes stay where they were written
  t.buffered = 1;
  const held = t.writes.length;
  for (let turn = 0; turn < 5; turn++) {
    node.propagate(set(turn));
    await endOfTurn();
  }
  const kept = t.writes.slice(held).flatMap((w) => [...w]);
  const starts = kept.map((c) => c.byteOffset);
  expect(new Set(starts).size).toBe(kept.length);
  expect(Buffer.concat(kept.map((c) => Buffer.from(c))).equals(Buffer.concat(t.copies.slice(t.copies.length - kept.length)))).toBe(true);
});
