/**
 * @replikit/keyspace benchmarks: executor throughput, memory per key next to redis-server, and a
 * 1M-key snapshot under write load (iteration rate, longest event-loop stall).
 * Run: pnpm exec tsx bench/src/keyspace.ts   (writes bench/results/keyspace.md)
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createKeyspace } from '@replikit/keyspace';
import { findRedisServer, startRedisServer } from '@replikit/test-utils';
import { connect } from 'node:net';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const QUICK = process.env.BENCH_QUICK === '1';
const MEM_KEYS = QUICK ? 200_000 : 1_000_000;
const BATCH_KEYS = Number(process.env.BENCH_BATCH_KEYS ?? 5000);

/** A string as the RESP decoder yields it: a flat latin1 string sliced from a Buffer. */
function wire(s: string): string {
  return Buffer.from(s, 'latin1').toString('latin1');
}

function fullGc(): void {
  for (let i = 0; i < 4; i++) gc();
}

// ---- executor throughput -------------------------------------------------------------------------

interface OpResult {
  name: string;
  opsPerSec: number;
  /** ops per second of process CPU time (user + system): robust against preemption on a shared machine */
  opsPerCpuSec: number;
}

function throughput(name: string, make: (i: number) => string[], setup?: (exec: (a: string[]) => void) => void, POOL = 100_000): OpResult {
  const ks = createKeyspace();
  const session = { db: 0 };
  const argvs: string[][] = [];
  for (let i = 0; i < POOL; i++) argvs.push(make(i).map(wire));
  setup?.((a) => ks.execute(a, session));
  const run = (n: number) => {
    for (let i = 0; i < n; i++) ks.execute(argvs[i % POOL], session);
  };
  run(300_000); // warm-up
  const N = QUICK ? 500_000 : 3_000_000;
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  run(N);
  const ns = Number(process.hrtime.bigint() - t0);
  const cpu = process.cpuUsage(c0);
  ks.close();
  return { name, opsPerSec: (N / ns) * 1e9, opsPerCpuSec: N / ((cpu.user + cpu.system) / 1e6) };
}

// ---- memory per key --------------------------------------------------------------------------------

function keyName(i: number): string {
  return `key:${i.toString().padStart(12, '0')}`;
}

function valueFor(i: number, size: number): string {
  const base = `value:${i}:`;
  return (base + 'x'.repeat(size)).slice(0, size);
}

function nodeBytesPerKey(size: number): number {
  fullGc();
  // the in-memory store keeps short string values in off-heap slabs (ArrayBuffers): count them too
  const heapAndBuffers = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const before = heapAndBuffers();
  const ks = createKeyspace();
  const session = { db: 0 };
  for (let i = 0; i < MEM_KEYS; i++) ks.execute(['SET', wire(keyName(i)), wire(valueFor(i, size))], session);
  fullGc();
  const after = heapAndBuffers();
  const per = (after - before) / MEM_KEYS;
  if (ks.size(0) !== MEM_KEYS) throw new Error('bad size');
  ks.close();
  return per;
}

async function redisBytesPerKey(port: number, size: number): Promise<number> {
  const sock = connect({ port, host: '127.0.0.1' });
  await new Promise((r) => sock.once('connect', r));
  let buf = '';
  let want = 0;
  let done: () => void = () => {};
  sock.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
    // count complete simple/bulk replies loosely: every reply ends with \r\n and we only send SET/FLUSHALL/INFO
    if (want && countLines(buf) >= want) done();
  });
  const call = async (cmds: string[][], expectLines: number) => {
    buf = '';
    want = expectLines;
    const p = new Promise<void>((r) => (done = r));
    let chunk = '';
    for (const argv of cmds) {
      chunk += `*${argv.length}\r\n${argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
      if (chunk.length > 1 << 20) {
        sock.write(Buffer.from(chunk, 'latin1'));
        chunk = '';
      }
    }
    if (chunk) sock.write(Buffer.from(chunk, 'latin1'));
    await p;
    return buf;
  };
  const usedMemory = async () => {
    buf = '';
    want = 0;
    const p = new Promise<void>((r) => {
      done = r;
      sock.on('data', function onData() {
        if (/used_memory:(\d+)\r\n/.test(buf) && buf.endsWith('\r\n') && buf.length >= Number(/^\$(\d+)/.exec(buf)?.[1] ?? 1e9)) {
          sock.off('data', onData);
          r();
        }
      });
    });
    sock.write('*2\r\n$4\r\nINFO\r\n$6\r\nmemory\r\n');
    await p;
    return Number(/used_memory:(\d+)/.exec(buf)![1]);
  };
  await call([['FLUSHALL']], 1);
  const before = await usedMemory();
  const BATCH = 50_000;
  for (let i = 0; i < MEM_KEYS; i += BATCH) {
    const cmds: string[][] = [];
    for (let j = i; j < Math.min(MEM_KEYS, i + BATCH); j++) cmds.push(['SET', keyName(j), valueFor(j, size)]);
    await call(cmds, cmds.length);
  }
  const after = await usedMemory();
  await call([['FLUSHALL']], 1);
  sock.destroy();
  return (after - before) / MEM_KEYS;
}

function countLines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\r\n'); i >= 0; i = s.indexOf('\r\n', i + 2)) n++;
  return n;
}

// ---- snapshot under load ----------------------------------------------------------------------------

async function snapshotUnderLoad(): Promise<{ keys: number; ms: number; rate: number; maxStallMs: number; p99Ms: number; writes: number; retainedPeak: number; maxBatchMs: number; maxBatchCpuMs: number; baselineStallMs: number; baselineP99Ms: number }> {
  const ks = createKeyspace();
  const session = { db: 0 };
  const n = MEM_KEYS;
  for (let i = 0; i < n; i++) ks.execute(['SET', wire(keyName(i)), wire(valueFor(i, 16))], session);
  fullGc();
  const h = monitorEventLoopDelay({ resolution: 1 });
  let maxGap = 0;
  let last = performance.now();
  let writes = 0;
  let stop = false;
  const load = () => {
    if (stop) return;
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    for (let i = 0; i < 500; i++) {
      const k = keyName(Math.floor(Math.random() * n));
      ks.execute(['SET', k, 'w'], session);
      writes++;
    }
    setImmediate(load);
  };
  // baseline: the same write load alone for 1.5 s (what the machine and GC do without a snapshot)
  h.enable();
  setImmediate(load);
  await new Promise((r) => setTimeout(r, 1500));
  const baselineStallMs = Math.max(maxGap, h.max / 1e6);
  const baselineP99Ms = h.percentile(99) / 1e6;
  h.reset();
  maxGap = 0;
  writes = 0;
  const snap = ks.snapshot();
  const t0 = performance.now();
  let keys = 0;
  let retainedPeak = 0;
  let maxBatchMs = 0;
  let maxBatchCpuMs = 0;
  while (!snap.done) {
    const b0 = performance.now();
    const c0 = process.cpuUsage();
    const batch = snap.nextBatch({ maxKeys: BATCH_KEYS, maxMs: 4 });
    const cpu = process.cpuUsage(c0);
    maxBatchCpuMs = Math.max(maxBatchCpuMs, (cpu.user + cpu.system) / 1000);
    maxBatchMs = Math.max(maxBatchMs, performance.now() - b0);
    keys += batch.length;
    retainedPeak = Math.max(retainedPeak, snap.retainedCount);
    await new Promise((r) => setImmediate(r));
  }
  const ms = performance.now() - t0;
  stop = true;
  h.disable();
  await new Promise((r) => setImmediate(r));
  ks.close();
  return { keys, ms, rate: (keys / ms) * 1000, maxStallMs: Math.max(maxGap, h.max / 1e6), p99Ms: h.percentile(99) / 1e6, writes, retainedPeak, maxBatchMs, maxBatchCpuMs, baselineStallMs, baselineP99Ms };
}

// ---- main --------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const lines: string[] = [];
  const log = (s = '') => {
    lines.push(s);
    console.log(s);
  };
  log('## @replikit/keyspace');
  log();
  log(`- machine: ${cpus()[0].model}, ${cpus().length} cores`);
  log(`- node ${process.version}, ${new Date().toISOString()}${QUICK ? ' (BENCH_QUICK: reduced sizes)' : ''}`);
  log(`- load average at start: ${loadavg().map((x) => x.toFixed(1)).join(' ')} (a shared machine: other jobs ran at the same time)`);
  log();

  const only = process.env.BENCH_ONLY; // 'ops' | 'memory' | 'snapshot'
  const ops: OpResult[] = [];
  if (!only || only === 'ops') {
  const val = 'v'.repeat(16);
  ops.push(throughput('SET k v', (i) => ['SET', `key:${i}`, val]));
  ops.push(throughput('SET k v (1k-key working set: executor cost without cache misses)', (i) => ['SET', `key:${i % 1000}`, val], undefined, 1000));
  ops.push(throughput('GET k', (i) => ['GET', `key:${i}`], (exec) => { for (let i = 0; i < 100_000; i++) exec(['SET', `key:${i}`, val]); }));
  ops.push(throughput('INCR k', (i) => ['INCR', `n:${i % 1000}`]));
  ops.push(throughput('SET k v EX 100', (i) => ['SET', `key:${i}`, val, 'EX', '100']));
  const probe = createKeyspace();
  const has = (c: string) => probe.commandTable.has(c);
  if (has('hset')) ops.push(throughput('HSET h f v', (i) => ['HSET', `h:${i % 1000}`, `f:${i % 100}`, val]));
  if (has('lpush')) ops.push(throughput('LPUSH l v', (i) => ['LPUSH', `l:${i % 1000}`, val], (exec) => { void exec; }));
  if (has('sadd')) ops.push(throughput('SADD s m', (i) => ['SADD', `s:${i % 1000}`, `m:${i % 100}`]));
  if (has('zadd')) ops.push(throughput('ZADD z s m', (i) => ['ZADD', `z:${i % 1000}`, String(i % 977), `m:${i % 100}`]));
  probe.close();
  log('### Executor throughput (one keyspace, argv from the wire, no I/O)');
  log();
  log('100k distinct keys per command unless noted (HSET/LPUSH/SADD/ZADD: 1000 keys), one session, 3M calls after a warm-up.');
  log();
  log('| command | ops/s (wall clock) | ops per CPU-second |');
  log('|---|---:|---:|');
  for (const o of ops) log(`| \`${o.name}\` | ${Math.round(o.opsPerSec).toLocaleString('en-US')} | ${Math.round(o.opsPerCpuSec).toLocaleString('en-US')} |`);
  const set = ops[0].opsPerSec;
  log();
  log(`SET vs the 1.5M ops/s target: ${(set / 1.5e6).toFixed(2)}x wall clock / ${(ops[0].opsPerCpuSec / 1.5e6).toFixed(2)}x per CPU-second with 100k keys; ${(ops[1].opsPerSec / 1.5e6).toFixed(2)}x / ${(ops[1].opsPerCpuSec / 1.5e6).toFixed(2)}x with a 1k-key working set.`);
  log();
  }
  if (!only || only === 'memory') {
  log(`### Memory per key (${MEM_KEYS.toLocaleString('en-US')} string keys \`key:<12 digits>\`)`);
  log();
  const redisOk = findRedisServer() !== null;
  const srv = redisOk ? await startRedisServer({ config: { save: '' } }) : null;
  log('| value size | keyspace bytes/key (heapUsed + arrayBuffers) | redis-server bytes/key (used_memory) | ratio |');
  log('|---:|---:|---:|---:|');
  for (const size of [100, 10]) {
    const node = nodeBytesPerKey(size);
    const redis = srv ? await redisBytesPerKey(srv.port, size) : Number.NaN;
    log(`| ${size} | ${node.toFixed(1)} | ${redis.toFixed(1)} | ${(node / redis).toFixed(2)}x |`);
  }
  await srv?.stop();
  log();
  }
  if (!only || only === 'snapshot') {
  const s = await snapshotUnderLoad();
  log(`### Snapshot of ${s.keys.toLocaleString('en-US')} keys under a write load`);
  log();
  log('| metric | value |');
  log('|---|---:|');
  log(`| iteration time | ${s.ms.toFixed(0)} ms |`);
  log(`| iteration rate | ${Math.round(s.rate).toLocaleString('en-US')} keys/s |`);
  log(`| concurrent SETs during the snapshot | ${s.writes.toLocaleString('en-US')} |`);
  log(`| peak old values retained (copy-on-write) | ${s.retainedPeak.toLocaleString('en-US')} |`);
  log(`| longest nextBatch() call, wall clock (budget maxMs: 4) | ${s.maxBatchMs.toFixed(2)} ms |`);
  log(`| longest nextBatch() call, process CPU time (excludes OS preemption, includes GC threads) | ${s.maxBatchCpuMs.toFixed(2)} ms |`);
  log(`| longest event-loop stall (monitorEventLoopDelay / setImmediate gaps; includes GC and OS preemption) | ${s.maxStallMs.toFixed(2)} ms |`);
  log(`| event-loop delay p99 | ${s.p99Ms.toFixed(2)} ms |`);
  log(`| baseline: same write load without a snapshot, longest stall / p99 | ${s.baselineStallMs.toFixed(2)} ms / ${s.baselineP99Ms.toFixed(2)} ms |`);
  log();
  }
  const out = join(dirname(new URL(import.meta.url).pathname), '..', 'results', 'keyspace.md');
  mkdirSync(dirname(out), { recursive: true });
  if (!QUICK && !only) writeFileSync(out, `${lines.join('\n')}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
