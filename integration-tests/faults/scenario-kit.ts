/**
 * Shared pieces of the fault scenarios with server processes: nodes (replikit-server in process or
 * a real redis-server, from the failover kit) whose replica reaches its master through a fault
 * proxy, data loading, and the closing comparison of the two datasets key by key with TTLs.
 */
import { randomBytes } from 'node:crypto';
import { createFaultProxy, expectSameDataset, type FaultProxy, hasRedis, hasRedisCli, RawClient, viewOfServer } from '@replikit/test-utils';
import type Redis from 'ioredis';
import { createNode, type FailoverNode, info, type NodeKind } from '../failover/failover-kit';
import { waitFor } from '../replication/helpers';

/** Scenarios need redis-server and redis-cli (the failover kit drives nodes with it). */
export const describeRedis = hasRedis() && hasRedisCli() ? describe : describe.skip;

/** A proxy in front of `node`'s port (it stays valid across the node's restarts). */
export function proxyTo(node: FailoverNode): Promise<FaultProxy> {
  return createFaultProxy({ target: { host: '127.0.0.1', port: node.port } });
}

/** A master `M`, a replica `R` and a fault proxy in front of M, made fresh by `useProxiedPair`. */
export interface ProxiedPair {
  m: FailoverNode;
  r: FailoverNode;
  proxy: FaultProxy;
}

/**
 * Registers the hooks that create the pair before the tests (`all`) or before each test (`each`)
 * and dispose of it after; the returned object holds the current nodes once the hook has run.
 */
export function useProxiedPair(kindM: NodeKind, kindR: NodeKind, scope: 'all' | 'each' = 'all'): ProxiedPair {
  const pair = {} as ProxiedPair;
  (scope === 'each' ? beforeEach : beforeAll)(async () => {
    pair.m = await createNode(kindM, 'M');
    pair.r = await createNode(kindR, 'R');
    pair.proxy = await proxyTo(pair.m);
  });
  (scope === 'each' ? afterEach : afterAll)(async () => {
    await pair.r?.dispose();
    await pair.m?.dispose();
    await pair.proxy?.close();
  });
  return pair;
}

/** `--replicaof` through `proxy`. */
export function replicaOfArgs(proxy: FaultProxy): string[] {
  return ['--replicaof', '127.0.0.1', String(proxy.port)];
}

/**
 * `n` string keys of `size` bytes in db 0, every tenth with a TTL far ahead, plus a hash, a list
 * and a zset in db 2: data whose snapshot takes a measurable time through a throttled link. The
 * values are random hex: repeated bytes would shrink to almost nothing under the RDB's LZF
 * compression, and the transfer would end before a test could see it in progress.
 */
export async function fill(c: Redis, prefix: string, n: number, size: number): Promise<void> {
  const bytes = Math.ceil(size / 2);
  for (let i = 0; i < n; i += 500) {
    const p = c.pipeline();
    for (let j = i; j < Math.min(n, i + 500); j++) {
      const value = randomBytes(bytes).toString('hex').slice(0, size);
      if (j % 10 === 0) p.set(`${prefix}:${j}`, `${j}:${value}`, 'EX', 100000);
      else p.set(`${prefix}:${j}`, `${j}:${value}`);
    }
    await p.exec();
  }
  const p = c.pipeline();
  p.select(2);
  for (let i = 0; i < 50; i++) {
    p.hset(`${prefix}:h`, `f${i}`, String(i));
    p.rpush(`${prefix}:l`, `e${i}`);
    p.zadd(`${prefix}:z`, i, `m${i}`);
  }
  p.pexpire(`${prefix}:h`, 50_000_000);
  p.select(0);
  await p.exec();
}

/** INFO replication field of `node`. */
export async function replField(node: FailoverNode, field: string): Promise<string | undefined> {
  return (await info(node, 'replication')).get(field);
}

/** INFO stats field of `node` as a number. */
export async function statField(node: FailoverNode, field: string): Promise<number> {
  return Number((await info(node, 'stats')).get(field));
}

/** Waits until `replica` is in the middle of receiving a snapshot. */
export async function waitSyncInProgress(replica: FailoverNode): Promise<void> {
  await waitFor(`${replica.name} to be loading a snapshot`, async () => (await replField(replica, 'master_sync_in_progress')) === '1');
}

/** `master` and `replica` hold the same keys, values and expire times in every db. */
export async function expectSameData(master: FailoverNode, replica: FailoverNode): Promise<void> {
  const mc = await RawClient.connect(master.port);
  const rc = await RawClient.connect(replica.port);
  try {
    const m = await viewOfServer(mc);
    expectSameDataset(m, await viewOfServer(rc), replica.name);
    expect(m.size).toBeGreaterThan(0);
  } finally {
    await mc.close();
    await rc.close();
  }
}
