import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RawClient } from './raw-client';
import { findRedisServer } from './requirements';

/**
 * Finds a free TCP port on 127.0.0.1 for a child server to bind a moment later. It is drawn below
 * Linux's ephemeral range (32768-60999 by default): a port the OS hands out for `listen(0)` is also
 * what it hands to the next outgoing connection of any test, and a child that starts in half a
 * second then finds its port taken. A random port from 20000-32767 that binds now is only lost to
 * another test drawing the same number in that window. Falls back to asking the OS.
 */
export async function getFreePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const candidate = 20000 + Math.floor(Math.random() * 12768);
    if (await canListen(candidate)) return candidate;
  }
  return listenAndClose(0);
}

function canListen(port: number): Promise<boolean> {
  return listenAndClose(port).then(() => true, () => false);
}

function listenAndClose(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(port, '127.0.0.1', () => {
      const addr = srv.address();
      const bound = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(bound));
    });
  });
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

/**
 * True when a start failed because the chosen port was taken: getFreePort's probe and the child's
 * bind are not atomic, and outgoing connections of other tests draw from the same port range.
 */
export function isPortTaken(err: unknown): boolean {
  return err instanceof Error && /Address already in use|is answered by process/.test(err.message);
}

/**
 * Starts a real redis-server on 127.0.0.1 with `--save "" --daemonize no` and the given config.
 * Without an explicit port, a start that lost its free port to another process is retried on a
 * new one.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerHandle> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startRedisServerOnce(options);
    } catch (err) {
      if (options.port !== undefined || attempt >= 3 || !isPortTaken(err)) throw err;
    }
  }
}

async function startRedisServerOnce(options: RedisServerOptions): Promise<RedisServerHandle> {
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
  const password = options.config?.requirepass;
  for (;;) {
    if (exited) { await stop(); throw new Error(`redis-server exited at start:\n${output}`); }
    // Something answering on the port is not enough: a free port can be taken by another process
    // between getFreePort and the child's bind, and a differential must never compare a server
    // with itself. INFO's process_id has to be the child's pid.
    const answered = await serverPid(port, password === undefined ? undefined : String(password));
    if (answered !== null && answered === child.pid) break;
    if (answered !== null && answered !== child.pid) {
      await stop();
      throw new Error(`port ${port} is answered by process ${answered}, not by the redis-server child ${child.pid}:\n${output}`);
    }
    if (Date.now() > deadline) { await stop(); throw new Error(`redis-server did not start on ${port}:\n${output}`); }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { port, host: '127.0.0.1', pid: child.pid ?? -1, dir, process: child, log: () => output, waitForLog, stop };
}

/**
 * The `process_id` INFO reports on 127.0.0.1:`port`, or null when nothing answers there yet (or
 * it answers with anything but an INFO carrying a process_id, within a short time).
 */
async function serverPid(port: number, password: string | undefined): Promise<number | null> {
  let client: RawClient;
  try {
    client = await RawClient.connect(port);
  } catch {
    return null;
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), 2000); });
  const ask = async (): Promise<number | null> => {
    if (password !== undefined) await client.call('AUTH', password);
    const info = await client.call('INFO', 'server');
    const m = Buffer.isBuffer(info) ? /^process_id:(\d+)\r?$/m.exec(info.toString('latin1')) : null;
    return m ? Number(m[1]) : null;
  };
  try {
    return await Promise.race([ask().catch(() => null), timeout]);
  } finally {
    clearTimeout(timer);
    await client.close();
  }
}
