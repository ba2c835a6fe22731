/**
 * Seeded random fault schedules: a seed gives a node configuration and a list of steps, writes
 * (plain, MULTI/EXEC, expiring, deleting) interleaved with link faults and their timings, replica
 * restarts and promotions. The same seed always gives the same schedule and the same commands.
 */

import type { DisklessLoad } from '@replikit/replica';
import type { FaultDirection } from '@replikit/test-utils';
import { seededRandom } from '@replikit/test-utils';

export type Step =
  /** `count` random writes, yielding to the event loop every few so the stream flows meanwhile */
  | { kind: 'writes'; count: number }
  /** one MULTI/EXEC block of `size` writes */
  | { kind: 'multi'; size: number }
  /** one active expiry cycle on the master (its deletions are propagated) */
  | { kind: 'expire-cycle' }
  | { kind: 'sleep'; ms: number }
  /** wait until the replica is online and has applied the whole stream (so the next fault hits a live link) */
  | { kind: 'settle' }
  | { kind: 'cut' }
  | { kind: 'stall'; direction: FaultDirection; ms: number }
  | { kind: 'delay'; direction: FaultDirection; delayMs: number; ms: number }
  | { kind: 'throttle'; direction: FaultDirection; bytesPerSec: number; ms: number }
  /** swallow the link's bytes for `ms`, then heal (the connections that lost bytes are cut) */
  | { kind: 'blackhole'; direction: FaultDirection; ms: number }
  /** cut, then more stream than the backlog holds before the replica can come back */
  | { kind: 'outage'; bytes: number }
  /** the replica dies (mid sync when one runs) and restarts, with or without its data */
  | { kind: 'kill-replica'; keepData: boolean; afterMs: number }
  /** the master saves an RDB (kept for a later restart) */
  | { kind: 'save' }
  /** the master dies and restarts: from an RDB saved now (SHUTDOWN SAVE), or from the last `save` step (empty if none) */
  | { kind: 'restart-master'; saveNow: boolean }
  /** WAIT 1 on the master; when acknowledged the replica holds the master's dataset */
  | { kind: 'wait' }
  /** WAIT 1, partition, unacknowledged writes on the old master, promotion, old master rejoins */
  | { kind: 'failover'; lostWrites: number };

export interface Schedule {
  readonly seed: number;
  readonly backlogSize: number;
  readonly disklessSync: boolean;
  readonly disklessLoad: DisklessLoad;
  /** keys written before the replica first connects */
  readonly initialWrites: number;
  readonly steps: readonly Step[];
}

const DIRECTIONS: readonly FaultDirection[] = ['both', 'toTarget', 'toClient'];
const LOADS: readonly DisklessLoad[] = ['disabled', 'swapdb', 'on-empty-db'];

export function generateSchedule(seed: number): Schedule {
  const rnd = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const steps: Step[] = [];
  const n = int(3, 8);
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (r >= 0.47 && rnd() < 0.6) steps.push({ kind: 'settle' });
    if (r < 0.3) steps.push({ kind: 'writes', count: int(5, 60) });
    else if (r < 0.38) steps.push({ kind: 'multi', size: int(2, 6) });
    else if (r < 0.42) steps.push({ kind: 'expire-cycle' });
    else if (r < 0.47) steps.push({ kind: 'sleep', ms: int(1, 20) });
    else if (r < 0.54) steps.push({ kind: 'cut' });
    else if (r < 0.61) steps.push({ kind: 'stall', direction: pick(DIRECTIONS), ms: int(5, 40) });
    else if (r < 0.66) steps.push({ kind: 'delay', direction: pick(DIRECTIONS), delayMs: int(1, 20), ms: int(10, 40) });
    else if (r < 0.71) steps.push({ kind: 'throttle', direction: pick(DIRECTIONS), bytesPerSec: int(20_000, 400_000), ms: int(10, 40) });
    else if (r < 0.76) steps.push({ kind: 'blackhole', direction: pick(DIRECTIONS), ms: int(5, 30) });
    else if (r < 0.81) steps.push({ kind: 'outage', bytes: int(20_000, 60_000) });
    else if (r < 0.84) steps.push({ kind: 'kill-replica', keepData: rnd() < 0.5, afterMs: int(0, 5) });
    else if (r < 0.855) steps.push({ kind: 'save' });
    else if (r < 0.87) steps.push({ kind: 'restart-master', saveNow: rnd() < 0.6 });
    else if (r < 0.93) steps.push({ kind: 'wait' });
    else steps.push({ kind: 'failover', lostWrites: int(0, 30) });
    // faults land between writes, so most steps are followed by some
    if (steps[steps.length - 1].kind !== 'writes' && rnd() < 0.6) steps.push({ kind: 'writes', count: int(1, 30) });
  }
  return {
    seed,
    backlogSize: rnd() < 0.5 ? 16 * 1024 : 1024 * 1024,
    disklessSync: rnd() < 0.5,
    disklessLoad: pick(LOADS),
    initialWrites: int(0, 150),
    steps,
  };
}

/** One line per step, for a failure report. */
export function describeSchedule(s: Schedule): string {
  const head = `seed ${s.seed}: backlog ${s.backlogSize}, ${s.disklessSync ? 'diskless' : 'disk'} sync, diskless-load ${s.disklessLoad}, ${s.initialWrites} initial writes`;
  return [head, ...s.steps.map((st, i) => `  ${i}: ${JSON.stringify(st)}`)].join('\n');
}

/**
 * The write workload: a deterministic stream of commands over a small key space in three dbs,
 * mixing every type, relative and absolute TTLs (some short enough to expire during a run),
 * deletes, and commands whose propagated form differs from what was sent (INCRBYFLOAT, SPOP,
 * GETEX, SET ... EX, EXPIRE with a past time).
 */
export class Workload {
  readonly #rnd: () => number;
  #n = 0;
  constructor(seed: number) {
    this.#rnd = seededRandom(seed ^ 0x5bd1e995);
  }

  #int(n: number): number {
    return Math.floor(this.#rnd() * n);
  }

  #value(): string {
    const big = this.#rnd() < 0.05;
    const len = big ? 500 + this.#int(3000) : 1 + this.#int(20);
    return `v${this.#n}-`.padEnd(len, String.fromCharCode(97 + this.#int(26)));
  }

  /** The next command (argv). */
  next(): string[] {
    this.#n++;
    const k = this.#int(24);
    const key = (t: string) => `${t}:${this.#int(12)}`;
    const shortMs = () => String(1 + this.#int(120));
    switch (k) {
      case 0:
        return ['SELECT', String(this.#int(3))];
      case 1:
      case 2:
        return ['SET', key('s'), this.#value()];
      case 3:
        return ['SET', key('s'), this.#value(), 'PX', shortMs()];
      case 4:
        return ['SET', key('s'), this.#value(), 'EX', String(1000 + this.#int(1000))];
      case 5:
        return ['INCR', key('n')];
      case 6:
        return ['INCRBYFLOAT', key('f'), (this.#rnd() * 10).toFixed(3)];
      case 7:
        return ['APPEND', key('s'), this.#value()];
      case 8:
        return [this.#rnd() < 0.5 ? 'DEL' : 'UNLINK', key(this.#rnd() < 0.5 ? 's' : 'l')];
      case 9:
        return ['PEXPIRE', key(this.#rnd() < 0.5 ? 's' : 'h'), shortMs()];
      case 10:
        return ['EXPIRE', key('l'), String(500 + this.#int(500))];
      case 11:
        return ['PERSIST', key('s')];
      case 12:
        return ['RPUSH', key('l'), this.#value(), this.#value()];
      case 13:
        return ['LPOP', key('l')];
      case 14:
        return ['HSET', key('h'), `f${this.#int(20)}`, this.#value()];
      case 15:
        return ['HDEL', key('h'), `f${this.#int(20)}`];
      case 16:
        return ['SADD', key('set'), `m${this.#int(40)}`, `m${this.#int(40)}`];
      case 17:
        return ['SPOP', key('set')];
      case 18:
        return ['ZADD', key('z'), String(this.#int(100)), `m${this.#int(30)}`];
      case 19:
        return ['ZINCRBY', key('z'), String(this.#int(5)), `m${this.#int(30)}`];
      case 20:
        return ['GETEX', key('s'), 'PX', shortMs()];
      case 21:
        return ['EXPIREAT', key('n'), String(Math.floor(Date.now() / 1000) - 10)];
      case 22:
        return ['GETDEL', key('s')];
      default:
        return ['HINCRBY', key('h'), `c${this.#int(5)}`, String(this.#int(10))];
    }
  }

  /** A MULTI/EXEC body: writes only (SELECT stays outside, as a client would send it). */
  block(size: number): string[][] {
    const out: string[][] = [];
    while (out.length < size) {
      const c = this.next();
      if (c[0] !== 'SELECT') out.push(c);
    }
    return out;
  }
}
