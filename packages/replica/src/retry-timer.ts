/**
 * The replica's next connection attempt: after `delay` ms, or in the next event-loop turn when the
 * delay is 0 (a lost link is retried at once; a 0 ms timer would wait at least 1 ms).
 */
export class RetryTimer {
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  /** failed attempts in a row (reset when a link comes up) */
  failures = 0;

  /** One more failed attempt: the next after min * 2^(failures - 1) ms, at most `maxMs`. */
  afterFailure(minMs: number, maxMs: number, run: () => void): void {
    this.failures++;
    this.schedule(Math.min(maxMs, minMs * 2 ** Math.min(this.failures - 1, 16)), run);
  }

  /** Replaces any pending attempt with one after `delayMs`. */
  schedule(delayMs: number, run: () => void): void {
    this.clear();
    const fire = (): void => {
      this.timer = null;
      this.immediate = null;
      run();
    };
    if (delayMs > 0) this.timer = setTimeout(fire, delayMs);
    else this.immediate = setImmediate(fire);
  }

  clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }
}
