import type { ClientConnection } from '../connection/client-connection';

export type PauseMode = 'write' | 'all';

/** The marker a postponed client carries in `blockedOn`. */
const POSTPONED = Symbol('postponed');

/**
 * CLIENT PAUSE / UNPAUSE and the `pauseClients` seam (FAILOVER, SHUTDOWN waiting for replicas):
 * while paused, commands of normal clients (all of them, or only writes and may-replicate
 * commands) are postponed in arrival order and run when the pause ends. Replicas are never paused.
 */
export class PauseManager {
  private mode: PauseMode | undefined;
  private endAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly postponed: Array<{ client: ClientConnection; argv: string[] }> = [];

  constructor(private readonly rerun: (client: ClientConnection, argv: string[]) => void) {}

  /** `all`, `write`, or undefined when not paused. */
  get active(): PauseMode | undefined {
    return this.mode;
  }

  /** Pauses for `ms` (0 = until `unpause()`); a longer or stronger pause already in effect is kept. */
  pause(mode: PauseMode, ms: number): void {
    const end = ms > 0 ? Date.now() + ms : Number.POSITIVE_INFINITY;
    if (this.mode === undefined || end > this.endAt) this.endAt = end;
    if (this.mode !== 'all') this.mode = mode;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (Number.isFinite(this.endAt)) this.timer = setTimeout(() => this.unpause(), Math.max(0, this.endAt - Date.now()));
  }

  /** Ends the pause and runs the postponed commands in order. */
  unpause(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.mode = undefined;
    this.endAt = 0;
    const waiting = this.postponed.splice(0);
    if (waiting.length === 0) return;
    // not from inside the command that unpaused (CLIENT UNPAUSE may run inside EXEC)
    queueMicrotask(() => {
      for (const p of waiting) {
        if (p.client.isClosed || p.client.blockedOn !== POSTPONED) continue;
        p.client.blockedOn = undefined;
        this.rerun(p.client, p.argv);
        p.client.resume();
      }
    });
  }

  /** True when `client`'s command must wait (the dispatcher then calls `postpone`). */
  holds(client: ClientConnection, mayReplicate: boolean): boolean {
    if (this.mode === undefined || client.kind === 'replica') return false;
    return this.mode === 'all' || mayReplicate;
  }

  postpone(client: ClientConnection, argv: string[]): void {
    client.blockedOn = POSTPONED;
    this.postponed.push({ client, argv });
  }

  /** Server close: forget postponed commands and the timer. */
  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.mode = undefined;
    this.postponed.length = 0;
  }
}
