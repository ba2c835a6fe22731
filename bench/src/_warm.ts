/**
 * Cold and warm passes, the procedure every throughput benchmark follows (replication-quick,
 * server, aof, streams, scripting, bitmaps-hll, storage).
 *
 * A fresh replikit-server (a node process) runs its first few hundred thousand pipelined commands
 * 1.5-2x slower than later: V8 compiles the hot paths in tiers, tables and buffers grow.
 * redis-server runs at its steady speed from the first request. A server runs for days, so the
 * steady state is what an operator gets; the first requests still matter after a restart. Every
 * server process under test (ours, redis-server, any replicas) therefore goes through the same
 * steps, servers in turn within each step so that other load on the machine hits them alike:
 *
 *   1. cold: reset the data, then the measured load as the first thing the fresh process serves
 *   2. warm-up: reset, then `--warmup N` requests (default 300000) of the same commands, pipelined
 *      (at 16, or the measured pipelining if higher: the JIT needs requests, not round trips)
 *   3. warm: reset the data exactly as the measured load expects it (FLUSHALL, a fresh stream,
 *      the script loaded again; replicas caught up), then the measured load again
 *
 * `--warmup 0` runs the cold pass only. Targets are judged on the warm pass; the cold one stays in
 * the tables. Each pass reports ops/s and the server's CPU µs per request (utime + stime of its
 * process from /proc over the pass, GC threads included), the figure that moves least with the
 * machine's load. The `_` prefix keeps bench/scripts/run-all.mjs from running this file.
 */
import os from 'node:os';
import { cpuMicros } from './_servers';

export const DEFAULT_WARMUP = 300_000;

/** `--warmup N` from the command line (the warm-up requests per server; 0: cold pass only). */
export function warmupArg(argv: readonly string[] = process.argv, fallback = DEFAULT_WARMUP): number {
  const i = argv.indexOf('--warmup');
  if (i < 0) return fallback;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--warmup takes a request count (0: cold only), not ${argv[i + 1]}`);
  return n;
}

/** The pipelining of the warm-up pass for a measured pass at `pipeline`. */
export function warmupPipeline(pipeline: number): number {
  return Math.max(16, pipeline);
}

/** One measured pass on one server. */
export interface Pass {
  readonly ops: number;
  /** the server's CPU µs per request over the pass */
  readonly cpuUsPerOp: number;
  /** 1-minute load average at the end of the pass */
  readonly load: number;
}

/**
 * Runs `load` (which returns ops/s) and reads the CPU time of every process in `pids` around it:
 * the CPU of the first one (the server measured) per request; `extraCpu` holds the others' (replicas).
 */
export async function measure(pids: readonly number[], requests: number, load: () => number | Promise<number>): Promise<Pass & { extraCpu: number[] }> {
  const before = pids.map(cpuMicros);
  const ops = await load();
  const used = pids.map((pid, i) => (cpuMicros(pid) - (before[i] as number)) / requests);
  return { ops, cpuUsPerOp: used[0] as number, extraCpu: used.slice(1), load: os.loadavg()[0] as number };
}

/** How to drive one kind of server through the cold, warm-up and warm steps. */
export interface ColdWarmPlan<S> {
  /** requests of each measured pass */
  readonly requests: number;
  /** requests of the warm-up pass (0: no warm-up and no warm pass) */
  readonly warmup: number;
  /** the pids whose CPU is read: the server measured first, then any others (replicas) */
  pids(s: S): number[];
  /**
   * brings the data to what a pass of `requests` expects; may wait (replicas catching up); a string
   * it returns (or resolves to) is kept as a note of the warm pass
   */
  reset(s: S, requests: number): unknown;
  /** the load (`warmup` true: the warm-up pass, pipelined per `warmupPipeline`); resolves to ops/s */
  load(s: S, requests: number, warmup: boolean): number | Promise<number>;
}

export interface ColdWarm {
  readonly cold: Pass & { extraCpu: number[] };
  readonly warm?: Pass & { extraCpu: number[] };
  /** what `reset` reported before the warm pass (e.g. replica offsets) */
  readonly notes: string[];
}

/** The three steps for every server of `servers`, in turn within each step; one result per server. */
export async function coldThenWarm<S>(servers: readonly S[], plan: ColdWarmPlan<S>): Promise<ColdWarm[]> {
  const cold: Array<ColdWarm['cold']> = [];
  for (const s of servers) {
    await plan.reset(s, plan.requests);
    cold.push(await measure(plan.pids(s), plan.requests, () => plan.load(s, plan.requests, false)));
  }
  if (plan.warmup === 0) return cold.map((c) => ({ cold: c, notes: [] }));
  for (const s of servers) {
    await plan.reset(s, plan.warmup);
    await plan.load(s, plan.warmup, true);
  }
  const out: ColdWarm[] = [];
  for (let i = 0; i < servers.length; i++) {
    const s = servers[i] as S;
    const note = await plan.reset(s, plan.requests);
    const warm = await measure(plan.pids(s), plan.requests, () => plan.load(s, plan.requests, false));
    out.push({ cold: cold[i] as ColdWarm['cold'], warm, notes: typeof note === 'string' ? [note] : [] });
  }
  return out;
}

export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
}

/** Passes of one server over the reps: ops/s best of the reps (every rep listed), CPU the median. */
export interface Summary {
  readonly ops: number;
  readonly opsRuns: readonly number[];
  readonly cpu: number;
  readonly cpuRuns: readonly number[];
}

export function summarize(passes: readonly Pass[]): Summary {
  const opsRuns = passes.map((p) => p.ops);
  const cpuRuns = passes.map((p) => p.cpuUsPerOp);
  return { ops: Math.max(...opsRuns), opsRuns, cpu: median(cpuRuns), cpuRuns };
}

/** `best (run, run, ...)` when there were several runs. */
export function opsCell(s: Summary): string {
  return `${s.ops.toFixed(0)}${s.opsRuns.length > 1 ? ` (${s.opsRuns.map((x) => x.toFixed(0)).join(', ')})` : ''}`;
}

/** `median (run, run, ...)` when there were several runs. */
export function cpuCell(s: Summary): string {
  return `${s.cpu.toFixed(2)}${s.cpuRuns.length > 1 ? ` (${s.cpuRuns.map((x) => x.toFixed(2)).join(', ')})` : ''}`;
}

/** A ratio of ours over theirs, `0.52x`. */
export function ratio(ours: number, theirs: number): string {
  return `${(ours / theirs).toFixed(2)}x`;
}

/** The load averages seen over a set of passes, `2.1-3.4`. */
export function loadRange(passes: readonly Pass[]): string {
  const ls = passes.map((p) => p.load);
  return ls.length === 0 ? '-' : `${Math.min(...ls).toFixed(1)}-${Math.max(...ls).toFixed(1)}`;
}

/** The markdown lines that say how the passes ran and which one the targets are judged on. */
export function describeWarm(warmup: number, requests: string): string[] {
  if (warmup === 0) return [`- cold pass only (\`--warmup 0\`): ${requests} requests as the first load of a fresh server process`];
  return [
    `- every server process (each rep starts fresh ones) serves: a cold pass (requests: ${requests}; the first load of the process), a warm-up of ${warmup} requests of the same commands (\`--warmup\`, pipelined at >= 16), the data reset, then the warm pass (the same requests); servers in turn within each step`,
    '- **targets are judged on the warm pass** (steady state: what a server running for days gives); the cold pass shows the first requests after a start',
    '- ops/s: best of the reps (every rep in brackets); CPU µs/op: the server process\'s utime + stime over the pass / requests, median of the reps (from /proc, GC threads included; moves least with the machine\'s load)',
  ];
}
