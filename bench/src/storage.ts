/**
 * Durable storage benchmark (issue 10 §5): replikit-server on LMDB next to redis-server with
 * `appendonly yes` / `appendfsync everysec` (and replikit's in-memory store), in one run:
 *
 *   pnpm exec tsx bench/src/storage.ts [--requests 200000] [--keys 1000000] [--size 100] [--no-write]
 *                                      [--cases set,sync,restart] [--set-kinds redis-aof,replikit-lmdb,replikit-mem]
 *                                      [--pipelines 1,16] [--warmup 300000] [--reps 2]
 *
 * 1. SET throughput: `redis-benchmark -t set -c 50 -r 1000000 -d <size>` at -P 1 and -P 16 against
 *    each server (target: LMDB >= 0.5x redis-server AOF everysec, judged on the warm pass). Each
 *    rep starts every kind fresh, all at once, and takes them in turn through the steps of
 *    _warm.ts: a cold pass of `--requests` SETs (a quarter of them at -P 1), a warm-up of
 *    `--warmup` SETs at -P 16, FLUSHALL, the warm pass. Quick mode, under 2 minutes:
 *    `--cases set --pipelines 16 --set-kinds redis-aof,replikit-lmdb --no-write`.
 * 2. Full sync of `--keys` keys (loaded into a redis-server master by `redis-cli --pipe`) into a
 *    replikit-server replica on LMDB and into a redis-server replica: REPLICAOF to
 *    `master_link_status:up` with every key there.
 * 3. Restart to serving with `--keys` keys: the LMDB replikit-server (its files), redis-server from
 *    its AOF and from its RDB; from spawn to PING answering, every key checked with DBSIZE (target:
 *    LMDB <= Redis), with the server's CPU by then; `--reps` restarts of each from the same files.
 *    Quick mode (about 1.5 min): `--cases restart --reps 1 --no-write`. `--baseline-cli <path to
 *    another build's packages/server/bin/replikit-server.cjs>` restarts that build from the same
 *    LMDB files too, in turn with the others; every rep also starts each server empty.
 * replikit-server runs from the build (`pnpm build` first). Writes bench/results/storage.md.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findRedisServer, getFreePort } from '@replikit/test-utils';
import { command } from './_servers';
import { type ColdWarm, coldThenWarm, cpuCell, describeWarm, loadRange, opsCell, type Pass, ratio, summarize, warmupArg, warmupPipeline } from './_warm';

const args = process.argv.slice(2);
const num = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const REQUESTS = num('requests', 200_000);
const KEYS = num('keys', 1_000_000);
const SIZE = num('size', 100);
const WRITE = !args.includes('--no-write');
const CASES = (() => {
  const i = args.indexOf('--cases');
  return new Set(i >= 0 ? (args[i + 1] as string).split(',') : ['set', 'sync', 'restart']);
})();
/** `--set-kinds redis-aof,replikit-lmdb`: the servers of the SET case (all three by default) */
const SET_KINDS = (() => {
  const i = args.indexOf('--set-kinds');
  return (i >= 0 ? (args[i + 1] as string).split(',') : ['redis-aof', 'replikit-lmdb', 'replikit-mem']) as Kind[];
})();
const AFTER_LINK_MS = 15000;
const BUILT_CLI = path.join(__dirname, '..', '..', 'packages', 'server', 'bin', 'replikit-server.cjs');

type Kind = 'redis-aof' | 'redis-rdb' | 'redis-mem' | 'replikit-lmdb' | 'replikit-mem';

interface Running {
  kind: Kind;
  port: number;
  child: ChildProcess;
  dir: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cli(port: number, ...cmd: string[]): string {
  const r = spawnSync('redis-cli', ['-p', String(port), ...cmd], { encoding: 'utf8' });
  return (r.stdout ?? '').trim();
}

function directives(kind: Kind, port: number, dir: string): string[] {
  const common = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--loglevel', 'warning'];
  if (kind === 'redis-aof') return [...common, '--appendonly', 'yes', '--appendfsync', 'everysec', '--daemonize', 'no'];
  if (kind === 'redis-rdb' || kind === 'redis-mem') return [...common, '--appendonly', 'no', '--daemonize', 'no'];
  if (kind === 'replikit-lmdb') return [...common, '--storage', 'lmdb', '--storage-fsync', 'everysec'];
  return [...common, '--appendonly', 'no'];
}

/** Spawns `kind` in `dir` (a fresh one by default); resolves once it answers PING. */
async function start(kind: Kind, dir?: string, serverCli = BUILT_CLI): Promise<Running & { startMs: number }> {
  const p = await getFreePort();
  const d = dir ?? mkdtempSync(path.join(os.tmpdir(), `storage-bench-${kind}-`));
  const t0 = performance.now();
  const argv = directives(kind, p, d);
  const child = kind.startsWith('redis')
    ? spawn(findRedisServer() as string, argv, { cwd: d, stdio: 'ignore' })
    : spawn(process.execPath, [serverCli, ...argv], { cwd: d, stdio: ['ignore', 'ignore', 'inherit'] });
  // a PING over a socket every 5 ms: a redis-cli process per poll would take a share of a core
  // from the server being timed (replikit's open uses the second core for a worker thread)
  for (let i = 0; i < 24000; i++) {
    if (await command(p, 'PING').then((r) => String(r) === 'PONG', () => false)) return { kind, port: p, child, dir: d, startMs: performance.now() - t0 };
    await sleep(5);
  }
  child.kill('SIGKILL');
  throw new Error(`${kind} did not start`);
}

async function stop(r: Running, signal: NodeJS.Signals = 'SIGKILL', keepDir = false): Promise<void> {
  if (r.child.exitCode === null && r.child.signalCode === null) {
    const gone = new Promise<void>((res) => r.child.once('exit', () => res()));
    r.child.kill(signal);
    await gone;
  }
  if (!keepDir) rmSync(r.dir, { recursive: true, force: true });
}

/** Requests per second of redis-benchmark SET (`requests` of them) against `r`. */
function setRps(r: Running, pipeline: number, requests: number): number {
  const b = spawnSync('redis-benchmark', ['-p', String(r.port), '-t', 'set', '-c', '50', '-n', String(requests), '-P', String(pipeline), '-r', '1000000', '-d', String(SIZE), '--csv'], {
    encoding: 'utf8',
    timeout: 1_800_000,
  });
  const m = /^"SET","([\d.]+)"/m.exec(b.stdout);
  if (!m) throw new Error(`redis-benchmark SET against ${r.kind} failed: ${b.stderr}`);
  return Number(m[1]);
}

/** `SET key:<n> <value>` for n < keys through `redis-cli --pipe`. */
async function loadKeys(port: number, keys: number): Promise<void> {
  const child = spawn('redis-cli', ['-p', String(port), '--pipe'], { stdio: ['pipe', 'ignore', 'inherit'] });
  const done = new Promise<number>((res) => child.once('exit', (c) => res(c ?? 1)));
  const value = 'v'.repeat(SIZE);
  let batch = '';
  for (let n = 0; n < keys; n++) {
    const key = `key:${n}`;
    batch += `*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${SIZE}\r\n${value}\r\n`;
    if (batch.length > 1 << 20) {
      if (!child.stdin.write(batch, 'latin1')) await new Promise((r) => child.stdin.once('drain', r));
      batch = '';
    }
  }
  child.stdin.end(batch, 'latin1');
  if ((await done) !== 0) throw new Error('redis-cli --pipe failed');
}

async function waitKeys(port: number, keys: number, field?: string): Promise<void> {
  for (;;) {
    const ok = field === undefined || cli(port, 'info', 'replication').includes(field);
    if (ok && Number(cli(port, 'dbsize')) >= keys) return;
    await sleep(20);
  }
}

async function run(): Promise<void> {
  const lines: string[] = [];
  const cpu = os.cpus();
  lines.push('## Durable storage: replikit-server on LMDB vs redis-server AOF (issue 10 §5)');
  lines.push('');
  lines.push(`- machine: ${cpu[0]?.model ?? 'unknown'}, ${cpu.length} cores; date: ${new Date().toISOString()}; node ${process.version}`);
  lines.push(`- values of ${SIZE} B; ${KEYS} keys for the sync and restart cases; replikit-server from the build`);

  if (CASES.has('set')) await setCase(lines);
  if (CASES.has('sync')) await syncCase(lines);
  if (CASES.has('restart')) await restartCase(lines);
  lines.push('');
  lines.push(`- load average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const text = lines.join('\n');
  console.log(text);
  if (WRITE) writeFileSync(path.join(__dirname, '..', 'results', 'storage.md'), `${text}\n`);
}

const SET_LABELS: Record<string, string> = { 'redis-aof': 'redis-server AOF everysec', 'replikit-lmdb': 'replikit LMDB everysec', 'replikit-mem': 'replikit in-memory' };

/** 1. SET throughput: every kind fresh per rep, cold pass, warm-up, FLUSHALL, warm pass */
async function setCase(lines: string[]): Promise<void> {
  const kinds = SET_KINDS;
  const pipelines = (opt('pipelines') ?? '1,16').split(',').map(Number);
  const reps = num('reps', 2);
  const warmup = warmupArg();
  const requestsFor = (p: number): number => (p === 1 ? Math.ceil(REQUESTS / 4) : REQUESTS);
  const passes: Pass[] = [];
  lines.push('');
  lines.push(`### SET throughput (\`redis-benchmark -t set -c 50 -n <requests> -r 1000000 -d ${SIZE}\`, ${reps} reps, servers in turn)`);
  lines.push('');
  lines.push(...describeWarm(warmup, pipelines.map((p) => `${requestsFor(p)} at -P ${p}`).join(', ')));
  lines.push('');
  lines.push(`| pipeline | pass | ${kinds.map((k) => `${SET_LABELS[k] ?? k} ops/s`).join(' | ')} | LMDB / redis AOF | ${kinds.map((k) => `${SET_LABELS[k] ?? k} CPU µs/req`).join(' | ')} |`);
  lines.push(`|---:|---|${kinds.map(() => '---:').join('|')}|---:|${kinds.map(() => '---:').join('|')}|`);
  for (const p of pipelines) {
    const runs: ColdWarm[][] = [];
    for (let rep = 0; rep < reps; rep++) {
      const servers: Running[] = [];
      try {
        for (const kind of kinds) servers.push(await start(kind));
        const r = await coldThenWarm(servers, {
          requests: requestsFor(p),
          warmup,
          pids: (s) => [s.child.pid as number],
          reset: (s) => void cli(s.port, 'flushall'),
          load: (s, n, warming) => setRps(s, warming ? warmupPipeline(p) : p, n),
        });
        runs.push(r);
        for (const x of r) {
          passes.push(x.cold, ...(x.warm ? [x.warm] : []));
          console.error(`${kinds[r.indexOf(x)]} -P ${p}: cold ${x.cold.ops.toFixed(0)} req/s ${x.cold.cpuUsPerOp.toFixed(1)} µs/req${x.warm ? `, warm ${x.warm.ops.toFixed(0)} req/s ${x.warm.cpuUsPerOp.toFixed(1)} µs/req` : ''}, load ${os.loadavg()[0]?.toFixed(1)}`);
        }
      } finally {
        for (const s of servers) await stop(s);
      }
    }
    for (const pass of warmup > 0 ? (['cold', 'warm'] as const) : (['cold'] as const)) {
      const sums = kinds.map((_, i) => summarize(runs.map((r) => (pass === 'cold' ? (r[i] as ColdWarm).cold : ((r[i] as ColdWarm).warm as Pass)))));
      const aof = sums[kinds.indexOf('redis-aof')];
      const lmdb = sums[kinds.indexOf('replikit-lmdb')];
      lines.push(`| ${p} | ${pass === 'warm' ? '**warm**' : 'cold'} | ${sums.map(opsCell).join(' | ')} | ${aof && lmdb ? ratio(lmdb.ops, aof.ops) : '-'} | ${sums.map(cpuCell).join(' | ')} |`);
    }
  }
  lines.push('');
  lines.push(`Load average over the passes ${loadRange(passes)}.`);
  console.error(lines.slice(-(pipelines.length * 2 + 4)).join('\n'));
}

/**
 * A separate process (the bench's own spawnSync calls would stall an in-process timer) that sends
 * PING to `port` one at a time, 1 ms apart, until its stdin closes, then prints every round trip
 * over 5 ms as [sent, ms] (sent: ms since the pinger started): a replica that answers nothing for
 * a while (its event loop blocked) shows as one long round trip.
 */
const PINGER = `
const net = require('node:net');
const s = net.connect(Number(process.argv[1]), '127.0.0.1');
const t0 = performance.now();
let sent = 0, n = 0, buf = '', stop = false;
const slow = [];
const ping = () => { if (stop) return; sent = performance.now(); s.write('PING\\r\\n'); };
s.on('connect', ping);
s.on('data', (d) => {
  buf += d.toString('latin1');
  let i;
  while ((i = buf.indexOf('\\r\\n')) >= 0) {
    buf = buf.slice(i + 2);
    const rtt = performance.now() - sent;
    n++;
    if (rtt > 5) slow.push([sent - t0, rtt]);
    setTimeout(ping, 1);
  }
});
process.stdin.on('end', () => { stop = true; process.stdout.write(JSON.stringify({ slow, n })); s.destroy(); });
process.stdin.resume();
`;

function startPinger(port: number): { t0: number; done: () => Promise<{ slow: Array<[number, number]>; n: number }> } {
  const child = spawn(process.execPath, ['-e', PINGER, String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    t0: performance.now(),
    done: async () => {
      child.stdin.end();
      await exited;
      return JSON.parse(out);
    },
  };
}

/** 2. full sync into an LMDB replica vs a redis-server replica */
async function syncCase(lines: string[]): Promise<void> {
  const master = await start('redis-mem');
  const sync: Array<[string, number, string]> = [];
  try {
    await loadKeys(master.port, KEYS);
    for (const kind of ['replikit-lmdb', 'redis-mem'] as Kind[]) {
      const rep = await start(kind);
      try {
        const pinger = startPinger(rep.port);
        await sleep(200);
        const t0 = performance.now();
        cli(rep.port, 'replicaof', '127.0.0.1', String(master.port));
        await waitKeys(rep.port, KEYS, 'master_link_status:up');
        const ms = performance.now() - t0;
        // what the replica writes once the link is up (a durable store's commit of the load) counts too
        await sleep(AFTER_LINK_MS);
        const p = await pinger.done();
        const up = ms + (t0 - pinger.t0);
        const longest = (from: number, to: number) => {
          const [sent, rtt] = p.slow.filter(([at]) => at >= from && at < to).reduce((m, e) => (e[1] > m[1] ? e : m), [0, 0]);
          return `${rtt.toFixed(0)} ms${rtt > 0 ? ` (at ${((sent - (t0 - pinger.t0)) / 1000).toFixed(2)} s)` : ''}`;
        };
        sync.push([kind, ms, `${longest(0, up)} | ${longest(up, Number.POSITIVE_INFINITY)} | ${p.n}`]);
      } finally {
        await stop(rep);
      }
    }
  } finally {
    await stop(master);
  }
  lines.push('');
  lines.push(`### Full sync of ${KEYS} keys from a redis-server master (REPLICAOF to link up with every key)`);
  lines.push('');
  lines.push('');
  lines.push(`Longest PING round trip (one PING at a time, 1 ms apart, from a separate process; times from REPLICAOF): while loading, and from link up to ${AFTER_LINK_MS / 1000} s after it (a durable store's commit of the load).`);
  lines.push('');
  lines.push('| replica | seconds | longest PING, load | longest PING, after link up | PINGs |');
  lines.push('|---|---:|---:|---:|---:|');
  for (const [k, ms, gap] of sync) lines.push(`| ${k === 'redis-mem' ? 'redis-server (in memory)' : 'replikit-server on LMDB'} | ${(ms / 1000).toFixed(2)} | ${gap} |`);
  console.error(lines.slice(-3).join('\n'));
}

/** utime + stime of `pid` so far, ms (from /proc; -1 where there is no /proc); `thread`: of its main thread only */
function cpuMs(pid: number | undefined, thread = false): number {
  try {
    const f = readFileSync(thread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / 100;
  } catch {
    return -1;
  }
}

/**
 * 3. restart to serving: each kind's files are written once (`--keys` keys, SIGTERM), then every
 * rep restarts each kind in turn from a copy of them (the same files every time; a restart may
 * rewrite or trim its own copy). Per restart: spawn to PING answered, and the server's CPU by then
 * (utime + stime: what moves least with the machine's load), and that of its main thread alone (what the
 * time to serving follows on a machine with a core to spare: replikit's open has a worker thread fault
 * memory in). `--reps` (default 3; 1 is the quick mode).
 * Also, in turn with those: an empty start of each server (no files), and with `--baseline-cli
 * <replikit-server.cjs of another build>` that build restarted from the same LMDB files.
 */
async function restartCase(lines: string[]): Promise<void> {
  const reps = num('reps', 3);
  const baseline = opt('baseline-cli');
  const kinds: Kind[] = ['replikit-lmdb', 'redis-aof', 'redis-rdb'];
  const files = new Map<Kind, string>();
  for (const kind of kinds) {
    const first = await start(kind);
    await loadKeys(first.port, KEYS);
    if (kind === 'redis-rdb') cli(first.port, 'save');
    // an automatic AOF rewrite (auto-aof-rewrite-min-size 64mb) may be running: let it finish
    if (kind === 'redis-aof') for (let i = 0; i < 600 && !cli(first.port, 'info', 'persistence').includes('aof_rewrite_in_progress:0'); i++) await sleep(100);
    // SIGTERM: redis-server fsyncs its AOF; replikit commits and closes the LMDB environment
    await stop(first, 'SIGTERM', true);
    files.set(kind, first.dir);
  }
  await sleep(500);
  interface Restart {
    label: string;
    kind: Kind;
    keys: number;
    files?: string;
    cli?: string;
  }
  const restarts: Restart[] = [
    { label: 'replikit-lmdb', kind: 'replikit-lmdb', keys: KEYS, files: files.get('replikit-lmdb') },
    ...(baseline === undefined ? [] : [{ label: 'replikit-lmdb, baseline build', kind: 'replikit-lmdb' as Kind, keys: KEYS, files: files.get('replikit-lmdb'), cli: baseline }]),
    { label: 'redis-aof', kind: 'redis-aof', keys: KEYS, files: files.get('redis-aof') },
    { label: 'redis-rdb', kind: 'redis-rdb', keys: KEYS, files: files.get('redis-rdb') },
    { label: 'replikit-lmdb, empty', kind: 'replikit-lmdb', keys: 0 },
    ...(baseline === undefined ? [] : [{ label: 'replikit-lmdb, empty, baseline build', kind: 'replikit-lmdb' as Kind, keys: 0, cli: baseline }]),
    { label: 'redis-rdb, empty', kind: 'redis-rdb', keys: 0 },
  ];
  const runs = new Map<string, Array<[number, number, number]>>(restarts.map((r) => [r.label, []]));
  const loads: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    for (const r of restarts) {
      const dir = mkdtempSync(path.join(os.tmpdir(), `storage-bench-${r.kind}-`));
      if (r.files !== undefined) cpSync(r.files, dir, { recursive: true });
      loads.push(os.loadavg()[0]);
      const again = await start(r.kind, dir, r.cli);
      const cpu = cpuMs(again.child.pid);
      const main = cpuMs(again.child.pid, true);
      await waitKeys(again.port, r.keys);
      runs.get(r.label)?.push([again.startMs, cpu, main]);
      await stop(again);
    }
  }
  for (const d of files.values()) rmSync(d, { recursive: true, force: true });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] as number;
  lines.push('');
  lines.push(`### Restart to serving with ${KEYS} keys (spawn to PING answered, every key checked with DBSIZE right after; ${reps} reps, kinds in turn)`);
  lines.push('');
  lines.push(`- load average during the restarts: ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`);
  if (baseline !== undefined) lines.push(`- baseline build: ${baseline}`);
  lines.push('');
  lines.push('| server | seconds, median [reps] | server CPU s by then, median [reps] | main thread CPU s, median [reps] |');
  lines.push('|---|---:|---:|---:|');
  for (const [k, rs] of runs) {
    const list = (xs: number[]) => xs.map((x) => (x / 1000).toFixed(2)).join(' ');
    const cell = (xs: number[]) => `${(median(xs) / 1000).toFixed(2)} [${list(xs)}]`;
    lines.push(`| ${k} | ${cell(rs.map((r) => r[0]))} | ${cell(rs.map((r) => r[1]))} | ${cell(rs.map((r) => r[2]))} |`);
  }
  console.error(lines.slice(-(runs.size + 2)).join('\n'));
}

run().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
