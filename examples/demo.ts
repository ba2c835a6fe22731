/**
 * The replikit demo: Redis 7.0 replication between three replikit-server processes.
 *
 *  1. A master starts on a free loopback port and a client loads 300k keys into it over RESP.
 *  2. Two replicas start with `--replicaof` and full-sync from it: a live progress bar per replica,
 *     drawn from INFO replication (`master_sync_read_bytes` / `master_sync_total_bytes`).
 *  3. Writes on the master reach both replicas; a replica refuses a client write with -READONLY.
 *  4. One replica's link is cut (`CLIENT KILL TYPE master`) while the master keeps writing; the
 *     replica reconnects and resumes with a partial resync, shown from INFO (`sync_partial_ok`,
 *     equal `master_repl_offset` everywhere, `sync_full` unchanged).
 *  5. The master is killed (SIGKILL); replica-a is promoted with `REPLICAOF NO ONE` (its old
 *     replication id becomes replid2) and replica-b is re-pointed to it: b continues by a PARTIAL
 *     resync (`+CONTINUE <new id>`: a's `sync_partial_ok` 1, `sync_full` 0) with every key intact.
 *
 * Every server is a separate process of the built CLI, stopped by pid at the end, on error and on
 * Ctrl-C. Run with `pnpm demo` (after `pnpm install && pnpm build`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Redis from 'ioredis';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'server', 'bin', 'replikit-server.cjs');
const KEYS = 300_000;
/** 100-byte values cut from random bytes: LZF cannot shrink them, so the snapshot is as big as the data */
const POOL = randomBytes(1 << 20).toString('base64');
const value = (i: number) => POOL.slice((i * 101) % (POOL.length - 100), ((i * 101) % (POOL.length - 100)) + 100);

const started = Date.now();
const say = (text: string) => console.log(`  ${text}`);
const step = (title: string) => {
  const t = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
  console.log(`\n[${t}s] ── ${title} ${'─'.repeat(Math.max(0, 64 - title.length))}`);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- processes ------------------------------------------------------------------------------

interface Server {
  readonly name: string;
  readonly port: number;
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  /** the last lines the server logged (printed when something goes wrong) */
  readonly log: string[];
  client: Redis;
}

const servers: Server[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });
}

async function startServer(name: string, dir: string, extra: string[]): Promise<Server> {
  const port = await freePort();
  mkdirSync(dir, { recursive: true });
  const args = [CLI, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--loglevel', 'notice', ...extra];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  const keep = (d: Buffer) => {
    for (const l of d.toString('utf8').split('\n')) if (l !== '') log.push(l);
    if (log.length > 40) log.splice(0, log.length - 40);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // refused connects while the server starts are expected; commands report any later failure
  client.on('error', () => {});
  const server: Server = { name, port, child, exited, log, client };
  servers.push(server);
  // ready once it answers PING (node startup takes a moment)
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited at start:\n${log.join('\n')}`);
    try {
      await client.connect();
      await client.ping();
      return server;
    } catch {
      client.disconnect();
      if (i > 200) throw new Error(`${name} did not accept connections:\n${log.join('\n')}`);
      await sleep(50);
    }
  }
}

/** SIGTERM by pid, then SIGKILL after 5 s; resolves when every child has exited. */
async function stopAll(): Promise<void> {
  for (const s of servers) s.client.disconnect();
  await Promise.all(
    servers.map(async (s) => {
      if (s.child.exitCode !== null || s.child.signalCode !== null || s.child.pid === undefined) return;
      const pid = s.child.pid;
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        return;
      }
      const t = setTimeout(() => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 5000);
      await s.exited;
      clearTimeout(t);
    }),
  );
}

// the last resort: a child never outlives this process, whatever ends it
process.on('exit', () => {
  for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null && s.child.pid) s.child.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    console.log(`\n${sig}: stopping the servers`);
    void stopAll().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  });
}

// ---- INFO -----------------------------------------------------------------------------------

async function info(s: Server, section: string): Promise<Record<string, string>> {
  const text = await s.client.info(section);
  const out: Record<string, string> = {};
  for (const l of text.split('\r\n')) {
    const i = l.indexOf(':');
    if (i > 0) out[l.slice(0, i)] = l.slice(i + 1);
  }
  return out;
}

function bar(fraction: number, width = 30): string {
  const full = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}

/** One status line per replica from INFO replication, redrawn in place on a terminal. */
async function followFullSync(master: Server, replicas: Server[]): Promise<void> {
  const tty = process.stdout.isTTY === true;
  const printedSteps = new Map<string, number>();
  let drawn = 0;
  const deadline = Date.now() + 40_000;
  for (;;) {
    const lines: string[] = [];
    let done = 0;
    for (const r of replicas) {
      const i = await info(r, 'replication');
      let text: string;
      let stepKey: number;
      if (i.master_link_status === 'up') {
        text = `${bar(1)} 100.0% link up, slave_repl_offset=${i.slave_repl_offset}`;
        stepKey = 11;
        done++;
      } else if (i.master_sync_in_progress === '1' && Number(i.master_sync_total_bytes) > 0) {
        const total = Number(i.master_sync_total_bytes);
        const read = Number(i.master_sync_read_bytes);
        text = `${bar(read / total)} ${((read * 100) / total).toFixed(1).padStart(5)}% ${(read / 1048576).toFixed(1)} of ${(total / 1048576).toFixed(1)} MiB`;
        stepKey = Math.floor((read * 10) / total);
      } else {
        text = `${bar(0)}   0.0% ${i.master_sync_in_progress === '1' ? 'the master is writing its snapshot' : 'connecting'}`;
        stepKey = -1;
      }
      const line = `${r.name.padEnd(9)} ${text}`;
      // without a terminal, print a line each time a replica passes another 10%
      if (!tty && printedSteps.get(r.name) !== stepKey) {
        printedSteps.set(r.name, stepKey);
        console.log(`  ${line}`);
      }
      lines.push(line);
    }
    if (tty) {
      if (drawn > 0) process.stdout.write(`\x1b[${drawn}A`);
      for (const l of lines) process.stdout.write(`\x1b[2K  ${l}\n`);
      drawn = lines.length;
    }
    if (done === replicas.length) return;
    if (Date.now() > deadline) throw new Error(`the full sync did not finish:\n${replicas.map((r) => r.log.join('\n')).join('\n')}\n${master.log.join('\n')}`);
    await sleep(80);
  }
}

/** Waits until every replica has applied the master's whole stream. */
async function caughtUp(master: Server, replicas: Server[], timeoutMs = 15_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const target = Number((await info(master, 'replication')).master_repl_offset);
    const offsets = await Promise.all(replicas.map(async (r) => (await info(r, 'replication')).master_repl_offset));
    if (offsets.every((o) => Number(o) === target)) return target;
    if (Date.now() > deadline) throw new Error(`replicas at ${offsets.join(', ')}, master at ${target}`);
    await sleep(50);
  }
}

/** Lines `s` logged since `since` (an earlier copy of its log) that match `pattern`, without the prefix. */
function logLines(s: Server, since: readonly string[], pattern: RegExp): string[] {
  const old = new Set(since);
  return s.log.filter((l) => !old.has(l) && pattern.test(l)).map((l) => l.replace(/^\d+:[A-Z] \d+ \w+ \d+ [\d:.]+ [*#.-] /, ''));
}

/** The last act: the master dies, replica-a takes over, replica-b follows it by partial resync. */
async function promotion(master: Server, a: Server, b: Server): Promise<void> {
  step('the master dies; replica-a is promoted, replica-b follows it');
  const keysBefore = await a.client.dbsize();
  const sample = ['key:0', 'key:149999', `key:${KEYS - 1}`, 'during-cut:1999', 'greeting', 'hits'];
  const valuesBefore = await a.client.mget(...sample);
  master.client.disconnect();
  process.kill(master.child.pid as number, 'SIGKILL');
  await master.exited;
  say(`master pid ${master.child.pid} killed with SIGKILL`);
  const old = await info(a, 'replication');
  await a.client.call('REPLICAOF', 'NO', 'ONE');
  const now = await info(a, 'replication');
  say(`REPLICAOF NO ONE on replica-a: role=${now.role}, master_replid ${now.master_replid.slice(0, 8)}… (new)`);
  say(`  master_replid2=${now.master_replid2.slice(0, 8)}… (the old master's id ${old.master_replid.slice(0, 8)}…), second_repl_offset=${now.second_repl_offset}`);
  await a.client.set('after-promotion', 'written on the new master');
  const aStats = await info(a, 'stats');
  const [aLog, bLog] = [[...a.log], [...b.log]];
  await b.client.call('REPLICAOF', '127.0.0.1', String(a.port));
  say(`REPLICAOF 127.0.0.1 ${a.port} on replica-b (it PSYNCs with the old id and its offset + 1)`);
  await caughtUp(a, [b]);
  const after = await info(a, 'stats');
  const bRepl = await info(b, 'replication');
  for (const l of logLines(a, aLog, /Partial resynchronization request/)) say(`replica-a log: ${l}`);
  for (const l of logLines(b, bLog, /Partial Resynchronization|Full resync/)) say(`replica-b log: ${l}`);
  say(`replica-b: master_replid ${bRepl.master_replid.slice(0, 8)}… (a's new id, from +CONTINUE ${now.master_replid.slice(0, 8)}…), offset ${bRepl.master_repl_offset}`);
  say(`replica-a INFO stats: sync_partial_ok ${aStats.sync_partial_ok} -> ${after.sync_partial_ok}, sync_full ${aStats.sync_full} -> ${after.sync_full}`);
  const partial = Number(after.sync_partial_ok) === Number(aStats.sync_partial_ok) + 1 && after.sync_full === aStats.sync_full && bRepl.master_replid === now.master_replid;
  say(partial ? 'followed by a PARTIAL resync: no snapshot was sent' : 'NOT a partial resync');
  const sizes = [await a.client.dbsize(), await b.client.dbsize()];
  const valuesB = await b.client.mget(...sample);
  const intact = sizes[0] === keysBefore + 1 && sizes[1] === sizes[0] && JSON.stringify(valuesB) === JSON.stringify(valuesBefore);
  say(`DBSIZE a/b: ${sizes.join(' / ')} (${keysBefore} before + after-promotion); ${sample.length} sampled keys ${intact ? 'equal' : 'DIFFER'} on b; b GET after-promotion -> ${await b.client.get('after-promotion')}`);
  if (!partial || !intact) throw new Error('the promotion act did not end with a partial resync and equal data');
}

// ---- the demo -------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (!existsSync(CLI.replace(/bin[/\\]replikit-server\.cjs$/, 'dist/cli.js'))) throw new Error('build first: pnpm build');
  const dir = mkdtempSync(join(tmpdir(), 'replikit-demo-'));
  try {
    step('a master');
    // disk-based sync: the payload goes out as `$<length>`, so a replica knows how far along it is
    const master = await startServer('master', join(dir, 'master'), ['--repl-diskless-sync', 'no']);
    say(`replikit-server pid ${master.child.pid} on 127.0.0.1:${master.port} (--repl-diskless-sync no)`);

    step(`${KEYS.toLocaleString('en')} keys written through a RESP client (ioredis)`);
    const t0 = Date.now();
    for (let base = 0; base < KEYS; base += 10_000) {
      const pipe = master.client.pipeline();
      for (let k = base; k < base + 10_000; k += 500) {
        const args: string[] = [];
        for (let j = k; j < k + 500; j++) args.push(`key:${j}`, value(j));
        pipe.mset(...args);
      }
      await pipe.exec();
    }
    await master.client.hset('user:1', 'name', 'Ada', 'lang', 'TypeScript');
    await master.client.rpush('queue', 'a', 'b', 'c');
    await master.client.set('session', 'abc', 'EX', 3600);
    const mem = await info(master, 'memory');
    say(`DBSIZE ${await master.client.dbsize()} in ${Date.now() - t0} ms, used_memory_human ${mem.used_memory_human}`);

    step('two replicas full-sync from it');
    const replicaArgs = ['--replicaof', '127.0.0.1', String(master.port), '--repl-diskless-load', 'on-empty-db'];
    const [a, b] = await Promise.all([startServer('replica-a', join(dir, 'a'), replicaArgs), startServer('replica-b', join(dir, 'b'), replicaArgs)]);
    say(`replica-a pid ${a.child.pid} on :${a.port}, replica-b pid ${b.child.pid} on :${b.port}, both --replicaof 127.0.0.1 ${master.port}`);
    say('(--repl-diskless-load on-empty-db: each loads the snapshot as it streams in)');
    // the master keeps taking writes during the sync; they follow the snapshot in the stream
    let counter = 0;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        await master.client.incr('writes-during-sync');
        counter++;
        await sleep(5);
      }
    })();
    const t1 = Date.now();
    await followFullSync(master, [a, b]);
    writing = false;
    await writer;
    const offset = await caughtUp(master, [a, b]);
    say(`synced in ${Date.now() - t1} ms; ${counter} INCRs ran on the master meanwhile`);
    for (const s of [master, a, b]) {
      say(`${s.name.padEnd(9)} DBSIZE ${await s.client.dbsize()}  writes-during-sync=${await s.client.get('writes-during-sync')}  master_repl_offset=${(await info(s, 'replication')).master_repl_offset}`);
    }
    say(`master INFO stats: sync_full=${(await info(master, 'stats')).sync_full} (all at offset ${offset})`);

    step('writes on the master reach both replicas');
    await master.client.set('greeting', 'hello', 'PX', 60_000);
    await master.client.multi().incr('hits').sadd('tags', 'fast', 'typed').exec();
    const acked = await master.client.wait(2, 5000);
    say(`SET greeting hello PX 60000; MULTI INCR hits SADD tags EXEC; WAIT 2 5000 -> ${acked} replicas acknowledged`);
    await caughtUp(master, [a, b]);
    for (const r of [a, b]) {
      say(`${r.name}: GET greeting -> ${await r.client.get('greeting')}, PTTL ${await r.client.pttl('greeting')} ms, hits ${await r.client.get('hits')}, SMEMBERS tags ${(await r.client.smembers('tags')).sort().join(',')}`);
    }
    const refused = await a.client.set('x', '1').then(
      () => 'OK (unexpected)',
      (e: Error) => `(error) ${e.message}`,
    );
    say(`a client's SET on replica-a -> ${refused}`);

    step("replica-b's link is cut, the master keeps writing");
    const before = await info(master, 'stats');
    const killed = await b.client.call('CLIENT', 'KILL', 'TYPE', 'master');
    say(`CLIENT KILL TYPE master on replica-b -> ${killed}`);
    const pipe = master.client.pipeline();
    for (let i = 0; i < 2000; i++) pipe.set(`during-cut:${i}`, `${i}`);
    await pipe.exec();
    say('2000 SETs written on the master right after the cut');
    const target = await caughtUp(master, [a, b]);
    const after = await info(master, 'stats');
    const bRepl = await info(b, 'replication');
    say(`replica-b: master_link_status=${bRepl.master_link_status}, master_repl_offset=${bRepl.master_repl_offset} (master ${target})`);
    say(`master INFO stats: sync_partial_ok ${before.sync_partial_ok} -> ${after.sync_partial_ok}, sync_full ${before.sync_full} -> ${after.sync_full}`);
    const partial = Number(after.sync_partial_ok) === Number(before.sync_partial_ok) + 1 && after.sync_full === before.sync_full;
    say(partial ? 'resumed by a PARTIAL resync: only the missed bytes came from the backlog' : 'NOT a partial resync');
    const sizes = await Promise.all([master, a, b].map((s) => s.client.dbsize()));
    say(`DBSIZE master/a/b: ${sizes.join(' / ')}; replica-b GET during-cut:1999 -> ${await b.client.get('during-cut:1999')}`);
    if (!partial || new Set(sizes).size !== 1) throw new Error('the replicas did not end equal to the master');

    await promotion(master, a, b);

    step('stopping');
  } finally {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
  say(`${servers.length} processes stopped (pids ${servers.map((s) => s.child.pid).join(', ')}); done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((e: unknown) => {
  console.error(e);
  for (const s of servers) if (s.log.length > 0) console.error(`--- ${s.name} log ---\n${s.log.join('\n')}`);
  process.exitCode = 1;
});
