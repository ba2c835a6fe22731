/**
 * The AOF persistence of a server, like Redis 7.0's multi-part AOF: one more consumer of the
 * propagated write stream (the same rewritten commands replicas get), appended to the newest
 * incremental file of `<dir>/<appenddirname>` and synced per `appendfsync`; BGREWRITEAOF and the
 * automatic rewrite write a new base from a point-in-time snapshot while new writes go to a new
 * incremental file, then the manifest is switched and the history files deleted. Configuration is
 * read live from the ServerConfig.
 */
import { unlinkSync } from 'node:fs';
import type { Keyspace, PropagatedCommand } from '@replikit/keyspace';
import { ErrorReply } from '@replikit/resp';
import type { ServerConfig } from '../../config/server-config';
import { AofWriteError } from '../../errors';
import type { Logger } from '../../logger';
import { writeBaseSync } from './aof-base';
import { AofFiles } from './aof-files';
import { type AofLoadResult, loadAofFiles } from './aof-loader';
import { AofRewriter } from './aof-rewrite';
import { needsAofUpgrade, upgradeAof } from './aof-upgrade';
import { IncrWriter, skipBytes } from './incr-writer';
import { type AofManifest, baseFileName, emptyManifest, incrFileName } from './manifest';

export type AofState = 'off' | 'on' | 'wait-rewrite';

export interface AofPersistenceDeps {
  keyspace: Keyspace;
  config: ServerConfig;
  logger: Logger;
  /** true while another background save runs (a rewrite is then scheduled, as Redis has one child at a time) */
  otherChildRunning?: () => boolean;
  clock?: () => number;
  /**
   * Ends the process after an AOF write or fsync error with `appendfsync always`, as Redis does
   * (the turn's replies must not leave without their writes on disk). @default process.exit
   */
  exit?: (code: number) => void;
}

export type RewriteStart = 'started' | 'in-progress' | 'scheduled';

export class AofPersistence {
  state: AofState;
  manifest: AofManifest = emptyManifest();
  readonly files: AofFiles;
  writer: IncrWriter | undefined;
  readonly rewriter: AofRewriter;
  /** aof_current_size */
  currentSize = 0;
  /** aof_rewrite_base_size (aof_base_size) */
  baseSize = 0;
  lastWriteStatus: 'ok' | 'err' = 'ok';
  lastWriteError = '';
  delayedFsync = 0;
  private pending: Buffer[] = [];
  /** aof_buf is the writer's: the turn's encoded writes wait there, written before any reply leaves */
  private flushScheduled = false;
  private lastFsync = 0;
  private timer: NodeJS.Timeout | undefined;
  loading = false;
  readonly clock: () => number;
  /** `appendfsync` and `aof-timestamp-enabled`, kept up to date by a config listener: the write path reads them per command */
  private policy: 'always' | 'everysec' | 'no';
  private timestampsOn: boolean;
  private readonly unbindConfig: () => void;

  constructor(readonly deps: AofPersistenceDeps) {
    this.clock = deps.clock ?? Date.now;
    const c = deps.config;
    this.state = c.getBool('appendonly') ? 'on' : 'off';
    this.files = new AofFiles(
      () => c.getString('dir'),
      () => c.getString('appenddirname'),
      () => c.getString('appendfilename'),
    );
    this.rewriter = new AofRewriter(this);
    this.policy = c.getString('appendfsync') as 'always' | 'everysec' | 'no';
    this.timestampsOn = c.getBool('aof-timestamp-enabled');
    this.unbindConfig = c.onChange((name, value) => {
      if (name === 'appendfsync') this.policy = value as 'always' | 'everysec' | 'no';
      else if (name === 'aof-timestamp-enabled') this.timestampsOn = value as boolean;
    });
  }

  get enabled(): boolean {
    return this.state !== 'off';
  }

  get fsyncPolicy(): 'always' | 'everysec' | 'no' {
    return this.policy;
  }

  /** aof_buffer_length: bytes waiting for a retry after a failed write */
  get bufferLength(): number {
    let n = this.writer?.bufferedBytes ?? 0;
    for (const b of this.pending) n += b.length;
    return n;
  }

  /**
   * Start-up, with `appendonly yes`: reads the manifest and loads its files (the RDB file is not
   * read). Resolves undefined when the directory has no AOF yet. Rejects with AofLoadError.
   */
  async loadAtStartup(): Promise<AofLoadResult | undefined> {
    this.manifest = this.files.readManifest();
    const c = this.deps.config;
    // a pre-7.0 single-file AOF in `dir` becomes the base of the multi-part layout first
    const upgrade = { files: this.files, manifest: this.manifest, logger: this.deps.logger, dir: c.getString('dir'), filename: c.getString('appendfilename'), dirname: c.getString('appenddirname') };
    if (needsAofUpgrade(upgrade)) this.manifest = upgradeAof(upgrade);
    this.loading = true;
    let r: AofLoadResult | undefined;
    try {
      r = await loadAofFiles(this.manifest, {
        keyspace: this.deps.keyspace,
        logger: this.deps.logger,
        aofDir: this.files.aofDir,
        loadTruncated: c.getBool('aof-load-truncated'),
        verifyChecksum: c.getBool('rdbchecksum'),
      });
    } finally {
      this.loading = false;
    }
    if (r !== undefined) {
      this.currentSize = r.totalSize;
      this.baseSize = r.totalSize;
    }
    return r;
  }

  /** Reads the manifest when the AOF is off at start-up (sequence numbers continue if it is enabled later). */
  readManifestQuietly(): void {
    try {
      this.manifest = this.files.readManifest();
    } catch {
      this.manifest = emptyManifest();
    }
  }

  /**
   * aofOpenIfNeededOnServerStart: creates the directory, a base of the current dataset when there
   * is neither base nor incr file, opens (or creates) the last incr file and persists the manifest.
   * Throws AofWriteError (the server exits).
   */
  openOnStart(): void {
    if (this.state !== 'on') return;
    const log = this.deps.logger;
    const c = this.deps.config;
    this.files.ensureDir();
    const prefix = this.files.filenamePrefix;
    if (this.manifest.base === undefined && this.manifest.incrs.length === 0) {
      const seq = this.manifest.baseSeq + 1;
      const name = baseFileName(prefix, seq, c.getBool('aof-use-rdb-preamble'));
      try {
        writeBaseSync(this.deps.keyspace, this.files.path(name), this.baseOptions());
      } catch (err) {
        throw new AofWriteError('rewrite', `Error creating the AOF base file ${name}: ${(err as Error).message}`, { cause: err });
      }
      this.manifest.base = { name, seq, type: 'b' };
      this.manifest.baseSeq = seq;
      log.notice(`Creating AOF base file ${name} on server start`);
    }
    const existing = this.manifest.incrs.length > 0;
    if (!existing) {
      const seq = this.manifest.incrSeq + 1;
      this.manifest.incrs.push({ name: incrFileName(prefix, seq), seq, type: 'i' });
      this.manifest.incrSeq = seq;
    }
    const last = this.manifest.incrs[this.manifest.incrs.length - 1] as { name: string };
    try {
      this.writer = this.openWriter(last.name);
    } catch (err) {
      throw new AofWriteError('open', `Can't open the append-only file ${last.name}: ${(err as Error).message}`, { cause: err });
    }
    this.files.writeManifest(this.manifest);
    log.notice(`${existing ? 'Opening' : 'Creating'} AOF incr file ${last.name} on server start`);
    this.rewriter.deleteHistory();
  }

  baseOptions() {
    const c = this.deps.config;
    return { rdbPreamble: c.getBool('aof-use-rdb-preamble'), compress: c.getBool('rdbcompression'), checksum: c.getBool('rdbchecksum') };
  }

  openWriter(name: string): IncrWriter {
    return new IncrWriter(this.files.path(name), { timestamps: () => this.timestampsOn, clock: this.clock });
  }

  /**
   * feedAppendOnlyFile: called for every propagated batch; the bytes wait in the turn's buffer
   * until flush() (before the first reply of the turn leaves, or at the end of the turn).
   */
  feed(writes: readonly PropagatedCommand[]): void {
    const w = this.writer;
    if (w === undefined || this.state === 'off') return;
    w.append(writes);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // writes that no reply follows (a master's stream, expiry) are flushed at the end of the turn
      setImmediate(() => this.flush());
    }
  }

  /**
   * flushAppendOnlyFile: writes the buffered bytes (one write(2) per turn) and, with
   * `appendfsync always`, fdatasyncs them, so every write of the turn is on disk before its
   * reply; group commit across the clients served in the turn, as Redis's beforeSleep does.
   */
  flush(): void {
    this.flushScheduled = false;
    const w = this.writer;
    if (w === undefined || w.bufferedBytes === 0) return;
    const chunks = w.take();
    if (this.pending.length > 0) {
      this.pending.push(...chunks);
      return;
    }
    this.writeOut(w, chunks);
  }

  private writeOut(w: IncrWriter, chunks: Buffer[]): boolean {
    try {
      w.write(chunks);
    } catch (err) {
      if (this.policy === 'always') {
        this.fatal(`Error writing to the AOF file: ${(err as Error).message}`, "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
        return false;
      }
      this.writeFailed(err, skipBytes(chunks, w.keptOfFailedWrite));
      this.currentSize += w.keptOfFailedWrite;
      return false;
    }
    this.currentSize += chunks.reduce((n, c) => n + c.length, 0);
    if (this.lastWriteStatus === 'err') {
      this.deps.logger.warning('AOF write error looks solved, Redis can write again.');
      this.lastWriteStatus = 'ok';
    }
    if (this.fsyncPolicy === 'always' && !this.fsyncPausedByRewrite()) {
      try {
        w.syncNow();
      } catch (err) {
        this.fatal(`Can't persist append only file with fsync policy 'always': ${(err as Error).message}. Exiting...`);
      }
    }
    return true;
  }

  /** A write or fsync error with `appendfsync always`: logged, then the process ends (exit code 1). */
  private fatal(...lines: string[]): void {
    for (const l of lines) this.deps.logger.warning(l);
    this.lastWriteStatus = 'err';
    this.lastWriteError = lines[0] as string;
    (this.deps.exit ?? process.exit)(1);
  }

  private writeFailed(err: unknown, chunks: Buffer[]): void {
    const msg = (err as Error).message;
    if (this.lastWriteStatus === 'ok') this.deps.logger.warning(`Error writing to the AOF file: ${msg}`);
    this.lastWriteStatus = 'err';
    this.lastWriteError = msg;
    // kept and retried by the cron; writes are refused meanwhile (writeCommandsDeniedByDiskError)
    this.pending = [...chunks, ...this.pending];
  }

  /** `-MISCONF Errors writing to the AOF file: ...` while the last AOF write failed. */
  diskError(): ErrorReply | undefined {
    if (this.state === 'off' || this.lastWriteStatus === 'ok') return undefined;
    return new ErrorReply(`MISCONF Errors writing to the AOF file: ${this.lastWriteError}`);
  }

  private fsyncPausedByRewrite(): boolean {
    return this.deps.config.getBool('no-appendfsync-on-rewrite') && (this.rewriter.inProgress || this.deps.otherChildRunning?.() === true);
  }

  /** serverCron's AOF part: write retries, everysec fsync, scheduled and automatic rewrites. */
  cron(): void {
    const w = this.writer;
    if (w !== undefined && this.pending.length > 0) {
      const retry = this.pending;
      this.pending = [];
      this.writeOut(w, retry);
    }
    if (w !== undefined && this.fsyncPolicy === 'everysec' && w.unsynced > 0 && !this.fsyncPausedByRewrite()) {
      const now = this.clock();
      if (now - this.lastFsync >= 1000) {
        if (w.fsyncInFlight) {
          if (now - this.lastFsync > 2000) this.delayedFsync++;
        } else {
          this.lastFsync = now;
          w.syncInBackground((err) => {
            if (err) this.deps.logger.warning(`Error syncing the AOF file: ${err.message}`);
          });
        }
      }
    }
    this.rewriter.cron();
  }

  /** Starts the cron timer (`hz` times a second). */
  start(hz = 10): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.cron(), Math.max(1, Math.floor(1000 / hz)));
    this.timer.unref();
  }

  /** BGREWRITEAOF. */
  rewrite(): RewriteStart {
    return this.rewriter.start();
  }

  /** startAppendOnly (CONFIG SET appendonly yes): state wait-rewrite until the first rewrite ends. */
  enable(): void {
    if (this.state !== 'off') return;
    this.readManifestQuietly();
    this.files.ensureDir();
    this.state = 'wait-rewrite';
    const r = this.rewriter.start();
    // a rewrite still being killed (AOF restarted after a sync) is followed by a new one
    if (r === 'in-progress') this.rewriter.scheduled = true;
    if (r === 'scheduled') {
      this.deps.logger.warning('AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.');
    }
  }

  /**
   * restartAOFAfterSYNC: a full sync replaced the dataset, which the AOF does not hold; the AOF is
   * stopped and enabled again, so a rewrite writes the new dataset as a new base.
   */
  restartAfterSync(): void {
    if (this.state === 'off') return;
    this.disable();
    this.enable();
  }

  /** stopAppendOnly (CONFIG SET appendonly no): flush, fsync, close; a running rewrite is killed. */
  disable(): void {
    if (this.state === 'off') return;
    this.syncAndClose();
    this.rewriter.kill();
    this.state = 'off';
  }

  /** flushAppendOnlyFile(1) + fsync: SHUTDOWN's "Calling fsync() on the AOF file." */
  /** Writes what is buffered, fsyncs and closes the incr file; `fsyncInBackground`: the fsync runs on the thread pool, then the close. */
  syncAndClose(fsyncInBackground = false): void {
    this.flush();
    const w = this.writer;
    if (w === undefined) return;
    if (this.pending.length > 0) {
      const retry = this.pending;
      this.pending = [];
      this.writeOut(w, retry);
    }
    try {
      if (fsyncInBackground && !w.fsyncInFlight) w.syncInBackground(() => {});
      else w.syncNow();
    } catch {
      /* reported by the write status */
    }
    w.close();
    this.writer = undefined;
  }

  /** INFO persistence fields after module_fork_last_cow_size (only while enabled). */
  infoTail(): Array<[string, string | number]> {
    const w = this.writer;
    return [
      ['aof_current_size', this.currentSize],
      ['aof_base_size', this.baseSize],
      ['aof_pending_rewrite', this.rewriter.scheduled ? 1 : 0],
      ['aof_buffer_length', this.bufferLength],
      ['aof_pending_bio_fsync', w?.fsyncInFlight ? 1 : 0],
      ['aof_delayed_fsync', this.delayedFsync],
    ];
  }

  /** Stops timers, kills a running rewrite, syncs and closes the file. */
  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.unbindConfig();
    await this.rewriter.killAndWait();
    this.syncAndClose();
  }

  /** Removes a file of the AOF directory, ignoring a missing one. */
  unlinkQuietly(name: string): void {
    try {
      unlinkSync(this.files.path(name));
    } catch {
      /* already gone */
    }
  }
}
