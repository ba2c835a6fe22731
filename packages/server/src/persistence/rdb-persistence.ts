/**
 * The RDB persistence of a server, like Redis's: `dir` + `dbfilename`, the dump loaded at startup,
 * SAVE, BGSAVE (streamed from a point-in-time snapshot, never blocking the event loop), `save`
 * points checked from a timer, and the counters INFO persistence shows. Configuration is read
 * live from the ServerConfig, so CONFIG SET save/dir/dbfilename take effect at once.
 */
import { join } from 'node:path';
import type { Keyspace } from '@replikit/keyspace';
import type { RdbReplicationInfo } from '@replikit/rdb';
import type { SaveParam } from '../config/directives';
import type { ServerConfig } from '../config/server-config';
import type { Logger } from '../logger';
import { type RdbLoadResult, type RdbReplicationAux, loadRdbFile, loadRdbFileSync } from './rdb-load';
import { type BackgroundSaveProgress, RdbSaveError, saveRdbFileInBackground, saveRdbFileSync } from './rdb-save';

/** What persistence needs from the replication layer: the aux fields to write, the restart rule, the role. */
export interface PersistenceReplicationHooks {
  /** Replication aux fields to write into a dump, or undefined outside a replication chain. */
  rdbSaveInfo(): RdbReplicationInfo | undefined;
  /** Called after the startup load with the dump's replication aux fields (§5.4). */
  rdbLoaded(aux: RdbReplicationAux): void;
  /** `master` drops expired keys while loading; `replica` keeps them. */
  readonly role: 'master' | 'replica';
  /** After the startup load: the keys a master dropped as expired, to propagate as DEL (7.0). */
  expiredAtLoad?(keys: ReadonlyArray<{ db: number; key: string }>): void;
}

export interface RdbPersistenceDeps {
  keyspace: Keyspace;
  config: ServerConfig;
  logger: Logger;
  replication?: PersistenceReplicationHooks;
  /** unix ms @default Date.now */
  clock?: () => number;
}

/** CONFIG_BGSAVE_RETRY_DELAY: seconds before a failed automatic BGSAVE is retried. */
const BGSAVE_RETRY_DELAY = 5;

export type BgsaveStart = 'started' | 'in-progress';

export class RdbPersistence {
  /** changes not made by keyspace commands (addChanges) */
  private extraChanges = 0;
  /** total changes at the last successful save (the keyspace's counter is monotonic) */
  private changesAtSave = 0;
  private dirtyBeforeBgsave = 0;
  /** unix seconds of the last successful save (LASTSAVE) */
  lastSave: number;
  lastBgsaveStatus: 'ok' | 'err' = 'ok';
  private lastBgsaveTry = 0;
  /** `rdb_saves` */
  saves = 0;
  /** `rdb_last_bgsave_time_sec` */
  lastBgsaveTimeSec = -1;
  private bgsaveStartedAt = 0;
  private bgsaveRun: Promise<void> | undefined;
  private bgsaveAbort: AbortController | undefined;
  /** BGSAVE SCHEDULE / a BGSAVE inside MULTI while another save runs */
  bgsaveScheduled = false;
  readonly progress: BackgroundSaveProgress = { keysProcessed: 0, keysTotal: 0 };
  lastLoad: Pick<RdbLoadResult, 'keysLoaded' | 'keysExpired'> = { keysLoaded: 0, keysExpired: 0 };
  loading = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly clock: () => number;

  constructor(private readonly deps: RdbPersistenceDeps) {
    this.clock = deps.clock ?? Date.now;
    this.lastSave = this.nowSec();
  }

  private nowSec(): number {
    return Math.floor(this.clock() / 1000);
  }

  get dir(): string {
    return this.deps.config.getString('dir');
  }

  get filename(): string {
    return this.deps.config.getString('dbfilename');
  }

  /** Absolute path of the dump. */
  get path(): string {
    return join(this.dir, this.filename);
  }

  get bgsaveInProgress(): boolean {
    return this.bgsaveRun !== undefined;
  }

  /** `rdb_current_bgsave_time_sec` */
  get currentBgsaveTimeSec(): number {
    return this.bgsaveRun === undefined ? -1 : this.nowSec() - this.bgsaveStartedAt;
  }

  get saveParams(): SaveParam[] {
    return this.deps.config.get<SaveParam[]>('save');
  }

  /** All changes so far: the keyspace's executed-command count plus addChanges(). */
  private totalChanges(): number {
    return this.deps.keyspace.stats.dirty + this.extraChanges;
  }

  /**
   * Changes since the last successful save (`rdb_changes_since_last_save`, server.dirty): the
   * keyspace counts what its commands change (MSET a 1 b 2 = 2), expiry counts nothing, like Redis.
   */
  get dirty(): number {
    return this.totalChanges() - this.changesAtSave;
  }

  /** Counts changes made outside keyspace commands. */
  addChanges(n: number): void {
    this.extraChanges += n;
  }

  private saveOptions() {
    const c = this.deps.config;
    return {
      keyspace: this.deps.keyspace,
      dir: this.dir,
      filename: this.filename,
      compress: c.getBool('rdbcompression'),
      checksum: c.getBool('rdbchecksum'),
      replication: this.deps.replication?.rdbSaveInfo(),
    };
  }

  /** rdbSave(): writes the dump now, blocking. Logs like Redis; false on failure. Success sets the bgsave status to ok. */
  saveSync(): boolean {
    const log = this.deps.logger;
    try {
      saveRdbFileSync(this.saveOptions());
    } catch (err) {
      log.warning(err instanceof RdbSaveError ? err.message : `Write error saving DB on disk: ${(err as Error).message}`);
      // like rdbSave: a failed foreground save leaves lastbgsave_status alone (no MISCONF)
      return false;
    }
    log.notice('DB saved on disk');
    this.changesAtSave = this.totalChanges();
    this.lastSave = this.nowSec();
    this.lastBgsaveStatus = 'ok';
    return true;
  }

  /** SAVE command: counts `rdb_saves` like saveCommand. */
  save(): boolean {
    this.saves++;
    return this.saveSync();
  }

  /** rdbSaveBackground(): starts a background save unless one runs. */
  bgsave(): BgsaveStart {
    if (this.bgsaveRun !== undefined) return 'in-progress';
    this.saves++;
    this.dirtyBeforeBgsave = this.dirty;
    this.lastBgsaveTry = this.nowSec();
    this.bgsaveStartedAt = this.nowSec();
    const abort = new AbortController();
    this.bgsaveAbort = abort;
    const log = this.deps.logger;
    log.notice(`Background saving started by pid ${process.pid}`);
    const started = this.clock();
    const run = saveRdbFileInBackground({ ...this.saveOptions(), tempName: `temp-bgsave-${process.pid}.rdb` }, this.progress, abort.signal).then(
      () => {
        log.log('notice', 'DB saved on disk', 'C');
        log.notice('Background saving terminated with success');
        this.changesAtSave += this.dirtyBeforeBgsave;
        this.lastSave = this.nowSec();
        this.lastBgsaveStatus = 'ok';
      },
      (err: unknown) => {
        if (abort.signal.aborted) {
          log.warning('Background saving terminated by signal 10');
          return;
        }
        log.log('warning', (err as Error).message, 'C');
        log.warning('Background saving error');
        this.lastBgsaveStatus = 'err';
      },
    );
    this.bgsaveRun = run.finally(() => {
      this.lastBgsaveTimeSec = Math.round((this.clock() - started) / 1000);
      this.bgsaveRun = undefined;
      this.bgsaveAbort = undefined;
      this.progress.keysProcessed = 0;
      this.progress.keysTotal = 0;
    });
    return 'started';
  }

  /** Resolves when the running background save (if any) has finished. */
  async waitForBgsave(): Promise<void> {
    await this.bgsaveRun;
  }

  /** killRDBChild(): aborts a running background save (SHUTDOWN, DEBUG RELOAD). */
  async killBgsave(): Promise<void> {
    if (this.bgsaveRun === undefined) return;
    this.deps.logger.warning('There is a child saving an .rdb. Killing it!');
    this.bgsaveAbort?.abort();
    await this.bgsaveRun;
  }

  /** serverCron's persistence part: save points, then a scheduled BGSAVE. */
  cron(): void {
    if (this.bgsaveRun !== undefined || this.loading) return;
    const now = this.nowSec();
    for (const sp of this.saveParams) {
      if (this.dirty >= sp.changes && now - this.lastSave > sp.seconds && (now - this.lastBgsaveTry > BGSAVE_RETRY_DELAY || this.lastBgsaveStatus === 'ok')) {
        this.deps.logger.notice(`${sp.changes} changes in ${sp.seconds} seconds. Saving...`);
        this.bgsave();
        return;
      }
    }
    if (this.bgsaveScheduled) {
      this.bgsaveScheduled = false;
      this.bgsave();
    }
  }

  /** Starts the cron timer (`hz` times a second, like serverCron). */
  start(hz = 10): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.cron(), Math.max(1, Math.floor(1000 / hz)));
    this.timer.unref();
  }

  private applyLoaded(r: RdbLoadResult): void {
    this.lastLoad = { keysLoaded: r.keysLoaded, keysExpired: r.keysExpired };
    if (r.replication) this.deps.replication?.rdbLoaded(r.replication);
  }

  /**
   * loadDataFromDisk(): loads the dump if there is one and logs "DB loaded from disk: X seconds".
   * Returns undefined when there is no file; rejects with RdbLoadError for a bad one.
   */
  async loadAtStartup(): Promise<RdbLoadResult | undefined> {
    const t0 = performance.now();
    this.loading = true;
    let r: RdbLoadResult;
    const expired: Array<{ db: number; key: string }> = [];
    try {
      r = await loadRdbFile(this.path, { ...this.loadOptions(), onExpired: (db, key) => expired.push({ db, key: key.toString('latin1') }) });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    } finally {
      this.loading = false;
    }
    this.applyLoaded(r);
    if (expired.length > 0) this.deps.replication?.expiredAtLoad?.(expired);
    this.deps.logger.notice(`DB loaded from disk: ${((performance.now() - t0) / 1000).toFixed(3)} seconds`);
    return r;
  }

  private loadOptions() {
    return {
      keyspace: this.deps.keyspace,
      logger: this.deps.logger,
      role: this.deps.replication?.role ?? 'master',
      verifyChecksum: this.deps.config.getBool('rdbchecksum'),
      clock: this.clock,
    };
  }

  /**
   * DEBUG RELOAD: save, empty the keyspace, load the dump back (blocking). Throws on failure.
   * With `flush` false the dump's keys are merged in (a key in both takes the dump's value).
   */
  reload(save = true, flush = true): RdbLoadResult {
    if (save && !this.saveSync()) throw new RdbSaveError('save', 'Error trying to save the DB');
    if (flush) this.deps.keyspace.flushAll();
    this.loading = true;
    try {
      const r = loadRdbFileSync(this.path, this.loadOptions());
      this.lastLoad = { keysLoaded: r.keysLoaded, keysExpired: r.keysExpired };
      return r;
    } finally {
      this.loading = false;
    }
  }

  /** Stops the timer and aborts a running background save. */
  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.bgsaveAbort?.abort();
    await this.bgsaveRun;
  }
}
