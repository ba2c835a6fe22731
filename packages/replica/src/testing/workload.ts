// Test helpers (not exported by the package): a dataset with every type and TTLs in several dbs,
// and a seeded mix of writes, sent to a real redis-server.
import type { RawClient } from '@replikit/test-utils';

/** Long TTLs only: nothing may expire while a test compares datasets. */
const FAR = 100_000;

/** Every value type (strings, lists, sets, intsets, hashes, zsets, a stream), with and without TTLs, in dbs 0, 3 and 9. */
export async function populate(c: RawClient): Promise<void> {
  for (const db of [0, 3, 9]) {
    await c.call('SELECT', db);
    for (let i = 0; i < 40; i++) {
      await c.call('SET', `s:${i}`, `v${i}-${'x'.repeat(i * 7)}`);
      await c.call('SET', `n:${i}`, i * 1000);
      await c.call('RPUSH', `l:${i % 5}`, `e${i}`, Buffer.from([0, 255, i]));
      await c.call('SADD', `set:${i % 4}`, `m${i}`);
      await c.call('SADD', `iset:${i % 3}`, i * 17);
      await c.call('HSET', `h:${i % 6}`, `f${i}`, `v${i}`);
      await c.call('ZADD', `z:${i % 3}`, i / 3, `m${i}`);
    }
    await c.call('RPUSH', 'biglist', ...Array.from({ length: 300 }, (_, i) => `item-${i}-${'y'.repeat(20)}`));
    await c.call('HSET', 'bighash', ...Array.from({ length: 300 }, (_, i) => [`field${i}`, 'z'.repeat(80)]).flat());
    await c.call('ZADD', 'bigzset', ...Array.from({ length: 300 }, (_, i) => [i * 1.25, `member${i}`]).flat());
    await c.call('XADD', 'stream', '*', 'a', '1', 'b', '2');
    await c.call('EXPIRE', 's:1', FAR);
    await c.call('PEXPIRE', 'l:2', FAR * 1000);
    await c.call('EXPIRE', 'h:3', FAR);
    await c.call('EXPIRE', 'z:1', FAR);
    await c.call('EXPIRE', 'set:2', FAR);
    await c.call('SET', 'ttl-string', 'v', 'EX', FAR);
  }
  await c.call('SELECT', 0);
}

/** A deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Argv = Array<string | number>;

/** `count` writes of every kind the keyspace executes (no stream commands: the keyspace keeps streams opaque) (some in MULTI blocks, some failing with WRONGTYPE), pipelined on `c` in its selected db. */
export async function mixedWrites(c: RawClient, count: number, seed: number): Promise<void> {
  const rnd = prng(seed);
  const pick = (n: number) => Math.floor(rnd() * n);
  const ops: Array<() => Argv[]> = [
    () => [['SET', `w:s:${pick(200)}`, `v${pick(1e6)}`]],
    () => [['SET', `w:s:${pick(200)}`, 'ttl', 'EX', FAR]],
    () => [['APPEND', `w:s:${pick(200)}`, 'tail']],
    () => [['INCR', `w:n:${pick(50)}`]],
    () => [['INCRBYFLOAT', `w:f:${pick(50)}`, '1.5']],
    () => [['LPUSH', `w:l:${pick(30)}`, `e${pick(100)}`]],
    () => [['RPOP', `w:l:${pick(30)}`]],
    () => [['SADD', `w:set:${pick(30)}`, `m${pick(100)}`]],
    () => [['SPOP', `w:set:${pick(30)}`]],
    () => [['HSET', `w:h:${pick(30)}`, `f${pick(50)}`, `v${pick(100)}`]],
    () => [['HINCRBYFLOAT', `w:h:${pick(30)}`, 'counter', '0.25']],
    () => [['ZADD', `w:z:${pick(30)}`, pick(1000) / 8, `m${pick(100)}`]],
    () => [['ZINCRBY', `w:z:${pick(30)}`, 2, `m${pick(100)}`]],
    () => [['ZPOPMIN', `w:z:${pick(30)}`]],
    () => [['EXPIRE', `w:s:${pick(200)}`, FAR]],
    () => [['PERSIST', `w:s:${pick(200)}`]],
    () => [['DEL', `w:s:${pick(200)}`, `w:l:${pick(30)}`]],
    () => [['GETDEL', `w:s:${pick(200)}`]],
    () => [['GETSET', `w:s:${pick(200)}`, 'gs']],
    () => [['MULTI'], ['SET', `w:s:${pick(200)}`, 'm1'], ['INCR', `w:n:${pick(50)}`], ['SADD', `w:set:${pick(30)}`, 'mm'], ['EXEC']],
    () => [['LPUSH', `w:s:${pick(200)}`, 'wrongtype-maybe']],
  ];
  const pending: Array<Promise<unknown>> = [];
  let sent = 0;
  while (sent < count) {
    for (const argv of ops[pick(ops.length)]()) {
      pending.push(c.call(...argv));
      sent++;
    }
    if (pending.length >= 500) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
}
