/**
 * Shared pieces of the maxmemory tests: a reply-or-error call, INFO fields, and filling a
 * database with fixed-size values.
 */
import type Redis from 'ioredis';
import { infoMap } from '../replication/helpers';

/** The reply, or `ERR! <text>` for an error reply (so sequences of both compare as data). */
export async function reply(c: Redis, ...args: Array<string | number | Buffer>): Promise<unknown> {
  try {
    return await c.call(String(args[0]), ...args.slice(1).map((a) => (Buffer.isBuffer(a) ? a : String(a))));
  } catch (e) {
    return `ERR! ${(e as Error).message}`;
  }
}

export async function info(c: Redis, section = 'all'): Promise<Map<string, string>> {
  return infoMap(String(await c.call('INFO', section)));
}

export async function infoNumber(c: Redis, field: string): Promise<number> {
  const v = (await info(c)).get(field);
  if (v === undefined) throw new Error(`INFO has no ${field}`);
  return Number(v);
}

/** SETs `count` keys `<prefix><i>` with `size`-byte values, pipelined. */
export async function fill(c: Redis, prefix: string, count: number, size: number, ttlSeconds?: number): Promise<void> {
  const value = 'x'.repeat(size);
  const p = c.pipeline();
  for (let i = 0; i < count; i++) {
    if (ttlSeconds === undefined) p.set(`${prefix}${i}`, value);
    else p.set(`${prefix}${i}`, value, 'EX', ttlSeconds);
  }
  await p.exec();
}

/** Resets the maxmemory settings a test may have changed. */
export async function resetMaxmemory(c: Redis): Promise<void> {
  await c.call('CONFIG', 'SET', 'maxmemory', '0');
  await c.call('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
  await c.call('CONFIG', 'SET', 'lfu-log-factor', '10');
  await c.call('CONFIG', 'SET', 'lfu-decay-time', '1');
  await c.call('CONFIG', 'SET', 'notify-keyspace-events', '');
  await c.call('FLUSHALL');
}

export const OOM_TEXT = "OOM command not allowed when used memory > 'maxmemory'.";
