/**
 * Full syncs: replicas that ask for one wait (`wait_bgsave_start`) until a snapshot starts;
 * everyone waiting then shares ONE point-in-time snapshot of the keyspace, sent either straight to
 * the sockets (`$EOF:<mark>`, diskless) or through an RDB file in `dir` (`$<len>`). The stream
 * produced after the snapshot is held per replica (as references to the shared chunk lists) and
 * written after the payload. Every write is paced by the slowest replica's drain; the event loop
 * keeps running between snapshot batches.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { createKeyspace, type Keyspace } from '@replikit/keyspace';
import { rdbFunctionSources, snapshotToRdbChunks } from '@replikit/keyspace-rdb';
import { EOF_MARK_SIZE, RDB_FILE_CHUNK } from './defaults';
import { MasterSyncFailedError } from './errors';
import type { FullSyncInfo, FullSyncResult } from './events';
import type { ResolvedOptions } from './options';
import type { ReplicaLink } from './replica-link';

/** What the coordinator needs from the node. */
export interface SyncHost {
  readonly opts: ResolvedOptions;
  readonly keyspace: Keyspace;
  /**
   * The snapshot moment: the stream's SELECT state is reset; returns the current id and offset, and
   * the db the stream continues in (`repl-stream-db`: 0 on a master, whose next command carries a
   * SELECT; the upstream link's db on a replica, whose forwarded stream carries none).
   */
  snapshotPoint(): { replid: string; offset: number; streamDb: number };
  /** the payload was written and the stream may flow: flush what was held */
  online(link: ReplicaLink): void;
  drop(link: ReplicaLink, reason: string): void;
  emit(event: 'sync:start' | 'sync:done' | 'error', ...args: unknown[]): boolean;
  closed(): boolean;
}

interface SyncJob {
  readonly target: 'disk' | 'socket';
  readonly replid: string;
  readonly offset: number;
  readonly links: Set<ReplicaLink>;
  /** disk target, file still being written: replicas asking now can share it */
  writing: boolean;
  readonly abort: AbortController;
  readonly ids: number[];
}

/** Flush the file every this many bytes of snapshot output. */
const FILE_BATCH = 1024 * 1024;

/** What a replica's snapshot holds: the dataset, or (rdb-filter-only) nothing or only the libraries. */
function contentOf(l: { handshake: { rdbExcludeData: boolean; rdbIncludeFunctions?: boolean } }): 'data' | 'nothing' | 'functions' {
  if (!l.handshake.rdbExcludeData) return 'data';
  return l.handshake.rdbIncludeFunctions === true ? 'functions' : 'nothing';
}

export class FullSyncCoordinator {
  #waiting: ReplicaLink[] = [];
  #job: SyncJob | null = null;
  #timer: NodeJS.Timeout | undefined;
  #fileSeq = 0;

  constructor(private readonly host: SyncHost) {}

  /** The payload form of the job a replica belongs to, if any. */
  targetOf(link: ReplicaLink): 'disk' | 'socket' | undefined {
    const job = this.#job;
    return job?.links.has(link) ? job.target : undefined;
  }

  /** A replica needs a full sync. */
  enqueue(link: ReplicaLink): void {
    link.phase = 'wait_bgsave_start';
    const { opts } = this.host;
    const job = this.#job;
    const wantsDisk = (!opts.replDisklessSync || !link.handshake.capaEof) && !link.handshake.rdbExcludeData;
    if (job !== null && job.target === 'disk' && job.writing && wantsDisk) {
      const peer = [...job.links].find((l) => !l.handshake.rdbOnly);
      if (peer !== undefined || link.handshake.rdbOnly) {
        // the file being written covers this replica too: same offset, same stream since then
        this.#setupFullResync(link, job);
        if (peer !== undefined && !link.handshake.rdbOnly) {
          link.pending = [...peer.pending];
          link.pendingBytes = peer.pendingBytes;
        }
        job.links.add(link);
        job.ids.push(link.id);
        opts.log('notice', 'Waiting for end of BGSAVE for SYNC');
        return;
      }
    }
    this.#waiting.push(link);
    this.#schedule();
  }

  /** A replica went away. */
  remove(link: ReplicaLink): void {
    const i = this.#waiting.indexOf(link);
    if (i >= 0) this.#waiting.splice(i, 1);
    this.#job?.links.delete(link);
    if (this.#waiting.length === 0 && this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Stops the running snapshot and forgets waiting replicas (the node drops their links). */
  abort(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#waiting = [];
    if (this.#job) {
      this.#job.abort.abort();
      this.#job.links.clear();
    }
  }

  /** Starts a snapshot when Redis would (replicationStartPendingFork), or arms the delay timer. */
  #schedule(): void {
    if (this.#job !== null || this.#waiting.length === 0 || this.host.closed()) return;
    const { opts } = this.host;
    const now = opts.clock();
    let oldest = now;
    for (const l of this.#waiting) oldest = Math.min(oldest, l.since);
    const delayMs = opts.replDisklessSyncDelay * 1000;
    const max = opts.replDisklessSyncMaxReplicas;
    const anyDisk = this.#waiting.some((l) => !l.handshake.capaEof);
    const first = contentOf(this.#waiting[0]);
    if (!opts.replDisklessSync || anyDisk || this.#waiting.some((l) => contentOf(l) !== first) || delayMs === 0 || (max > 0 && this.#waiting.length >= max) || now - oldest >= delayMs) {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#start();
      return;
    }
    if (this.#timer === undefined) {
      opts.log('notice', 'Delay next BGSAVE for diskless SYNC');
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#schedule();
      }, oldest + delayMs - now);
      this.#timer.unref();
    }
  }

  #setupFullResync(link: ReplicaLink, job: SyncJob): void {
    link.phase = 'wait_bgsave_end';
    link.pending = [];
    link.pendingBytes = 0;
    if (!link.prePsync) {
      const line = Buffer.from(`+FULLRESYNC ${job.replid} ${job.offset}\r\n`, 'latin1');
      link.write([line], line.length, this.host.opts.clock());
    }
  }

  #start(): void {
    const { opts, keyspace } = this.host;
    // one snapshot serves replicas asking for the same content: the dataset, or no keys (rdb-filter-only)
    const content = contentOf(this.#waiting[0]);
    const excludeData = this.#waiting[0].handshake.rdbExcludeData;
    const links = this.#waiting.filter((l) => !l.closing && contentOf(l) === content);
    this.#waiting = this.#waiting.filter((l) => !l.closing && contentOf(l) !== content);
    if (links.length === 0) return;
    const socket = (opts.replDisklessSync || excludeData) && links.every((l) => l.handshake.capaEof);
    const target = socket ? 'socket' : 'disk';
    const { replid, offset, streamDb } = this.host.snapshotPoint();
    const source = excludeData ? createKeyspace({ databases: keyspace.databases }) : keyspace;
    const snapshot = source.snapshot();
    const job: SyncJob = { target, replid, offset, links: new Set(links), writing: target === 'disk', abort: new AbortController(), ids: links.map((l) => l.id) };
    this.#job = job;
    for (const link of links) this.#setupFullResync(link, job);
    opts.log('notice', `Starting BGSAVE for SYNC with target: ${target === 'disk' ? 'disk' : 'replicas sockets'}`);
    const info: FullSyncInfo = { target, offset, replid, replicas: job.ids };
    this.host.emit('sync:start', info);
    let keys = 0;
    const chunks = snapshotToRdbChunks(source, snapshot, {
      replication: { streamDb, replId: replid, offset },
      // a filtered snapshot carries the libraries only when asked (`rdb-filter-only functions`)
      functions: excludeData ? (content === 'functions' ? rdbFunctionSources(keyspace) : []) : undefined,
      compress: opts.rdbCompression,
      checksum: opts.rdbChecksum,
      signal: job.abort.signal,
      onProgress: (p) => {
        keys = p.keys;
      },
    });
    const run = target === 'socket' ? this.#sendToSockets(job, chunks) : this.#sendThroughFile(job, chunks);
    if (source !== keyspace) run.finally(() => source.close()).catch(() => {});
    run.then(
      (bytes) => this.#finish(job, { ...info, bytes, keys }),
      (err: unknown) => this.#fail(job, err),
    );
  }

  /** Writes to every replica of the job; resolves when the slowest has drained. */
  async #writeAll(job: SyncJob, chunks: readonly Uint8Array[], bytes: number): Promise<void> {
    if (job.abort.signal.aborted) throw new MasterSyncFailedError(job.target, 'full sync aborted');
    const now = this.host.opts.clock();
    let waits: Promise<void>[] | undefined;
    for (const link of job.links) {
      if (!link.write(chunks, bytes, now)) (waits ??= []).push(link.drained());
    }
    if (waits) await Promise.all(waits);
  }

  async #sendToSockets(job: SyncJob, chunks: AsyncIterableIterator<Buffer>): Promise<number> {
    const mark = randomBytes(EOF_MARK_SIZE / 2).toString('hex');
    const head = Buffer.from(`$EOF:${mark}\r\n`, 'latin1');
    await this.#writeAll(job, [head], head.length);
    let bytes = 0;
    for await (const chunk of chunks) {
      if (job.links.size === 0) break;
      bytes += chunk.length;
      await this.#writeAll(job, [chunk], chunk.length);
    }
    if (job.links.size > 0) await this.#writeAll(job, [Buffer.from(mark, 'latin1')], EOF_MARK_SIZE);
    for (const link of job.links) {
      link.phase = 'online';
      link.ackTime = this.host.opts.clock();
      this.host.opts.log(
        'notice',
        `Streamed RDB transfer with replica ${link.name} succeeded (socket). Waiting for REPLCONF ACK from replica to enable streaming`,
      );
      if (link.handshake.rdbOnly) this.#closeAfterFlush(link);
      else if (link.prePsync) this.host.online(link);
      else link.streamOnAck = true;
    }
    return bytes;
  }

  async #sendThroughFile(job: SyncJob, chunks: AsyncIterableIterator<Buffer>): Promise<number> {
    const { opts } = this.host;
    const tmp = join(opts.dir, `temp-${process.pid}.${++this.#fileSeq}.rdb`);
    const finalPath = join(opts.dir, opts.dbfilename);
    const out = await open(tmp, 'w');
    try {
      let batch: Buffer[] = [];
      let batchBytes = 0;
      for await (const chunk of chunks) {
        batch.push(chunk);
        batchBytes += chunk.length;
        if (batchBytes >= FILE_BATCH) {
          await out.writev(batch);
          batch = [];
          batchBytes = 0;
        }
      }
      if (batch.length > 0) await out.writev(batch);
      await out.sync();
      await out.close();
      await rename(tmp, finalPath);
    } catch (err) {
      await out.close().catch(() => {});
      await unlink(tmp).catch(() => {});
      throw err;
    }
    opts.log('notice', 'DB saved on disk');
    job.writing = false;
    const file = await open(finalPath, 'r');
    let size = 0;
    try {
      size = (await file.stat()).size;
      for (const link of job.links) link.phase = 'send_bulk';
      const head = Buffer.from(`$${size}\r\n`, 'latin1');
      await this.#writeAll(job, [head], head.length);
      let pos = 0;
      while (pos < size && job.links.size > 0) {
        const buf = Buffer.allocUnsafe(Math.min(RDB_FILE_CHUNK, size - pos));
        const { bytesRead } = await file.read(buf, 0, buf.length, pos);
        if (bytesRead === 0) throw new MasterSyncFailedError('disk', `the sync RDB ${finalPath} ended at ${pos} of ${size} bytes`);
        pos += bytesRead;
        await this.#writeAll(job, [buf.subarray(0, bytesRead)], bytesRead);
      }
    } finally {
      await file.close();
    }
    for (const link of job.links) {
      link.phase = 'online';
      link.ackTime = opts.clock();
      opts.log('notice', `Synchronization with replica ${link.name} succeeded`);
      if (link.handshake.rdbOnly) this.#closeAfterFlush(link);
      else this.host.online(link);
    }
    return size;
  }

  #closeAfterFlush(link: ReplicaLink): void {
    if (link.transport.bufferedBytes === 0) this.host.drop(link, 'rdb-only transfer done');
    else link.drained().then(() => this.host.drop(link, 'rdb-only transfer done'));
  }

  #finish(job: SyncJob, result: FullSyncResult): void {
    if (this.#job === job) this.#job = null;
    if (!job.abort.signal.aborted) this.host.emit('sync:done', result);
    this.#schedule();
  }

  #fail(job: SyncJob, err: unknown): void {
    if (this.#job === job) this.#job = null;
    const aborted = job.abort.signal.aborted;
    for (const link of [...job.links]) this.host.drop(link, 'full sync failed');
    if (!aborted && !this.host.closed()) {
      const error = err instanceof MasterSyncFailedError ? err : new MasterSyncFailedError(job.target, `full sync failed: ${(err as Error)?.message ?? err}`, { cause: err });
      this.host.opts.log('warning', `SYNC failed. ${error.message}`);
      this.host.emit('error', error);
    }
    this.#schedule();
  }
}
