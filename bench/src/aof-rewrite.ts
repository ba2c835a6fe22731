/**
 * BGREWRITEAOF of many keys (issue 11 §Benchmarks), replikit-server next to redis-server in one run,
 * same data (DEBUG POPULATE), same probe client:
 *
 *   pnpm exec tsx bench/src/aof-rewrite.ts [--keys 1000000] [--size 10] [--preamble yes|no]
 *                                          [--only redis|replikit] [--cpu-prof DIR] [--verbose]
 *
 * While the rewrite runs, one client sends PING and GET alternately, one at a time, and records every
 * round trip in a histogram; the longest one is the longest stall a client saw (target <= 10 ms).
 * The same probe also runs for a few seconds before the rewrite (the idle baseline: on a shared
 * machine other processes cause stalls too). replikit-server runs from source (`node --import tsx`);
 * `--cpu-prof DIR` writes its V8 CPU profile there; `--verbose` lists when the round trips over 5 ms
 * happened. Prints a markdown table.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findRedisServer, getFreePort } from '@replikit/test-utils';
import Redis from 'ioredis';

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] as string) : def;
};
const KEYS = Number(opt('keys', '1000000'));
const SIZE = Number(opt('size', '10'));
const PREAMBLE = opt('preamble', 'yes');
const ONLY = opt('only', '');
const CPU_PROF = opt('cpu-prof', '');
const ROOT = path.join(__dirname, '..', '..');
const CLI_ENTRY = path.join(ROOT, 'integration-tests', 'server', 'ops-cli-entry.ts');
type Kind = 'redis' | 'replikit';

interface Running {
  port: number;
  child: ChildProcess;
  dir: string;
}

async function start(kind: Kind): Promise<Running> {
  const port = await getFreePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), `aof-rewrite-bench-${kind}-`));
  const common = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec'];
  const more = ['--aof-use-rdb-preamble', PREAMBLE, '--auto-aof-rewrite-percentage', '0', '--enable-debug-command', 'yes'];
  const node = CPU_PROF !== '' ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF] : [];
  const child =
    kind === 'redis'
      ? spawn(findRedisServer() as string, [...common, ...more, '--daemonize', 'no'], { stdio: 'ignore' })
      : spawn(process.execPath, [...node, '--import', 'tsx', CLI_ENTRY, ...common, ...more], { cwd: ROOT, stdio: 'ignore' });
  const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => 100, maxRetriesPerRequest: null });
  c.on('error', () => {});
  for (let i = 0; i < 300; i++) {
    try {
      await c.connect();
      if ((await c.ping()) === 'PONG') break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  c.disconnect();
  return { port, child, dir };
}

async function stop(r: Running): Promise<void> {
  const gone = new Promise<void>((res) => r.child.once('exit', () => res()));
  // SIGTERM lets node write its CPU profile; redis-server exits at once with save ""
  if (r.child.pid) process.kill(r.child.pid, 'SIGTERM');
  await gone;
  rmSync(r.dir, { recursive: true, force: true });
}

/** Round-trip times in ms, kept whole: a few hundred thousand numbers at most. */
class Histogram {
  readonly samples: number[] = [];
  /** [start of the round trip, ms] of the round trips over 5 ms */
  readonly slow: Array<[number, number]> = [];
  add(ms: number, at: number): void {
    this.samples.push(ms);
    if (ms > 5) this.slow.push([at, ms]);
  }
  quantile(q: number): number {
    if (this.samples.length === 0) return Number.NaN;
    const s = [...this.samples].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
  }
  /** round trips longer than `ms` */
  over(ms: number): number {
    return this.samples.filter((x) => x > ms).length;
  }
}

async function probe(c: Redis, h: Histogram, until: () => Promise<boolean> | boolean): Promise<void> {
  let n = 0;
  for (;;) {
    const t = performance.now();
    if (n % 2 === 0) await c.ping();
    else await c.get(`key:${n % KEYS}`);
    h.add(performance.now() - t, t);
    n++;
    if (n % 50 === 0 && (await until())) return;
  }
}

interface Result {
  kind: Kind;
  seconds: number;
  /** performance.now() when BGREWRITEAOF was sent */
  t0: number;
  idle: Histogram;
  during: Histogram;
}

async function measure(kind: Kind): Promise<Result> {
  const r = await start(kind);
  try {
    const c = new Redis({ port: r.port, host: '127.0.0.1' });
    await c.call('DEBUG', 'POPULATE', String(KEYS), 'key', String(SIZE));
    const p = new Redis({ port: r.port, host: '127.0.0.1' });
    const idle = new Histogram();
    const t1 = performance.now() + 3000;
    await probe(p, idle, () => performance.now() > t1);
    const during = new Histogram();
    const t0 = performance.now();
    await c.bgrewriteaof();
    let seconds = 0;
    await probe(p, during, async () => {
      const info = await c.info('persistence');
      if (/aof_rewrite_in_progress:0/.test(info) && /aof_rewrites:1/.test(info)) {
        seconds = (performance.now() - t0) / 1000;
        return true;
      }
      return false;
    });
    c.disconnect();
    p.disconnect();
    return { kind, seconds, t0, idle, during };
  } finally {
    await stop(r);
  }
}

async function main(): Promise<void> {
  const kinds = (ONLY === '' ? ['redis', 'replikit'] : [ONLY]) as Kind[];
  const results: Result[] = [];
  for (const k of kinds) results.push(await measure(k));
  const f = (x: number) => x.toFixed(2);
  console.log(`${new Date().toISOString()}, ${os.cpus().length} CPUs, load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}, node ${process.version}`);
  console.log(`${KEYS} keys of ${SIZE} B (DEBUG POPULATE), aof-use-rdb-preamble ${PREAMBLE}, appendfsync everysec`);
  console.log('');
  console.log('| server | rewrite (s) | round trips | p50 (ms) | p99 (ms) | p99.9 (ms) | longest stall (ms) | > 10 ms | idle longest (ms) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const d = r.during;
    console.log(
      `| ${r.kind} | ${f(r.seconds)} | ${d.samples.length} | ${f(d.quantile(0.5))} | ${f(d.quantile(0.99))} | ${f(d.quantile(0.999))} | ${f(d.quantile(1))} | ${d.over(10)} | ${f(r.idle.quantile(1))} |`,
    );
  }
  if (args.includes('--verbose')) {
    for (const r of results) console.log(`${r.kind}: BGREWRITEAOF sent at ${(performance.timeOrigin + r.t0).toFixed(0)} (epoch ms); round trips over 5 ms (s after it: ms): ${r.during.slow.map(([at, ms]) => `${f((at - r.t0) / 1000)}: ${ms.toFixed(1)}`).join(', ')}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
