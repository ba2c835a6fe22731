/**
 * Shared pieces of the replication interop tests: an in-process replikit-server built from
 * redis-server style arguments (so config files and `--replicaof` go through the real config
 * loader), INFO parsing, and polling with a hang guard.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConfiguredServer, Logger, createServerFromConfig, loadConfigFromArgs } from '@replikit/server';
import { getFreePort, type RedisServerHandle, startRedisServer, waitFor } from '@replikit/test-utils';
import Redis from 'ioredis';

export { waitFor };

export interface StartedReplikit {
  readonly s: ConfiguredServer;
  readonly port: number;
  readonly dir: string;
  /** log lines so far */
  readonly logs: string[];
  /** closes the server; the dir is removed unless `keepDir` */
  stop(keepDir?: boolean): Promise<void>;
}

/**
 * Starts replikit-server in this process. `args` come first (a config file path, or `--x y`
 * pairs); the port, bind address, a fresh dir and `save ""` are appended unless given.
 */
export async function startReplikit(args: string[] = [], at: { port?: number; dir?: string } = {}): Promise<StartedReplikit> {
  const dir = at.dir ?? mkdtempSync(join(tmpdir(), 'replikit-repl-'));
  const port = at.port ?? (await getFreePort());
  const { config } = loadConfigFromArgs([...args, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '']);
  const logs: string[] = [];
  const s = createServerFromConfig(config, { logger: new Logger({ sink: (l) => logs.push(l) }) });
  await s.start();
  return {
    s,
    port,
    dir,
    logs,
    async stop(keepDir = false) {
      await s.close();
      if (!keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RedisAndReplikit {
  readonly redis: RedisServerHandle;
  readonly rk: StartedReplikit;
}

/**
 * A redis-server (the reference) and a replikit-server with default settings for the enclosing
 * describe block: started in its beforeAll, stopped in its afterAll. Read them inside tests.
 */
export function redisAndReplikit(): RedisAndReplikit {
  let redis: RedisServerHandle | undefined;
  let rk: StartedReplikit | undefined;
  beforeAll(async () => {
    redis = await startRedisServer();
    rk = await startReplikit();
  });
  afterAll(async () => {
    await rk?.stop();
    await redis?.stop();
  });
  const started = <T>(server: T | undefined): T => {
    if (server === undefined) throw new Error('the servers start in beforeAll: read them inside a test');
    return server;
  };
  return {
    get redis() {
      return started(redis);
    },
    get rk() {
      return started(rk);
    },
  };
}

export function client(port: number): Redis {
  return new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, lazyConnect: false, enableOfflineQueue: true });
}

/** INFO text -> ordered [field, value] pairs of the lines that are not headers. */
export function infoPairs(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out.push([line.slice(0, i), line.slice(i + 1)]);
  }
  return out;
}

export function infoMap(text: string): Map<string, string> {
  return new Map(infoPairs(text));
}

/** Field names with the `slaveN` lines and the only-sometimes fields kept as they are. */
export function infoFieldNames(text: string): string[] {
  return infoPairs(text).map(([k]) => k);
}

export async function linkUp(c: Redis): Promise<void> {
  await waitFor('master_link_status:up', async () => infoMap(await c.info('replication')).get('master_link_status') === 'up');
}

/** Every key of every db with type, value and whether it has a TTL (for comparing datasets). */
export async function dumpDataset(c: Redis, dbs: readonly number[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const db of dbs) {
    await c.select(db);
    const keys = (await c.keys('*')).sort();
    for (const k of keys) {
      const type = await c.type(k);
      let value: unknown;
      if (type === 'string') value = await c.get(k);
      else if (type === 'list') value = await c.lrange(k, 0, -1);
      else if (type === 'set') value = (await c.smembers(k)).sort();
      else if (type === 'hash') value = await c.hgetall(k);
      else if (type === 'zset') value = await c.zrange(k, 0, -1, 'WITHSCORES');
      else value = type;
      const ttl = await c.pttl(k);
      out[`${db}:${k}`] = { type, value, ttl: ttl > 0 ? 'ttl' : ttl };
    }
  }
  await c.select(0);
  return out;
}

/** redis-cli synchronously (short commands only). */
export function redisCli(port: number, ...args: string[]): string {
  const r = spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'latin1', timeout: 20000 });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.replace(/[\r\n]+$/, '');
}

/** Runs redis-cli to completion without blocking the event loop (the server runs in this process). */
export function redisCliAsync(port: number, args: string[], timeoutMs = 20000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('redis-cli', ['-p', String(port), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('latin1')));
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, out });
    });
  });
}

export interface RunningCli {
  output(): string;
  /** resolves once the output matches `re` (hang guard 20 s) */
  waitForOutput(re: RegExp): Promise<void>;
  /** SIGTERM to the redis-cli this test started; resolves when it exited */
  stop(): Promise<void>;
}

/** Starts a long-running redis-cli (`--replica`) whose output is read as it comes. */
export function startRedisCli(port: number, args: string[]): RunningCli {
  const child = spawn('redis-cli', ['-p', String(port), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
  child.stderr.on('data', (d: Buffer) => (out += d.toString('latin1')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    output: () => out,
    waitForOutput: (re) => waitFor(`redis-cli output ${re}`, () => re.test(out)).then(() => undefined),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
