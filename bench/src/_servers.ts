/**
 * Server processes for the AOF benchmarks (aof.ts, aof-rewrite.ts): redis-server and replikit-server
 * on 127.0.0.1 with the same directives, each in its own temp dir under the same parent (the same
 * file system, so both pay the same write and fdatasync costs), stopped by pid; CPU time read from
 * /proc; redis-benchmark runs. replikit-server runs from a private build of a commit (see
 * replication/bundle.ts) so a rebuild of dist/ by other work cannot change it mid-run. The `_`
 * prefix keeps bench/scripts/run-all.mjs from running this file as a topic of its own.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getFreePort, RawClient, startRedisServer } from '@replikit/test-utils';
import { buildPrivateServer, type PrivateBuild } from './replication/bundle';

export type Kind = 'redis' | 'replikit';

/** A server under test: redis-server, or replikit-server from a private build. */
export interface Contender {
  readonly name: string;
  readonly kind: Kind;
  readonly build?: PrivateBuild;
}

export interface Running {
  readonly kind: Kind;
  readonly port: number;
  readonly pid: number;
  readonly dir: string;
  log(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** node flags for replikit-server, e.g. `['--cpu-prof', '--cpu-prof-dir', dir]` */
  nodeArgs?: string[];
}

/** pids of the servers still running, killed if the script ends or is interrupted */
const live = new Set<number>();
const killLive = (): void => {
  for (const pid of live) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
};
process.once('exit', killLive);
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => {
    killLive();
    process.exit(130);
  });

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Contenders of a run: redis-server, then replikit-server built from `base` (when given) and from
 * `head` (a commit; HEAD by default).
 */
export async function contenders(base: string | undefined, head = 'HEAD'): Promise<Contender[]> {
  const out: Contender[] = [{ name: 'redis', kind: 'redis' }];
  for (const rev of base === undefined ? [head] : [base, head]) {
    const build = await buildPrivateServer(rev);
    out.push({ name: `replikit ${build.commit.slice(0, 8)}${rev === head ? '' : ' (base)'}`, kind: 'replikit', build });
  }
  return out;
}

export function removeBuilds(cs: readonly Contender[]): void {
  for (const c of cs) if (c.build) rmSync(c.build.dir, { recursive: true, force: true });
}

/** Starts `c` with `--save ""`, `appendonly no` unless `config` says otherwise, and `config`. */
export async function startServer(c: Contender, config: Record<string, string | number>, options: StartOptions = {}): Promise<Running> {
  const parent = mkdtempSync(path.join(os.tmpdir(), 'aof-bench-'));
  let r: Running;
  if (c.kind === 'redis') {
    const h = await startRedisServer({ config, dir: parent, startTimeoutMs: 30000 });
    r = { kind: 'redis', port: h.port, pid: h.pid, dir: parent, log: h.log, stop: h.stop };
  } else {
    r = await spawnReplikit((c.build as PrivateBuild).cli, parent, config, options.nodeArgs ?? []);
  }
  live.add(r.pid);
  return {
    ...r,
    stop: async () => {
      await r.stop();
      live.delete(r.pid);
      rmSync(parent, { recursive: true, force: true });
    },
  };
}

/**
 * replikit-server from the CLI script `cli` on a free loopback port with its files in `dir` (the
 * caller removes it), `--save ""`, `--appendonly no` unless `config` says otherwise; resolves once
 * it accepts connections. `stop` sends SIGTERM (node writes a CPU profile then) and SIGKILL after 10 s.
 */
export async function spawnReplikit(cli: string, dir: string, config: Record<string, string | number>, nodeArgs: string[]): Promise<Running> {
  const port = await getFreePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  for (const [k, v] of Object.entries(config)) args.push(`--${k}`, String(v));
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (d: Buffer): void => {
    output += d.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const deadline = Date.now() + 30000;
  while (!/Ready to accept connections/.test(output)) {
    if (exited || Date.now() > deadline) throw new Error(`replikit-server did not start:\n${output}`);
    await sleep(50);
  }
  const pid = child.pid ?? 0;
  return {
    kind: 'replikit',
    port,
    pid,
    dir,
    log: () => output,
    stop: async () => {
      if (exited) return;
      // SIGTERM lets node write a CPU profile; SIGKILL after a grace period
      process.kill(pid, 'SIGTERM');
      const killer = setTimeout(() => {
        if (!exited) process.kill(pid, 'SIGKILL');
      }, 10000);
      await exit;
      clearTimeout(killer);
    },
  };
}

/** Runs one command on a short-lived connection; throws on an error reply. */
export async function command(port: number, ...argv: Array<string | number>): Promise<unknown> {
  const c = await RawClient.connect(port);
  try {
    const r = await c.call(...argv);
    if (r instanceof Error) throw new Error(`${argv.join(' ')}: ${r.message}`);
    return r;
  } finally {
    await c.close();
  }
}

/** CPU time (user + system) the process has used, in µs, from /proc (Linux clock ticks of 10 ms). */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/**
 * redis-benchmark with `--csv`: the requests per second of each test it ran, and the wall time.
 * Throws when it fails or reports nothing.
 */
export function redisBenchmark(port: number, argv: string[]): { tests: Map<string, number>; seconds: number } {
  const t0 = performance.now();
  const r = spawnSync('redis-benchmark', ['-p', String(port), '--csv', ...argv], { encoding: 'utf8', timeout: 30 * 60 * 1000 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`redis-benchmark ${argv.join(' ')} failed: ${r.stderr}`);
  const tests = new Map<string, number>();
  for (const line of r.stdout.split('\n')) {
    const m = /^"([^"]+)","([\d.]+)"/.exec(line);
    if (m) tests.set(m[1] as string, Number(m[2]));
  }
  if (tests.size === 0) throw new Error(`no result from redis-benchmark: ${r.stdout}`);
  return { tests, seconds };
}

export function loadAvg(): string {
  return os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
}

export function machine(): string {
  return `${new Date().toISOString()}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), node ${process.version}, load ${loadAvg()}`;
}
