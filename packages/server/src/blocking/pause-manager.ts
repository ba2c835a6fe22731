import type { ClientBlock, ServerClient } from '../connection/server-client';

/** What a pause holds back: every command of normal clients, or only writes and may-replicate ones. */
export type PauseMode = 'write' | 'all';

/**
 * Who paused (Redis 7.0's pause purposes): CLIENT PAUSE, a shutdown waiting for its replicas to
 * catch up, a failover. Each purpose has its own mode and end; ending one (CLIENT UNPAUSE ends
 * `client` only) leaves the others in effect.
 */
export type PausePurpose = 'client' | 'shutdown' | 'failover';

interface PurposePause {
  mode: PauseMode;
  /** unix ms; Infinity until unpaused */
  endAt: number;
  timer: NodeJS.Timeout | undefined;
}

/** The marker a postponed client carries in `blockedOn`. */
const POSTPONED: ClientBlock = Object.freeze({ type: 'postponed' });

/**
 * CLIENT PAUSE / UNPAUSE and the pauses of SHUTDOWN and FAILOVER: while any purpose pauses,
 * commands of normal clients (all of them, or only writes and may-replicate commands, the
 * strongest mode of the active purposes) are postponed in arrival order and run when the last
 * pause ends. Replicas and the master client are never paused.
 */
export class PauseManager {
  private readonly purposes = new Map<PausePurpose, PurposePause>();
  private mode: PauseMode | undefined;
  private readonly postponed: Array<{ client: ServerClient; argv: string[] }> = [];

  constructor(private readonly rerun: (client: ServerClient, argv: string[]) => void) {}

  /** `all`, `write`, or undefined when not paused (the strongest mode of the active purposes). */
  get active(): PauseMode | undefined {
    return this.mode;
  }

  /** The mode `purpose` pauses with, or undefined. */
  activeFor(purpose: PausePurpose): PauseMode | undefined {
    return this.purposes.get(purpose)?.mode;
  }

  /**
   * Pauses for `purpose` for `ms` (0 = until `unpause(purpose)`); within a purpose the later end
   * and the stronger mode win (a WRITE pause does not weaken an ALL pause in effect).
   */
  pause(purpose: PausePurpose, mode: PauseMode, ms: number): void {
    const end = ms > 0 ? Date.now() + ms : Number.POSITIVE_INFINITY;
    let p = this.purposes.get(purpose);
    if (p === undefined) {
      p = { mode, endAt: end, timer: undefined };
      this.purposes.set(purpose, p);
    } else {
      if (end > p.endAt) p.endAt = end;
      if (p.mode !== 'all') p.mode = mode;
    }
    if (p.timer !== undefined) clearTimeout(p.timer);
    p.timer = undefined;
    if (Number.isFinite(p.endAt)) p.timer = setTimeout(() => this.unpause(purpose), Math.max(0, p.endAt - Date.now()));
    this.updateMode();
  }

  /** Ends `purpose`'s pause; once no purpose pauses, the postponed commands run in order. */
  unpause(purpose: PausePurpose): void {
    const p = this.purposes.get(purpose);
    if (p === undefined) return;
    if (p.timer !== undefined) clearTimeout(p.timer);
    this.purposes.delete(purpose);
    this.updateMode();
    if (this.mode === 'all') return;
    // every postponed command goes through processCommand again: under a remaining WRITE pause,
    // writes are postponed once more (at the end of the queue, as Redis re-queues them)
    const waiting = this.postponed.splice(0);
    if (waiting.length === 0) return;
    // not from inside the command that unpaused (CLIENT UNPAUSE may run inside EXEC)
    queueMicrotask(() => {
      for (const w of waiting) {
        if (w.client.isClosed || w.client.blockedOn !== POSTPONED) continue;
        w.client.blockedOn = undefined;
        this.rerun(w.client, w.argv);
        w.client.resume();
      }
    });
  }

  /** True when `client`'s command must wait (the dispatcher then calls `postpone`). */
  holds(client: ServerClient, mayReplicate: boolean): boolean {
    if (this.mode === undefined || client.kind === 'replica' || client.kind === 'master') return false;
    return this.mode === 'all' || mayReplicate;
  }

  postpone(client: ServerClient, argv: string[]): void {
    client.blockedOn = POSTPONED;
    this.postponed.push({ client, argv });
  }

  /** Server close: forget postponed commands and every timer. */
  clear(): void {
    for (const p of this.purposes.values()) if (p.timer !== undefined) clearTimeout(p.timer);
    this.purposes.clear();
    this.mode = undefined;
    this.postponed.length = 0;
  }

  private updateMode(): void {
    let mode: PauseMode | undefined;
    for (const p of this.purposes.values()) {
      if (p.mode === 'all') mode = 'all';
      else mode ??= 'write';
    }
    this.mode = mode;
  }

}
