/**
 * Writing an AOF base file from a point-in-time keyspace snapshot, like rewriteAppendOnlyFileRio:
 * with `aof-use-rdb-preamble yes` an RDB (through @replikit/keyspace-rdb, `aof-base` aux field 1);
 * otherwise commands: a SELECT per database, SET / RPUSH / SADD / ZADD / HMSET (at most 64 items per
 * command, AOF_REWRITE_ITEMS_PER_CMD), XADD + XSETID + XGROUP/XCLAIM for streams, PEXPIREAT for TTLs.
 * The background variant reads the snapshot in small batches between event-loop turns and writes
 * with backpressure; the synchronous one (the base created at start-up) blocks, like Redis's.
 */
import { closeSync, createWriteStream, fsyncSync, openSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Keyspace, Snapshot, SnapshotEntry } from '@replikit/keyspace';
import { rdbFunctionSources, snapshotToRdbChunksSync, storedToRdbValue, writeSnapshotRdb } from '@replikit/keyspace-rdb';
import type { RdbValue, StreamId } from '@replikit/rdb';
import { encodeCommand, formatDouble17g } from './aof-format';

const ITEMS_PER_CMD = 64;

export interface AofBaseOptions {
  /** `aof-use-rdb-preamble` */
  rdbPreamble: boolean;
  /** `rdbcompression` (RDB form) */
  compress: boolean;
  /** `rdbchecksum` (RDB form) */
  checksum: boolean;
  signal?: AbortSignal;
}

const latin1 = (b: Buffer) => b.toString('latin1');
const idText = (id: StreamId) => `${id.ms}-${id.seq}`;

/** The commands that rebuild one key (its SELECT excluded). */
export function keyCommands(e: SnapshotEntry): string[][] {
  const key = e.key;
  const v: RdbValue = storedToRdbValue(e.value);
  const out: string[][] = [];
  const batched = (cmd: string, items: string[], per: number) => {
    for (let i = 0; i < items.length; i += per) {
      out.push([cmd, key, ...items.slice(i, i + per)]);
    }
  };
  switch (v.type) {
    case 'string':
      out.push(['SET', key, latin1(v.value)]);
      break;
    case 'list':
      batched('RPUSH', v.value.map(latin1), ITEMS_PER_CMD);
      break;
    case 'set':
      batched('SADD', v.value.map(latin1), ITEMS_PER_CMD);
      break;
    case 'zset':
      batched('ZADD', v.value.flatMap(([m, s]) => [formatDouble17g(s), latin1(m)]), ITEMS_PER_CMD * 2);
      break;
    case 'hash':
      batched('HMSET', v.value.flatMap(([f, x]) => [latin1(f), latin1(x)]), ITEMS_PER_CMD * 2);
      break;
    case 'stream': {
      const s = v.value;
      if (s.entries.length === 0) {
        // an empty stream is created with a throw-away entry trimmed at once (Redis does the same)
        out.push(['XADD', key, 'MAXLEN', '0', idText(s.lastId), 'x', 'y']);
      } else {
        for (const en of s.entries) out.push(['XADD', key, idText(en.id), ...en.fields.flatMap(([f, x]) => [latin1(f), latin1(x)])]);
      }
      out.push(['XSETID', key, idText(s.lastId), 'ENTRIESADDED', String(s.entriesAdded), 'MAXDELETEDID', idText(s.maxDeletedId)]);
      for (const g of s.groups) {
        const group = latin1(g.name);
        out.push(['XGROUP', 'CREATE', key, group, idText(g.lastId), 'ENTRIESREAD', String(g.entriesRead)]);
        const pel = new Map(g.pel.map((p) => [idText(p.id), p]));
        for (const c of g.consumers) {
          const consumer = latin1(c.name);
          if (c.pending.length === 0) out.push(['XGROUP', 'CREATECONSUMER', key, group, consumer]);
          for (const id of c.pending) {
            const p = pel.get(idText(id));
            out.push(['XCLAIM', key, group, consumer, '0', idText(id), 'TIME', String(p?.deliveryTime ?? 0n), 'RETRYCOUNT', String(p?.deliveryCount ?? 1n), 'JUSTID', 'FORCE']);
          }
        }
      }
      break;
    }
    case 'module':
      throw new Error(`cannot rewrite module value of key ${key}`);
  }
  if (e.expireAt !== -1) out.push(['PEXPIREAT', key, String(e.expireAt)]);
  return out;
}

/** Encodes a batch of entries, with a SELECT whenever the database changes. */
function encodeEntries(batch: readonly SnapshotEntry[], state: { db: number }): Buffer[] {
  const chunks: Buffer[] = [];
  for (const e of batch) {
    if (e.db !== state.db) {
      chunks.push(encodeCommand(['SELECT', String(e.db)]));
      state.db = e.db;
    }
    for (const argv of keyCommands(e)) chunks.push(encodeCommand(argv));
  }
  return chunks;
}

/** rewriteFunctions: one FUNCTION LOAD per library, before the keys of a command-form base. */
function functionLoads(keyspace: Keyspace): Buffer[] {
  return rdbFunctionSources(keyspace).map((code) => encodeCommand(['FUNCTION', 'LOAD', code.toString('latin1')]));
}

/** rewriteAppendOnlyFile (blocking): the base written to `path` and fsynced. Returns its size. */
export function writeBaseSync(keyspace: Keyspace, path: string, o: AofBaseOptions): number {
  const fd = openSync(path, 'w', 0o644);
  let bytes = 0;
  const put = (c: Buffer) => {
    let off = 0;
    while (off < c.length) off += writeSync(fd, c, off);
    bytes += c.length;
  };
  try {
    const snap = keyspace.snapshot();
    if (o.rdbPreamble) {
      for (const c of snapshotToRdbChunksSync(keyspace, snap, { compress: o.compress, checksum: o.checksum, aofBase: 1 })) put(c);
    } else {
      const state = { db: -1 };
      for (const c of functionLoads(keyspace)) put(c);
      try {
        for (;;) {
          const batch = snap.nextBatch({ maxKeys: 1024, maxMs: Number.POSITIVE_INFINITY });
          if (batch.length === 0) break;
          for (const c of encodeEntries(batch, state)) put(c);
        }
      } finally {
        snap.close();
      }
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/**
 * The base of a background rewrite from `snap` (taken when the rewrite started), streamed into
 * `path` without blocking the event loop, then fsynced. Resolves with its size.
 */
export async function writeBaseInBackground(keyspace: Keyspace, snap: Snapshot, path: string, o: AofBaseOptions): Promise<number> {
  const out = createWriteStream(path, { mode: 0o644 });
  let outError: Error | undefined;
  out.on('error', (e) => {
    outError ??= e;
  });
  let bytes = 0;
  try {
    if (o.rdbPreamble) {
      const r = await writeSnapshotRdb(keyspace, snap, out, { compress: o.compress, checksum: o.checksum, aofBase: 1, batch: { maxKeys: 256, maxMs: 2 }, signal: o.signal });
      bytes = r.bytes;
    } else {
      const state = { db: -1 };
      for (const c of functionLoads(keyspace)) {
        bytes += c.length;
        out.write(c);
      }
      try {
        for (;;) {
          if (o.signal?.aborted) throw new Error('rewrite aborted');
          const batch = snap.nextBatch({ maxKeys: 256, maxMs: 2 });
          if (batch.length === 0) break;
          let ok = true;
          for (const c of encodeEntries(batch, state)) {
            bytes += c.length;
            ok = out.write(c);
          }
          if (outError) throw outError;
          if (!ok) await new Promise<void>((r) => out.once('drain', () => r()));
          else await new Promise<void>((r) => setImmediate(r));
        }
      } finally {
        snap.close();
      }
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    if (outError) throw outError;
  } catch (err) {
    out.destroy();
    await new Promise<void>((r) => (out.closed ? r() : out.once('close', () => r())));
    throw err;
  }
  await new Promise<void>((r) => (out.closed ? r() : out.once('close', () => r())));
  const fh = await open(path, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  return bytes;
}
