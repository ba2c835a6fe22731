/**
 * AOF benchmark (issue 11 §Benchmarks), replikit-server next to redis-server in one run, each its
 * own process on 127.0.0.1 with the same directives (`appendonly yes`, `save ""`):
 *
 *   pnpm exec tsx bench/src/aof.ts [--requests 200000] [--clients 50] [--keys 1000000]
 *
 * 1. redis-benchmark SET and a mixed workload (SET, GET, INCR, LPUSH, SADD, HSET) with
 *    `appendfsync everysec` and `always`: ops/s of each server and the ratio (target >= 0.6).
 * 2. BGREWRITEAOF of `--keys` keys (DEBUG POPULATE): the rewrite's duration and the longest stall
 *    a client saw meanwhile (a PING loop; target <= 10 ms).
 * replikit-server runs from source (`node --import tsx`), as the integration tests do. Writes
 * bench/results/aof.md.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findRedisServer, getFreePort } from '@replikit/test-utils';
import Redis from 'ioredis';

const args = process.argv.slice(2);
const num = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const REQUESTS = num('requests', 200_000);
const CLIENTS = num('clients', 50);
const KEYS = num('keys', 1_000_000);
const ROOT = path.join(__dirname, '..', '..');
const CLI_ENTRY = path.join(ROOT, 'integration-tests', 'server', 'ops-cli-entry.ts');
type Kind = 'redis' | 'replikit';

interface Running {
  port: number;
  child: ChildProcess;
  dir: string;
}

async function start(kind: Kind, extra: string[]): Promise<Running> {
  const port = await getFreePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), `aof-bench-${kind}-`));
  const common = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--appendonly', 'yes', '--enable-debug-command', 'yes', ...extra];
  const child =
    kind === 'redis'
      ? spawn(findRedisServer() as string, [...common, '--daemonize', 'no'], { stdio: 'ignore' })
      : spawn(process.execPath, ['--import', 'tsx', CLI_ENTRY, ...common], { cwd: ROOT, stdio: 'ignore' });
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
  if (r.child.pid) process.kill(r.child.pid, 'SIGKILL');
  await gone;
  rmSync(r.dir, { recursive: true, force: true });
}

/** redis-benchmark --csv: requests per second of each test. */
function benchmark(port: number, tests: string): Map<string, number> {
  const r = spawnSync('redis-benchmark', ['-p', String(port), '-c', String(CLIENTS), '-n', String(REQUESTS), '-r', '100000', '-t', tests, '--csv', '-q'], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  const out = new Map<string, number>();
  for (const line of r.stdout.split('\n')) {
    const m = /^"([A-Z_]+)[^"]*","([\d.]+)"/.exec(line);
    if (m) out.set(m[1] as string, Number(m[2]));
  }
  return out;
}

async function rewriteStall(kind: Kind): Promise<{ seconds: number; maxStallMs: number; pings: number }> {
  const r = await start(kind, ['--appendfsync', 'everysec']);
  try {
    const c = new Redis({ port: r.port, host: '127.0.0.1' });
    await c.call('DEBUG', 'POPULATE', String(KEYS), 'key', '10');
    const probe = new Redis({ port: r.port, host: '127.0.0.1' });
    const t0 = performance.now();
    await c.bgrewriteaof();
    let maxStall = 0;
    let pings = 0;
    for (;;) {
      const p0 = performance.now();
      await probe.ping();
      maxStall = Math.max(maxStall, performance.now() - p0);
      pings++;
      if (pings % 20 === 0) {
        const info = await probe.info('persistence');
        if (/aof_rewrite_in_progress:0/.test(info) && /aof_rewrites:1/.test(info)) break;
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    c.disconnect();
    probe.disconnect();
    return { seconds, maxStallMs: maxStall, pings };
  } finally {
    await stop(r);
  }
}

async function main(): Promise<void> {
  const lines: string[] = [];
  const out = (s = '') => {
    lines.push(s);
    console.log(s);
  };
  out('# AOF benchmark');
  out('');
  out(`${new Date().toISOString()}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}, node ${process.version}`);
  out(`redis-benchmark -c ${CLIENTS} -n ${REQUESTS} -r 100000; replikit-server from source; appendonly yes, save ""`);
  out('');
  out('| appendfsync | test | redis-server ops/s | replikit-server ops/s | ratio (target >= 0.6) |');
  out('|---|---|---|---|---|');
  for (const policy of ['everysec', 'always']) {
    for (const [label, tests] of [
      ['SET', 'set'],
      ['mixed', 'set,get,incr,lpush,sadd,hset'],
    ] as const) {
      const res: Record<Kind, Map<string, number>> = { redis: new Map(), replikit: new Map() };
      for (const kind of ['redis', 'replikit'] as const) {
        const r = await start(kind, ['--appendfsync', policy]);
        try {
          res[kind] = benchmark(r.port, tests);
        } finally {
          await stop(r);
        }
      }
      const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0) / Math.max(1, m.size);
      const a = sum(res.redis);
      const b = sum(res.replikit);
      out(`| ${policy} | ${label} | ${a.toFixed(0)} | ${b.toFixed(0)} | ${(b / a).toFixed(2)} |`);
    }
  }
  out('');
  out(`BGREWRITEAOF of ${KEYS} keys (DEBUG POPULATE), a client PINGing throughout:`);
  out('');
  out('| server | rewrite time (s) | longest PING stall (ms, target <= 10) | PINGs answered |');
  out('|---|---|---|---|');
  for (const kind of ['redis', 'replikit'] as const) {
    const r = await rewriteStall(kind);
    out(`| ${kind} | ${r.seconds.toFixed(2)} | ${r.maxStallMs.toFixed(1)} | ${r.pings} |`);
  }
  writeFileSync(path.join(__dirname, '..', 'results', 'aof.md'), `${lines.join('\n')}\n`);
}

void main();
