/**
 * Helpers of the AOF tests: a write script covering every data type replikit's commands create
 * (with TTLs, MULTI/EXEC and several databases), a type-aware dump of a whole server's dataset to
 * compare two servers, and small file helpers.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WatchedProcess } from '@replikit/test-utils';
import Redis from 'ioredis';

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `replikit-aof-${tag}-`));
}

/** Copies `<from>/appendonlydir` into a fresh directory and returns it. */
export function copyAofDir(from: string, tag: string, dirname = 'appendonlydir'): string {
  const to = tempDir(tag);
  cpSync(join(from, dirname), join(to, dirname), { recursive: true });
  return to;
}

export function aofFiles(dir: string, dirname = 'appendonlydir'): string[] {
  return readdirSync(join(dir, dirname)).sort();
}

/** Runs Debian's redis-check-aof on a manifest; returns its exit status and output. */
export function checkAof(manifestPath: string): { status: number; output: string } {
  const r = spawnSync('redis-check-aof', [manifestPath], { encoding: 'utf8', timeout: 20000 });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

export function connect(port: number): Redis {
  return new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1, lazyConnect: false });
}

/** Writes of every type, TTLs (relative and absolute), MULTI/EXEC, SELECT across dbs; `tag` varies the values. */
export async function writeDataset(c: Redis, tag: string): Promise<void> {
  const farMs = 4102444800000; // 2100-01-01
  await c.set(`str:${tag}`, `value-${tag}`);
  await c.set(`big:${tag}`, 'x'.repeat(3000) + tag);
  await c.set(`int:${tag}`, '41');
  await c.incr(`int:${tag}`);
  await c.append(`str:${tag}`, '-appended');
  await c.set(`ttl:${tag}`, 'v', 'EX', 5000);
  await c.set(`pxat:${tag}`, 'v', 'PXAT', farMs);
  await c.setex(`setex:${tag}`, 7000, 'v');
  await c.rpush(`list:${tag}`, ...Array.from({ length: 150 }, (_, i) => `item${i}`));
  await c.lpop(`list:${tag}`);
  await c.lpush(`list:${tag}`, 'head');
  await c.sadd(`set:${tag}`, ...Array.from({ length: 130 }, (_, i) => `m${i}`));
  await c.sadd(`intset:${tag}`, '1', '2', '3', '-5');
  await c.srem(`set:${tag}`, 'm3');
  await c.zadd(`zset:${tag}`, '1.5', 'a', '2', 'b', '-inf', 'c', '3.141592653589793', 'd', '1e-7', 'e', '123456789012345678', 'f');
  await c.zincrby(`zset:${tag}`, 0.1, 'a');
  for (let i = 0; i < 80; i++) await c.hset(`hash:${tag}`, `f${i}`, `v${i}`);
  await c.hdel(`hash:${tag}`, 'f7');
  await c.hincrby(`hash:${tag}`, 'counter', 5);
  await c.pexpire(`hash:${tag}`, 9_000_000);
  await c.expire(`list:${tag}`, 8000);
  await c.persist(`list:${tag}`);
  await c.set(`gone:${tag}`, 'x');
  await c.del(`gone:${tag}`);
  await c.multi().incr(`tx:${tag}`).incr(`tx:${tag}`).rpush(`txlist:${tag}`, 'a', 'b').exec();
  await c.select(2);
  await c.set(`db2:${tag}`, 'in db 2');
  await c.sadd(`db2set:${tag}`, 'x', 'y');
  await c.select(5);
  await c.hset(`db5:${tag}`, 'a', '1');
  await c.select(0);
  await c.set(`bin:${tag}`, Buffer.from([0, 1, 2, 255, 13, 10, 36, 42]));
}

/** Every key of dbs 0..15 with its type, contents (order-insensitive where Redis's is) and PEXPIRETIME. */
export async function datasetOf(port: number): Promise<Record<string, unknown>> {
  const c = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
  const out: Record<string, unknown> = {};
  try {
    for (let db = 0; db < 16; db++) {
      await c.select(db);
      const keys = (await c.keys('*')).sort();
      for (const k of keys) {
        const type = await c.type(k);
        let value: unknown;
        if (type === 'string') value = (await c.getBuffer(k))?.toString('hex');
        else if (type === 'list') value = await c.lrange(k, 0, -1);
        else if (type === 'set') value = (await c.smembers(k)).sort();
        else if (type === 'zset') value = await c.zrange(k, 0, -1, 'WITHSCORES');
        else if (type === 'hash') value = Object.entries(await c.hgetall(k)).sort();
        else value = type;
        out[`${db}:${k}`] = { type, value, pexpiretime: await c.call('PEXPIRETIME', k) };
      }
    }
  } finally {
    c.disconnect();
  }
  return out;
}

export interface MultiLoadOptions {
  /** Concurrent clients, each with its own keys `counter:<i>`, `log:<i>` and `last:<i>`. */
  clients: number;
  /** How long the load runs before the kill. */
  loadMs: number;
}

/**
 * Puts a MULTI/EXEC load on `victim` (each transaction INCRs `counter:<i>`, RPUSHes its number to
 * `log:<i>` and SETs `last:<i>` to it), SIGKILLs it after `loadMs`, then waits for the loops to end.
 * Returns how the process ended and, per client, the number of the last transaction the server
 * acknowledged. A loop ends on its first failed transaction.
 */
export async function sigkillUnderMultiLoad(victim: WatchedProcess & { readonly port: number }, options: MultiLoadOptions): Promise<{ acked: number[]; exit: number | string }> {
  const acked = new Array<number>(options.clients).fill(0);
  let stop = false;
  const clients = Array.from(
    { length: options.clients },
    () => new Redis({ port: victim.port, host: '127.0.0.1', maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, lazyConnect: true }),
  );
  for (const c of clients) c.on('error', () => {});
  await Promise.all(clients.map((c) => c.connect()));
  const loops = clients.map(async (c, i) => {
    for (let n = 1; !stop; n++) {
      try {
        const r = await c.multi().incr(`counter:${i}`).rpush(`log:${i}`, String(n)).set(`last:${i}`, String(n)).exec();
        if (r === null || r.some(([err]) => err !== null)) return;
        acked[i] = n;
      } catch {
        return;
      }
    }
  });
  try {
    await new Promise((r) => setTimeout(r, options.loadMs));
    victim.child.kill('SIGKILL');
    return { acked, exit: await victim.exited };
  } finally {
    stop = true;
    await Promise.all(loops);
    for (const c of clients) c.disconnect();
  }
}
