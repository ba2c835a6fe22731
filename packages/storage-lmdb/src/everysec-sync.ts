/**
 * The `everysec` fsync policy of the LMDB adapter: transactions are written without a sync
 * (noSync), and once a second, if anything was written since the last one, LMDB's
 * mdb_env_sync(force) runs on a thread of its own. A failed sync leaves the writes marked, so the
 * next tick tries again. With `always` or `no` nothing is scheduled.
 */
import type { RootDatabase } from 'lmdb';
import { LMDB_FSYNC_INTERVAL_MS } from './defaults';
import type { LmdbFsyncPolicy } from './options';

export class EverysecSync {
  /** transactions were written since the last sync */
  private unsynced = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly env: RootDatabase,
    policy: LmdbFsyncPolicy,
    private readonly onSync: () => void,
  ) {
    if (policy !== 'everysec') return;
    this.timer = setInterval(() => this.syncNow(), LMDB_FSYNC_INTERVAL_MS);
    this.timer.unref();
  }

  /** A transaction was written: the next tick syncs it. */
  written(): void {
    if (this.timer !== null) this.unsynced = true;
  }

  private syncNow(): void {
    if (!this.unsynced || this.timer === null) return;
    this.unsynced = false;
    this.onSync();
    (this.env as unknown as { sync(done: (err?: Error) => void): void }).sync((err) => {
      if (err) this.unsynced = true;
    });
  }

  /** No more syncs (the environment is being closed). */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
