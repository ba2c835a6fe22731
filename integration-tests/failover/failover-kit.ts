/**
 * Nodes for the failover tests that can die and come back on the same port and dir: replikit-server
 * in this process (through the real config loader) or a real redis-server (test-utils launcher,
 * stopped by pid). Operator commands go through redis-cli without blocking the event loop, since
 * the replikit nodes answer from this very process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConfiguredServer, createServerFromConfig, Logger, loadConfigFromArgs } from '@replikit/server';
import { getFreePort, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import Redis from 'ioredis';
import { infoMap, redisCliAsync, waitFor } from '../replication/helpers';

export type NodeKind = 'replikit' | 'redis';

/** One server identity (port + dir) across restarts. */
export interface FailoverNode {
  readonly kind: NodeKind;
  readonly name: string;
  readonly port: number;
  readonly dir: string;
  readonly running: boolean;
  /** the redis-server child's pid (this test started it), undefined for replikit */
  readonly pid: number | undefined;
  /** the in-process server while a replikit node runs */
  readonly server: ConfiguredServer | undefined;
  /** log text since the last start */
  log(): string;
  /** starts (again) with redis-server style `--directive value` arguments */
  start(args?: string[]): Promise<void>;
  /** dies without saving (SHUTDOWN NOSAVE path / SIGTERM with no save points) */
  kill(): Promise<void>;
  /** `SHUTDOWN SAVE` through redis-cli: the dump carries the replication aux fields */
  shutdownSave(): Promise<void>;
  /** redis-cli against this node; the output without the trailing newline */
  cli(...args: string[]): Promise<string>;
  client(): Redis;
  /** stops if running and removes the dir */
  dispose(): Promise<void>;
}

function argsToConfig(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  let key: string | undefined;
  for (const a of args) {
    if (a.startsWith('--')) {
      key = a.slice(2);
      out[key] = '';
    } else if (key !== undefined) out[key] = out[key] === '' ? a : `${out[key]} ${a}`;
  }
  return out;
}

export async function createNode(kind: NodeKind, name: string): Promise<FailoverNode> {
  const port = await getFreePort();
  const dir = mkdtempSync(join(tmpdir(), `replikit-failover-${name}-`));
  let server: ConfiguredServer | undefined;
  let redis: RedisServerHandle | undefined;
  let lines: string[] = [];
  const clients: Redis[] = [];

  const node: FailoverNode = {
    kind,
    name,
    port,
    dir,
    get running() {
      return kind === 'replikit' ? server !== undefined : redis !== undefined && redis.process.exitCode === null && redis.process.signalCode === null;
    },
    get server() {
      return server;
    },
    get pid() {
      return redis?.pid;
    },
    log: () => (kind === 'replikit' ? lines.join('\n') : (redis?.log() ?? '')),
    async start(args = []) {
      if (kind === 'replikit') {
        const { config } = loadConfigFromArgs([...args, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--dbfilename', 'dump.rdb']);
        lines = [];
        const sink = lines;
        server = createServerFromConfig(config, { logger: new Logger({ sink: (l) => sink.push(l) }) });
        await server.start();
      } else {
        redis = await startRedisServer({ port, dir, config: argsToConfig(args) });
      }
    },
    async kill() {
      for (const c of clients.splice(0)) c.disconnect();
      if (kind === 'replikit') {
        const s = server;
        server = undefined;
        await s?.close();
      } else {
        await redis?.stop();
      }
    },
    async shutdownSave() {
      for (const c of clients.splice(0)) c.disconnect();
      const r = await redisCliAsync(port, ['SHUTDOWN', 'SAVE']);
      if (r.out.trim() !== '') throw new Error(`SHUTDOWN SAVE on ${name}: ${r.out}`);
      if (kind === 'replikit') {
        const s = server;
        server = undefined;
        await s?.close();
      } else {
        const h = redis;
        await waitFor(`${name} to exit`, () => h === undefined || h.process.exitCode !== null || h.process.signalCode !== null);
        await h?.stop();
      }
    },
    async cli(...args) {
      const r = await redisCliAsync(port, args);
      return r.out.replace(/[\r\n]+$/, '');
    },
    client() {
      // a short disconnectTimeout: a node that died never answers the FIN, ioredis would wait 2 s
      const c = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, enableOfflineQueue: true, retryStrategy: () => null, disconnectTimeout: 100 });
      c.on('error', () => undefined);
      clients.push(c);
      return c;
    },
    async dispose() {
      if (node.running) await node.kill();
      for (const c of clients.splice(0)) c.disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return node;
}

/** INFO section text -> field map. */
export async function info(node: FailoverNode, section: string): Promise<Map<string, string>> {
  return infoMap(await node.cli('INFO', section));
}

export async function waitLinkUp(node: FailoverNode): Promise<void> {
  await waitFor(`${node.name} master_link_status:up`, async () => (await info(node, 'replication')).get('master_link_status') === 'up');
}

export interface MasterReplicaNodes {
  readonly m: FailoverNode;
  readonly r: FailoverNode;
}

/**
 * A node `M` of kind `kindM` and a node `R` of kind `kindR` for the enclosing describe block: created
 * (not started) in its beforeAll, disposed replica first in its afterAll. Read them inside tests.
 */
export function masterReplicaNodes(kindM: NodeKind, kindR: NodeKind): MasterReplicaNodes {
  let m: FailoverNode | undefined;
  let r: FailoverNode | undefined;
  beforeAll(async () => {
    m = await createNode(kindM, 'M');
    r = await createNode(kindR, 'R');
  });
  afterAll(async () => {
    await r?.dispose();
    await m?.dispose();
  });
  const created = (node: FailoverNode | undefined): FailoverNode => {
    if (node === undefined) throw new Error('the nodes are created in beforeAll: read them inside a test');
    return node;
  };
  return {
    get m() {
      return created(m);
    },
    get r() {
      return created(r);
    },
  };
}

/** Waits until `replica` applied everything `master` has in its stream. */
export async function waitCaughtUp(master: FailoverNode, replica: FailoverNode): Promise<void> {
  await waitFor(`${replica.name} caught up with ${master.name}`, async () => {
    const m = await info(master, 'replication');
    const r = await info(replica, 'replication');
    return r.get('master_link_status') === 'up' && r.get('master_repl_offset') === m.get('master_repl_offset');
  });
}

/** Seeds every type in three dbs, some keys with a TTL far in the future. */
export async function seed(c: Redis, prefix: string, n: number): Promise<void> {
  for (const db of [0, 3, 9]) {
    const p = c.pipeline();
    p.select(db);
    for (let i = 0; i < n; i++) {
      p.set(`${prefix}:s:${i}`, `v${i}-${db}`);
      p.rpush(`${prefix}:l:${i % 7}`, `e${i}`);
      p.hset(`${prefix}:h:${i % 5}`, `f${i}`, String(i * db));
      p.sadd(`${prefix}:set`, `m${i}`);
      p.zadd(`${prefix}:z`, i / 3, `z${i}`);
      if (i % 10 === 0) p.set(`${prefix}:ttl:${i}`, 'x', 'EX', 100000);
      p.incr(`${prefix}:counter`);
    }
    p.select(0);
    await p.exec();
  }
}
