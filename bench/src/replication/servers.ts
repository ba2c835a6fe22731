/**
 * Server processes for the replication benchmark: replikit-server from the build and the real
 * redis-server, both on 127.0.0.1, with the same directives, each in its own temp dir, stopped by
 * pid. Also a small query layer (INFO parsing, polling) and redis-benchmark runs in the background.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RawClient, startRedisServer } from '@replikit/test-utils';
import { spawnReplikit } from '../_servers';

export type Kind = 'redis' | 'replikit';

export const BUILT_CLI = path.join(__dirname, '..', '..', '..', 'packages', 'server', 'bin', 'replikit-server.cjs');
export const BUILT_JS = path.join(__dirname, '..', '..', '..', 'packages', 'server', 'dist', 'cli.js');
let serverCli = BUILT_CLI;

/** Runs replikit-server from `cli` (a private build) instead of the package's bin. */
export function useServerCli(cli: string): void {
  serverCli = cli;
}

/** One running server plus a client connection used for INFO and setup commands. */
export interface Node {
  readonly kind: Kind;
  readonly port: number;
  readonly pid: number;
  readonly client: RawClient;
  log(): string;
  stop(): Promise<void>;
}

/** The directives every server of the benchmark gets, Redis and replikit alike. */
export function commonConfig(extra: Record<string, string | number> = {}): Record<string, string | number> {
  return {
    'enable-debug-command': 'yes',
    'repl-diskless-sync-delay': 0,
    'repl-backlog-size': '64mb',
    ...extra,
  };
}

async function startReplikit(config: Record<string, string | number>, cpuProfDir?: string): Promise<Omit<Node, 'client'>> {
  if (serverCli === BUILT_CLI && !existsSync(BUILT_JS)) throw new Error('packages/server/dist/cli.js is missing: run `pnpm build` first');
  const dir = mkdtempSync(path.join(tmpdir(), 'replikit-bench-'));
  const nodeArgs = cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : [];
  // extra V8/node flags for a diagnosis run, e.g. REPLIKIT_BENCH_NODE_ARGS=--trace-gc
  if (process.env.REPLIKIT_BENCH_NODE_ARGS) nodeArgs.push(...process.env.REPLIKIT_BENCH_NODE_ARGS.split(' ').filter(Boolean));
  const r = await spawnReplikit(serverCli, dir, config, nodeArgs);
  return {
    kind: 'replikit',
    port: r.port,
    pid: r.pid,
    log: r.log,
    stop: async () => {
      await r.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** pids of the servers still running, killed if this script is interrupted */
const live = new Set<number>();
const killLive = () => {
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

/** Starts a server of `kind` with `config` and connects a client to it. */
export async function startNode(kind: Kind, config: Record<string, string | number>, cpuProfDir?: string): Promise<Node> {
  const base =
    kind === 'redis'
      ? await startRedisServer({ config, startTimeoutMs: 30000 }).then((h) => ({ kind, port: h.port, pid: h.pid, log: h.log, stop: h.stop }))
      : await startReplikit(config, cpuProfDir);
  live.add(base.pid);
  const client = await RawClient.connect(base.port);
  return {
    ...base,
    client,
    stop: async () => {
      await client.close();
      await base.stop();
      live.delete(base.pid);
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs a command and throws on an error reply. */
export async function call(node: Node, ...argv: Array<string | number>): Promise<unknown> {
  const r = await node.client.call(...argv);
  if (r instanceof Error) throw new Error(`${node.kind}:${node.port} ${argv.join(' ')}: ${r.message}`);
  return r;
}

/** `INFO <section>` as a field map. */
export async function info(node: Node, section: string): Promise<Map<string, string>> {
  const r = await node.client.call('INFO', section);
  const text = Buffer.isBuffer(r) ? r.toString('utf8') : String(r);
  const m = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

export async function statNumber(node: Node, section: string, field: string): Promise<number> {
  return Number((await info(node, section)).get(field) ?? Number.NaN);
}

/** Offsets as INFO replication shows them: the master's own, or a replica's applied offset. */
export async function replOffset(node: Node, asReplica: boolean): Promise<number> {
  const m = await info(node, 'replication');
  return Number(m.get(asReplica ? 'slave_repl_offset' : 'master_repl_offset'));
}

/** Resident set size of a process in bytes, from /proc. */
export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Issues REPLICAOF on `replica` and waits for link up with `keys` keys loaded; returns ms. */
export async function syncReplica(replica: Node, master: Node, keys: number, pollMs = 5, timeoutMs = 300000): Promise<number> {
  const t0 = performance.now();
  await call(replica, 'REPLICAOF', '127.0.0.1', master.port);
  for (;;) {
    const m = await info(replica, 'replication');
    if (m.get('master_link_status') === 'up') {
      const n = await replica.client.call('DBSIZE');
      if (typeof n === 'number' && n >= keys) return performance.now() - t0;
    }
    if (performance.now() - t0 > timeoutMs) throw new Error(`${replica.kind} replica did not sync in ${timeoutMs} ms`);
    await sleep(pollMs);
  }
}

/** A redis-benchmark run in the background. */
export interface LoadRun {
  readonly done: Promise<{ rps: number; endedAt: number; stdout: string }>;
  stop(): void;
}

export function startLoad(port: number, args: string[]): LoadRun {
  const child = spawn('redis-benchmark', ['-p', String(port), '--csv', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString('utf8');
  });
  child.stderr?.on('data', () => {});
  const done = new Promise<{ rps: number; endedAt: number; stdout: string }>((resolve) =>
    child.once('exit', () => {
      const endedAt = performance.now();
      const m = /^"[^"]+","([\d.]+)"/m.exec(out);
      resolve({ rps: m ? Number(m[1]) : Number.NaN, endedAt, stdout: out });
    }),
  );
  return {
    done,
    stop: () => {
      if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
    },
  };
}

/** Milliseconds of the `HH:MM:SS.mmm` stamp of the last log line matching `re` after `from` chars. */
export function logTime(log: string, re: RegExp, from = 0): { ms: number; at: number } | undefined {
  const rest = log.slice(from);
  const lines = rest.split('\n');
  let pos = from;
  for (const line of lines) {
    if (re.test(line)) {
      const m = /(\d\d):(\d\d):(\d\d)\.(\d\d\d)/.exec(line);
      if (m) return { ms: ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]), at: pos };
    }
    pos += line.length + 1;
  }
  return undefined;
}
