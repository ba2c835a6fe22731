/**
 * Processes and probes shared by the topology tests: replikit-server started in this process from
 * redis-server style arguments (so `--replicaof` and every repl-* directive go through the real
 * config loader), real redis-server nodes from the test-utils launcher, INFO parsing, offset
 * waits and a hang-guarded poll. Everything a test starts is registered in a `Nodes` list and
 * stopped (redis-server by pid) in its `stopAll()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConfiguredServer, Logger, createServerFromConfig, loadConfigFromArgs } from '@replikit/server';
import { type RedisServerHandle, getFreePort, startRedisServer, waitFor } from '@replikit/test-utils';
import Redis from 'ioredis';
import { infoMap, linkUp } from '../replication/helpers';

export { linkUp, waitFor };

export interface ReplikitNode {
  readonly kind: 'replikit';
  readonly port: number;
  readonly s: ConfiguredServer;
  /** every log line the server wrote */
  readonly logs: string[];
  stop(): Promise<void>;
}

export interface RedisNode {
  readonly kind: 'redis';
  readonly port: number;
  readonly handle: RedisServerHandle;
  stop(): Promise<void>;
}

export type AnyNode = ReplikitNode | RedisNode;

/** Starts replikit-server in this process; `args` are redis-server style (`--repl-diskless-sync`, `no`, ...). */
export async function startReplikit(args: string[] = []): Promise<ReplikitNode> {
  const dir = mkdtempSync(join(tmpdir(), 'replikit-topo-'));
  const port = await getFreePort();
  const { config } = loadConfigFromArgs([...args, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '']);
  const logs: string[] = [];
  const s = createServerFromConfig(config, { logger: new Logger({ sink: (l) => logs.push(l) }) });
  await s.start();
  return {
    kind: 'replikit',
    port,
    s,
    logs,
    async stop() {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts a real redis-server (launcher of test-utils: `--save ""`, its own dir, stopped by pid). */
export async function startRedis(config: Record<string, string | number> = {}): Promise<RedisNode> {
  const handle = await startRedisServer({ config });
  return { kind: 'redis', port: handle.port, handle, stop: () => handle.stop() };
}

/** An ioredis client that never retries on its own (a dropped link shows as an error). */
export function connect(port: number): Redis {
  return new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, enableOfflineQueue: true, retryStrategy: () => null });
}

/** Every node and client a test opened, closed in reverse order (clients first). */
export class Nodes {
  readonly #nodes: AnyNode[] = [];
  readonly #clients: Redis[] = [];

  async replikit(args: string[] = []): Promise<ReplikitNode> {
    const n = await startReplikit(args);
    this.#nodes.push(n);
    return n;
  }

  async redis(config: Record<string, string | number> = {}): Promise<RedisNode> {
    const n = await startRedis(config);
    this.#nodes.push(n);
    return n;
  }

  client(node: AnyNode | number): Redis {
    const c = connect(typeof node === 'number' ? node : node.port);
    this.#clients.push(c);
    return c;
  }

  async stopAll(): Promise<void> {
    for (const c of this.#clients.splice(0)) c.disconnect();
    const nodes = this.#nodes.splice(0).reverse();
    await Promise.all(nodes.map((n) => n.stop()));
  }
}

/** INFO `section` as a field map. */
export async function info(c: Redis, section: string): Promise<Map<string, string>> {
  return infoMap(await c.info(section));
}

export interface SyncStats {
  full: number;
  partialOk: number;
  partialErr: number;
}

export async function syncStats(c: Redis): Promise<SyncStats> {
  const s = await info(c, 'stats');
  return { full: Number(s.get('sync_full')), partialOk: Number(s.get('sync_partial_ok')), partialErr: Number(s.get('sync_partial_err')) };
}

/**
 * Waits until the replica has applied everything the master has produced so far: its
 * slave_repl_offset equals the master's master_repl_offset (re-read on each try, since the
 * master's periodic `ping` moves it).
 */
export async function caughtUp(master: Redis, replica: Redis, timeoutMs = 20000): Promise<number> {
  const reached = await waitFor(
    'the replica to reach the master offset',
    async () => {
      const target = Number((await info(master, 'replication')).get('master_repl_offset'));
      const r = await info(replica, 'replication');
      return r.get('master_link_status') === 'up' && Number(r.get('slave_repl_offset')) === target ? { target } : undefined;
    },
    timeoutMs,
  );
  return reached.target;
}

/** `[replid, master_repl_offset]` of a node. */
export async function ids(c: Redis): Promise<{ replid: string; replid2: string; offset: number }> {
  const r = await info(c, 'replication');
  return { replid: r.get('master_replid') ?? '', replid2: r.get('master_replid2') ?? '', offset: Number(r.get('master_repl_offset')) };
}

/** How many lines of `text` match `re` (a global copy of it is used). */
export function countMatches(text: string, re: RegExp): number {
  return (text.match(new RegExp(re.source, 'g')) ?? []).length;
}

/** The log a node wrote so far. */
export function logOf(node: AnyNode): string {
  return node.kind === 'redis' ? node.handle.log() : node.logs.join('\n');
}
