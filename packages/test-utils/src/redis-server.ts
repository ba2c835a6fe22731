import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Finds a free TCP port on 127.0.0.1 (asks the OS for one). */
export async function getFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

let cachedBinary: string | null | undefined;

/** Path of the redis-server binary, or null when it is not installed. */
export function findRedisServer(): string | null {
  if (cachedBinary !== undefined) return cachedBinary;
  const env = process.env.REPLIKIT_REDIS_SERVER;
  const candidates = env ? [env] : ['redis-server', '/usr/bin/redis-server', '/usr/local/bin/redis-server'];
  for (const c of candidates) {
    const r = spawnSync(c, ['--version'], { encoding: 'utf8' });
    if (r.status === 0 && /Redis server/.test(r.stdout)) {
      cachedBinary = c;
      return c;
    }
  }
  cachedBinary = null;
  return null;
}

/** Path of redis-cli, or null. */
export function findRedisCli(): string | null {
  const r = spawnSync('redis-cli', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? 'redis-cli' : null;
}

/** True when REPLIKIT_REQUIRE_REDIS=1: tests needing redis-server must fail instead of skipping. */
export function redisRequired(): boolean {
  return process.env.REPLIKIT_REQUIRE_REDIS === '1';
}

let warned = false;
/**
 * Whether tests that need a real redis-server can run. When the binary is missing this prints a
 * loud warning and returns false, unless REPLIKIT_REQUIRE_REDIS=1, in which case it throws.
 * Use as `const describeRedis = hasRedis() ? describe : describe.skip;`.
 */
export function hasRedis(): boolean {
  if (findRedisServer()) return true;
  if (redisRequired()) {
    throw new Error('redis-server not found but REPLIKIT_REQUIRE_REDIS=1: install redis-server 7.0');
  }
  if (!warned) {
    warned = true;
    // eslint-disable-next-line no-console
    console.warn(
      '\n' +
        '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' +
        '!!! redis-server is NOT installed: tests against a real Redis are SKIPPED.       !!!\n' +
        '!!! Install it (apt-get install -y redis-server redis-tools) to run them.        !!!\n' +
        '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n',
    );
  }
  return false;
}

export interface RedisServerOptions {
  /** extra `--directive value` config pairs, e.g. `{ 'repl-diskless-sync': 'no' }` */
  config?: Record<string, string | number>;
  /** working directory (`--dir`); a fresh temp dir by default, removed on stop */
  dir?: string;
  /** port; a free one by default */
  port?: number;
  /** ms to wait for the server to accept connections */
  startTimeoutMs?: number;
}

export interface RedisServerHandle {
  readonly port: number;
  readonly host: '127.0.0.1';
  readonly pid: number;
  readonly dir: string;
  readonly process: ChildProcess;
  /** everything the server logged so far */
  log(): string;
  /** waits until `pattern` appears in the log */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGTERM by pid and wait for exit (SIGKILL after a grace period); removes the temp dir */
  stop(): Promise<void>;
}

/** Starts a real redis-server on 127.0.0.1 with `--save "" --daemonize no` and the given config. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerHandle> {
  const bin = findRedisServer();
  if (!bin) throw new Error('redis-server is not installed');
  const port = options.port ?? (await getFreePort());
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'replikit-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'no', '--save', '', '--dir', dir, '--appendonly', 'no', '--protected-mode', 'no'];
  for (const [k, v] of Object.entries(options.config ?? {})) args.push(`--${k}`, String(v));
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    output += d.toString('utf8');
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));

  const waitForLog = (pattern: RegExp, timeoutMs = 10000) =>
    new Promise<void>((resolve, reject) => {
      if (pattern.test(output)) return resolve();
      const t = setTimeout(() => { listeners.delete(check); reject(new Error(`timeout waiting for ${pattern} in redis log:\n${output}`)); }, timeoutMs);
      const check = () => { if (pattern.test(output)) { clearTimeout(t); listeners.delete(check); resolve(); } };
      listeners.add(check);
    });

  const stop = async () => {
    if (!exited && child.pid) {
      try { process.kill(child.pid, 'SIGTERM'); } catch { /* already gone */ }
      const killer = setTimeout(() => { try { if (child.pid) process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
      await exitPromise;
      clearTimeout(killer);
    }
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 10000);
  for (;;) {
    if (exited) throw new Error(`redis-server exited at start:\n${output}`);
    if (await canConnect(port)) break;
    if (Date.now() > deadline) { await stop(); throw new Error(`redis-server did not start on ${port}:\n${output}`); }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { port, host: '127.0.0.1', pid: child.pid ?? -1, dir, process: child, log: () => output, waitForLog, stop };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}
