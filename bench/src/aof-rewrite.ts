/**
 * BGREWRITEAOF of many keys (issue 11 §Benchmarks), redis-server and replikit-server side by side in
 * one run, same data (DEBUG POPULATE), same probe:
 *
 *   pnpm exec tsx bench/src/aof-rewrite.ts [--keys 1000000] [--size 10] [--preamble yes|no]
 *     [--reps 1] [--idle 3] [--base <rev>] [--head <rev>] [--only redis|replikit] [--cpu-prof DIR] [--verbose]
 *
 * The probe is a process of its own (a pinger, at nice -10): one connection, PING, wait for +PONG,
 * 1 ms pause, again; every round trip goes into the histogram of the current phase. Phases: `idle` (`--idle`
 * seconds before the rewrite: the stalls this shared machine causes anyway) and `rewrite` (from
 * BGREWRITEAOF until INFO shows it finished). The longest round trip of the rewrite phase is the
 * longest stall a client saw (target <= 10 ms); next to the idle one, it says how much of it the
 * rewrite caused. replikit-server is a private build of the committed HEAD or `--head <rev>` (and of `--base <rev>`);
 * `--cpu-prof DIR` writes its V8 CPU profile there; `--verbose` lists when the round trips over
 * 5 ms happened. About a minute a rep with 1M keys. Prints a markdown table.
 */
import { spawn } from 'node:child_process';
import { type Contender, command, contenders, loadAvg, machine, removeBuilds, sleep, startServer } from './_servers';

const args = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] as string) : def;
};
const KEYS = Number(opt('keys', '1000000'));
const SIZE = Number(opt('size', '10'));
const PREAMBLE = opt('preamble', 'yes');
const REPS = Number(opt('reps', '1'));
const IDLE_SECONDS = Number(opt('idle', '3'));
const ONLY = opt('only', '');
const CPU_PROF = opt('cpu-prof', '');
const BASE = opt('base', '');
const HEAD = opt('head', 'HEAD');

/**
 * The pinger, run with `node -e`: argv[1] is the port. Lines on stdin: `phase <name>` starts a new
 * histogram, `end` prints every phase as JSON on stdout and exits.
 */
const PINGER = String.raw`
const net = require('node:net');
const port = Number(process.argv[1]);
const phases = [];
let cur;
const start = (name) => { cur = { name, rtts: [], slow: [], t0: performance.now() }; phases.push(cur); };
start('setup');
const s = net.connect(port, '127.0.0.1');
s.setNoDelay(true);
let sent = 0;
let stopping = false;
const ping = () => { if (stopping) return; sent = performance.now(); s.write('PING\r\n'); };
s.on('connect', ping);
s.on('data', (d) => {
  if (d[d.length - 1] !== 10) return;
  const rtt = performance.now() - sent;
  cur.rtts.push(rtt);
  if (rtt > 5) cur.slow.push([sent - cur.t0, rtt]);
  setTimeout(ping, 1);
});
const q = (xs, p) => xs.length === 0 ? NaN : xs[Math.min(xs.length - 1, Math.floor(p * xs.length))];
let input = '';
process.stdin.on('data', (d) => {
  input += d;
  let i;
  while ((i = input.indexOf('\n')) >= 0) {
    const line = input.slice(0, i);
    input = input.slice(i + 1);
    if (line.startsWith('phase ')) start(line.slice(6));
    else if (line === 'end') {
      stopping = true;
      const out = phases.map((p) => {
        const xs = p.rtts.slice().sort((a, b) => a - b);
        return { name: p.name, n: xs.length, p50: q(xs, 0.5), p99: q(xs, 0.99), p999: q(xs, 0.999), max: q(xs, 1), over10: xs.filter((x) => x > 10).length, slow: p.slow };
      });
      process.stdout.write(JSON.stringify(out));
      s.destroy();
      process.stdin.destroy();
    }
  }
});
`;

interface Phase {
  name: string;
  n: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  over10: number;
  slow: Array<[number, number]>;
}

interface Pinger {
  phase(name: string): void;
  end(): Promise<Phase[]>;
}

function startPinger(port: number): Pinger {
  // a higher priority than the servers' (nice -10 where allowed; otherwise nice runs it as it is), so
  // the pinger's own scheduling delays on a loaded machine count less in its round trips
  const child = spawn('nice', ['-n', '-10', process.execPath, '-e', PINGER, String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    phase: (name) => child.stdin.write(`phase ${name}\n`),
    end: async () => {
      child.stdin.end('end\n');
      await exited;
      return JSON.parse(out) as Phase[];
    },
  };
}

async function info(port: number): Promise<string> {
  const r = await command(port, 'INFO', 'persistence');
  return Buffer.isBuffer(r) ? r.toString('utf8') : String(r);
}

interface Result {
  name: string;
  seconds: number;
  idle: Phase;
  rewrite: Phase;
  load: string;
}

async function measure(c: Contender): Promise<Result> {
  const config = {
    appendonly: 'yes',
    appendfsync: 'everysec',
    'aof-use-rdb-preamble': PREAMBLE,
    'auto-aof-rewrite-percentage': 0,
    'enable-debug-command': 'yes',
  };
  const s = await startServer(c, config, { nodeArgs: CPU_PROF !== '' && c.kind === 'replikit' ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF] : [] });
  try {
    await command(s.port, 'DEBUG', 'POPULATE', KEYS, 'key', SIZE);
    await sleep(1000);
    const pinger = startPinger(s.port);
    await sleep(200);
    pinger.phase('idle');
    await sleep(IDLE_SECONDS * 1000);
    pinger.phase('rewrite');
    const t0 = performance.now();
    await command(s.port, 'BGREWRITEAOF');
    for (;;) {
      await sleep(20);
      const text = await info(s.port);
      if (/aof_rewrite_in_progress:0/.test(text) && !/aof_rewrite_scheduled:1/.test(text)) break;
    }
    const seconds = (performance.now() - t0) / 1000;
    const phases = await pinger.end();
    const get = (name: string) => phases.find((p) => p.name === name) as Phase;
    return { name: c.name, seconds, idle: get('idle'), rewrite: get('rewrite'), load: loadAvg() };
  } finally {
    await s.stop();
  }
}

async function main(): Promise<void> {
  const all = await contenders(BASE === '' ? undefined : BASE, HEAD);
  try {
    const cs = all.filter((c) => ONLY === '' || c.kind === ONLY);
    const results: Result[] = [];
    for (let rep = 0; rep < REPS; rep++) for (const c of cs) results.push(await measure(c));
    const f = (x: number) => x.toFixed(2);
    console.log(machine());
    console.log(`${KEYS} keys of ${SIZE} B (DEBUG POPULATE), aof-use-rdb-preamble ${PREAMBLE}, appendfsync everysec; pinger: PING, reply, 1 ms pause; idle phase ${IDLE_SECONDS} s before the rewrite`);
    console.log('');
    console.log('| server | rewrite (s) | PINGs | p50 (ms) | p99 (ms) | p99.9 (ms) | longest (ms) | > 10 ms | idle PINGs | idle p99.9 (ms) | idle longest (ms) | load avg |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
    for (const r of results) {
      const d = r.rewrite;
      console.log(`| ${r.name} | ${f(r.seconds)} | ${d.n} | ${f(d.p50)} | ${f(d.p99)} | ${f(d.p999)} | ${f(d.max)} | ${d.over10} | ${r.idle.n} | ${f(r.idle.p999)} | ${f(r.idle.max)} | ${r.load} |`);
    }
    if (args.includes('--verbose')) {
      for (const r of results) console.log(`${r.name}: round trips over 5 ms during the rewrite (s after BGREWRITEAOF: ms): ${r.rewrite.slow.map(([at, ms]) => `${f(at / 1000)}: ${ms.toFixed(1)}`).join(', ')}`);
    }
  } finally {
    removeBuilds(all);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
