/**
 * BGREWRITEAOF as Redis 7.0 does it with a multi-part AOF (rewriteAppendOnlyFileBackground and
 * backgroundRewriteDoneHandler): new writes switch at once to a new incremental file (a temporary
 * one while the AOF is being enabled), the base is written from a point-in-time snapshot without
 * blocking clients, then the new base is renamed into place, the old base and the incr files it
 * covers become history, the manifest is persisted and the history files are deleted.
 * Automatic rewrites follow `auto-aof-rewrite-percentage` / `auto-aof-rewrite-min-size`.
 */
import { renameSync } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Snapshot } from '@replikit/keyspace';
import { writeBaseInBackground } from './aof-base';
import type { AofPersistence, RewriteStart } from './aof-persistence';
import { type AofFileInfo, type AofManifest, baseFileName, cloneManifest, incrFileName } from './manifest';

/** Seconds before a failed rewrite is retried by the cron (AOF_REWRITE_... retry delay). */
const RETRY_DELAY_SEC = 60;

export class AofRewriter {
  scheduled = false;
  /** aof_rewrites */
  rewrites = 0;
  consecutiveFailures = 0;
  lastStatus: 'ok' | 'err' = 'ok';
  /** aof_last_rewrite_time_sec */
  lastTimeSec = -1;
  private startedAt = 0;
  private lastFailureAt = 0;
  private run: Promise<void> | undefined;
  private abort: AbortController | undefined;

  constructor(private readonly p: AofPersistence) {}

  get inProgress(): boolean {
    return this.run !== undefined;
  }

  /** aof_current_rewrite_time_sec */
  get currentTimeSec(): number {
    return this.run === undefined ? -1 : Math.floor((this.p.clock() - this.startedAt) / 1000);
  }

  private tempIncrName(): string {
    return `temp-${this.p.files.filenamePrefix}.incr`;
  }

  /**
   * rewriteAppendOnlyFileBackground. Returns at once; the steps that touch the disk (the manifest
   * naming the new incr file, the base, the renames, the history) run off the event loop.
   */
  start(): RewriteStart {
    if (this.run !== undefined) return 'in-progress';
    if (this.p.deps.otherChildRunning?.() === true) {
      this.scheduled = true;
      return 'scheduled';
    }
    const p = this.p;
    const log = p.deps.logger;
    this.scheduled = false;
    p.files.ensureDir();
    const tmp = join(p.deps.config.getString('dir'), `temp-rewriteaof-bg-${process.pid}.aof`);
    const abort = new AbortController();
    this.abort = abort;
    this.startedAt = p.clock();
    this.run = this.switchIncr(abort.signal)
      .then((snap) => {
        log.notice(`Background append only file rewriting started by pid ${process.pid}`);
        return writeBaseInBackground(p.deps.keyspace, snap, tmp, { ...p.baseOptions(), signal: abort.signal });
      })
      .then((bytes) => {
        if (abort.signal.aborted) throw new Error('killed');
        log.log('notice', `Successfully created the temporary AOF base file temp-rewriteaof-bg-${process.pid}.aof`, 'C');
        return this.done(tmp, bytes);
      })
      .catch((err: unknown) => {
        if (abort.signal.aborted) {
          log.warning('Background AOF rewrite terminated by signal 10');
        } else {
          log.warning(`Background AOF rewrite terminated with error: ${(err as Error).message}`);
          this.lastStatus = 'err';
          this.consecutiveFailures++;
          this.lastFailureAt = p.clock();
        }
        try {
          renameSync(tmp, `${tmp}.failed`);
        } catch {
          /* nothing written */
        }
        p.unlinkQuietly(`${tmp}.failed`);
      })
      .finally(() => {
        this.lastTimeSec = Math.floor((p.clock() - this.startedAt) / 1000);
        this.run = undefined;
        this.abort = undefined;
      });
    return 'started';
  }

  /**
   * openNewIncrAofForAppend, then the point-in-time snapshot the base is written from. The new incr
   * file is created and the manifest naming it made durable first, on the thread pool; until then
   * the writes keep going to the current incr file, which that manifest lists too. The switch of
   * writer and the snapshot happen in one step, so the base plus the new incr file hold every write.
   */
  private async switchIncr(signal: AbortSignal): Promise<Snapshot> {
    const p = this.p;
    const log = p.deps.logger;
    const prefix = p.files.filenamePrefix;
    if (p.state === 'on') {
      const m = cloneManifest(p.manifest);
      m.incrSeq += 1;
      const incrName = incrFileName(prefix, m.incrSeq);
      m.incrs.push({ name: incrName, seq: m.incrSeq, type: 'i' });
      await p.files.touch(incrName);
      await p.files.writeManifestAsync(m);
      // the manifest on disk lists the new file from now on, whatever happened meanwhile
      p.manifest = m;
      if (signal.aborted || p.state !== 'on') throw new Error('rewrite aborted');
      // the old incr file is fsynced on the thread pool, then closed (bioCreateCloseJob)
      p.syncAndClose(true);
      p.writer = p.openWriter(incrName);
      log.notice(`Creating AOF incr file ${incrName} on background rewrite`);
    } else {
      p.syncAndClose(true);
      if (p.state === 'wait-rewrite') {
        p.unlinkQuietly(this.tempIncrName());
        p.writer = p.openWriter(this.tempIncrName());
        log.notice(`Creating AOF incr file ${this.tempIncrName()} on background rewrite`);
      }
    }
    return p.deps.keyspace.snapshot();
  }

  /** backgroundRewriteDoneHandler, its renames, manifest and history deletion on the thread pool. */
  private async done(tmp: string, bytes: number): Promise<void> {
    const p = this.p;
    const log = p.deps.logger;
    const prefix = p.files.filenamePrefix;
    log.notice('Background AOF rewrite terminated with success');
    const m: AofManifest = cloneManifest(p.manifest);
    const enabling = p.state === 'wait-rewrite';
    // history is kept newest-first like Redis's list (files added at its head): the rewritten incr
    // files in sequence order, then the old base, then older history
    const oldBase = m.base === undefined ? [] : [{ ...m.base, type: 'h' as const }];
    const rewritten: AofFileInfo[] = [];
    m.baseSeq += 1;
    const baseName = baseFileName(prefix, m.baseSeq, p.baseOptions().rdbPreamble);
    m.base = { name: baseName, seq: m.baseSeq, type: 'b' };
    let lastIncr: string;
    if (enabling) {
      // the temporary incr file becomes the first real one
      m.incrSeq += 1;
      lastIncr = incrFileName(prefix, m.incrSeq);
      for (const i of m.incrs) rewritten.push({ ...i, type: 'h' });
      m.incrs = [{ name: lastIncr, seq: m.incrSeq, type: 'i' }];
    } else {
      // markRewrittenIncrAofAsHistory: every incr but the one being written (none while the AOF is off) is in the new base
      const keep = p.writer !== undefined ? m.incrs.slice(-1) : [];
      for (const i of m.incrs) if (!keep.includes(i)) rewritten.push({ ...i, type: 'h' });
      m.incrs = keep;
      lastIncr = keep[0]?.name ?? '';
    }
    m.history = [...rewritten, ...oldBase, ...m.history];
    await rename(tmp, p.files.path(baseName));
    log.notice(`Successfully renamed the temporary AOF base file ${tmp.slice(tmp.lastIndexOf('/') + 1)} into ${baseName}`);
    if (enabling) {
      // the writer keeps its descriptor across the rename
      await rename(p.files.path(this.tempIncrName()), p.files.path(lastIncr));
      log.notice(`Successfully renamed the temporary AOF incr file ${this.tempIncrName()} into ${lastIncr}`);
    }
    await p.files.writeManifestAsync(m);
    p.manifest = m;
    if (enabling && p.state === 'wait-rewrite') p.state = 'on';
    p.currentSize = bytes + (p.writer?.size ?? p.files.size(lastIncr));
    p.baseSize = p.currentSize;
    this.rewrites++;
    this.lastStatus = 'ok';
    this.consecutiveFailures = 0;
    await this.deleteHistoryAsync();
    log.notice('Background AOF rewrite finished successfully');
  }

  /** aofDelHistoryFiles: unlink history files, then persist the manifest without them. */
  deleteHistory(): void {
    const p = this.p;
    if (p.manifest.history.length === 0) return;
    for (const h of p.manifest.history) {
      p.deps.logger.notice(`Removing the history file ${h.name} in the background`);
      p.unlinkQuietly(h.name);
    }
    const m = cloneManifest(p.manifest);
    m.history = [];
    p.files.writeManifest(m);
    p.manifest = m;
  }

  /** deleteHistory with the unlinks (a big old base takes a while) and the manifest on the thread pool. */
  private async deleteHistoryAsync(): Promise<void> {
    const p = this.p;
    const history = p.manifest.history;
    if (history.length === 0) return;
    for (const h of history) {
      p.deps.logger.notice(`Removing the history file ${h.name} in the background`);
      await unlink(p.files.path(h.name)).catch(() => {});
    }
    const m = cloneManifest(p.manifest);
    m.history = m.history.filter((h) => !history.some((x) => x.name === h.name));
    await p.files.writeManifestAsync(m);
    p.manifest = m;
  }

  /** The rewrite part of serverCron: scheduled rewrites, retries after a failure, automatic rewrites. */
  cron(): void {
    const p = this.p;
    if (this.run !== undefined || p.loading) return;
    if (p.deps.otherChildRunning?.() === true) return;
    if (this.scheduled || (p.state === 'wait-rewrite' && this.lastStatus === 'err' && p.clock() - this.lastFailureAt > RETRY_DELAY_SEC * 1000)) {
      this.start();
      return;
    }
    if (p.state !== 'on') return;
    const c = p.deps.config;
    const perc = c.getNumber('auto-aof-rewrite-percentage');
    if (perc > 0 && p.currentSize > c.getNumber('auto-aof-rewrite-min-size')) {
      const base = p.baseSize > 0 ? p.baseSize : 1;
      const growth = Math.floor((p.currentSize * 100) / base) - 100;
      if (growth >= perc) {
        if (this.lastStatus === 'err' && p.clock() - this.lastFailureAt < RETRY_DELAY_SEC * 1000) return;
        p.deps.logger.notice(`Starting automatic rewriting of AOF on ${growth}% growth`);
        this.start();
      }
    }
  }

  /** killAppendOnlyChild. */
  kill(): void {
    this.abort?.abort();
    this.scheduled = false;
  }

  async killAndWait(): Promise<void> {
    this.kill();
    await this.run;
  }
}
