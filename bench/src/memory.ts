/**
 * Memory benchmark (issue 10 §4): the RSS an operator sees, measured from outside
 * (`/proc/<pid>/status` VmRSS), with the same data loaded over the wire into replikit-server and
 * redis-server side by side in one run:
 *
 *   pnpm exec tsx bench/src/memory.ts [--keys 1000000] [--sizes 100,10] [--modes pipe,populate]
 *        [--servers replikit,redis] [--node-flags "--flag ..."] [--settle 20] [--no-write]
 *        [--cli path/to/replikit-server.cjs]
 *
 * Each case (load mode x value size x server) gets a fresh server process:
 * - `pipe`: `SET key:<n> <value>` for n < keys streamed into `redis-cli --pipe` (values are
 *   `value:<n>` padded with `x` to the size, the shape DEBUG POPULATE gives them);
 * - `populate`: `DEBUG POPULATE <keys> key <size>`.
 * After the load the script waits for RSS to settle (stable for 3 s, at most `--settle` s: V8's
 * memory reducer runs a full GC a few seconds after allocation stops), then reads VmRSS and INFO's
 * used_memory. "per key" is (RSS after - RSS of the empty server) / keys; ratios are replikit over
 * redis-server. replikit-server runs from the build (`packages/server/bin/replikit-server.cjs`,
 * `pnpm build` first), with `--node-flags` added to node's command line when given.
 * Writes bench/results/memory.md unless `--no-write`.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findRedisServer, getFreePort } from '@replikit/test-utils';

const args = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? (args[i + 1] as string) : def;
};
const KEYS = Number(opt('keys', '1000000'));
const SIZES = opt('sizes', '100,10').split(',').map(Number);
const MODES = opt('modes', 'pipe,populate').split(',') as Mode[];
const SERVERS = opt('servers', 'replikit,redis').split(',') as Kind[];
const NODE_FLAGS = opt('node-flags', '').split(' ').filter((s) => s !== '');
const SETTLE_S = Number(opt('settle', '20'));
const WRITE = !args.includes('--no-write');
const ROOT = path.join(__dirname, '..', '..');
const BUILT_CLI = opt('cli', path.join(ROOT, 'packages', 'server', 'bin', 'replikit-server.cjs'));

type Kind = 'replikit' | 'redis';
type Mode = 'pipe' | 'populate';

interface Running {
  kind: Kind;
  port: number;
  child: ChildProcess;
  dir: string;
}

interface Sample {
  kind: Kind;
  mode: Mode;
  size: number;
  emptyRss: number;
  loadedRss: number;
  settledRss: number;
  usedMemory: number;
  loadSeconds: number;
  keys: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cli(port: number, ...cmd: string[]): string {
  const r = spawnSync('redis-cli', ['-p', String(port), ...cmd], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`redis-cli ${cmd.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

function infoField(port: number, field: string): number {
  const m = new RegExp(`^${field}:(\\d+)`, 'm').exec(cli(port, 'info', 'memory'));
  return m ? Number(m[1]) : Number.NaN;
}

async function start(kind: Kind): Promise<Running> {
  const port = await getFreePort();
  // an empty directory of its own: no dump.rdb of an earlier run is loaded
  const dir = mkdtempSync(path.join(os.tmpdir(), `memory-bench-${kind}-`));
  const common = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--enable-debug-command', 'yes', '--loglevel', 'warning'];
  const child =
    kind === 'redis'
      ? spawn(findRedisServer() as string, [...common, '--daemonize', 'no'], { cwd: dir, stdio: 'ignore' })
      : spawn(process.execPath, [...NODE_FLAGS, BUILT_CLI, ...common], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 200; i++) {
    const r = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
    if (r.stdout.trim() === 'PONG') return { kind, port, child, dir };
    await sleep(100);
  }
  child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`${kind} did not start on ${port}`);
}

async function stop(r: Running): Promise<void> {
  if (r.child.exitCode === null) {
    const gone = new Promise<void>((res) => r.child.once('exit', () => res()));
    if (r.child.pid) process.kill(r.child.pid, 'SIGKILL');
    await gone;
  }
  rmSync(r.dir, { recursive: true, force: true });
}

/** Streams `SET key:<n> value:<n>xxx…` commands into `redis-cli --pipe`, with backpressure. */
async function loadByPipe(port: number, keys: number, size: number): Promise<void> {
  const child = spawn('redis-cli', ['-p', String(port), '--pipe'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString('latin1');
  });
  const done = new Promise<number>((res) => child.once('exit', (code) => res(code ?? 1)));
  const CHUNK = 1 << 20;
  let buf = Buffer.allocUnsafe(CHUNK);
  let p = 0;
  const pad = 'x'.repeat(size);
  for (let n = 0; n < keys; n++) {
    const key = `key:${n}`;
    const v0 = `value:${n}`;
    const value = v0.length >= size ? v0.slice(0, size) : v0 + pad.slice(v0.length);
    const cmd = `*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${value.length}\r\n${value}\r\n`;
    if (p + cmd.length > buf.length) {
      if (!child.stdin.write(buf.subarray(0, p))) await new Promise((r) => child.stdin.once('drain', r));
      buf = Buffer.allocUnsafe(CHUNK);
      p = 0;
    }
    p += buf.write(cmd, p, 'latin1');
  }
  child.stdin.end(buf.subarray(0, p));
  const code = await done;
  if (code !== 0 || !/errors: 0, replies: \d+/.test(out)) throw new Error(`redis-cli --pipe failed (${code}): ${out}`);
}

/** Waits until RSS is stable (±0.5% for 3 s), at most SETTLE_S seconds; returns the last reading. */
async function settle(pid: number): Promise<number> {
  const readings: number[] = [];
  for (let t = 0; t < SETTLE_S; t++) {
    await sleep(1000);
    readings.push(rssOf(pid));
    if (readings.length >= 4) {
      const last = readings.slice(-4);
      const lo = Math.min(...last);
      const hi = Math.max(...last);
      if (hi - lo <= hi * 0.005) break;
    }
  }
  return readings[readings.length - 1] as number;
}

async function measure(kind: Kind, mode: Mode, size: number): Promise<Sample> {
  const r = await start(kind);
  try {
    const pid = r.child.pid as number;
    await sleep(1000);
    const emptyRss = rssOf(pid);
    const t0 = process.hrtime.bigint();
    if (mode === 'pipe') await loadByPipe(r.port, KEYS, size);
    else {
      const reply = cli(r.port, 'debug', 'populate', String(KEYS), 'key', String(size));
      if (reply !== 'OK') throw new Error(`DEBUG POPULATE: ${reply}`);
    }
    const loadSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const keys = Number(cli(r.port, 'dbsize'));
    if (keys !== KEYS) throw new Error(`${kind} holds ${keys} keys after the load, expected ${KEYS}`);
    const loadedRss = rssOf(pid);
    const settledRss = await settle(pid);
    const usedMemory = infoField(r.port, 'used_memory');
    return { kind, mode, size, emptyRss, loadedRss, settledRss, usedMemory, loadSeconds, keys };
  } finally {
    await stop(r);
  }
}

const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}x` : 'n/a');

function table(samples: Sample[]): string[] {
  const lines: string[] = [];
  lines.push('| load | value | server | empty RSS MB | RSS after load MB | settled RSS MB | used_memory MB | RSS/key B (incl. empty) | (RSS - empty)/key B | load s |');
  lines.push('|---|---:|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of samples) {
    lines.push(
      `| ${s.mode} | ${s.size} B | ${s.kind} | ${mb(s.emptyRss)} | ${mb(s.loadedRss)} | ${mb(s.settledRss)} | ${mb(s.usedMemory)} | ${(s.settledRss / s.keys).toFixed(0)} | ${((s.settledRss - s.emptyRss) / s.keys).toFixed(0)} | ${s.loadSeconds.toFixed(1)} |`,
    );
  }
  lines.push('');
  lines.push('| load | value | settled RSS ratio (replikit / redis) | (RSS - empty) per key ratio | used_memory ratio |');
  lines.push('|---|---:|---:|---:|---:|');
  for (const mode of MODES) {
    for (const size of SIZES) {
      const a = samples.find((s) => s.kind === 'replikit' && s.mode === mode && s.size === size);
      const b = samples.find((s) => s.kind === 'redis' && s.mode === mode && s.size === size);
      if (!a || !b) continue;
      lines.push(
        `| ${mode} | ${size} B | ${ratio(a.settledRss, b.settledRss)} | ${ratio(a.settledRss - a.emptyRss, b.settledRss - b.emptyRss)} | ${ratio(a.usedMemory, b.usedMemory)} |`,
      );
    }
  }
  return lines;
}

async function run(): Promise<void> {
  const samples: Sample[] = [];
  for (const mode of MODES) {
    for (const size of SIZES) {
      for (const kind of SERVERS) {
        const s = await measure(kind, mode, size);
        samples.push(s);
        console.error(`${mode} ${size}B ${kind}: settled RSS ${mb(s.settledRss)} MB (empty ${mb(s.emptyRss)}, after load ${mb(s.loadedRss)}), used_memory ${mb(s.usedMemory)} MB, load ${s.loadSeconds.toFixed(1)} s`);
      }
    }
  }
  const cpu = os.cpus();
  const lines: string[] = [];
  lines.push('## RSS per key: replikit-server vs redis-server (same data over the wire)');
  lines.push('');
  lines.push(`- machine: ${cpu[0]?.model ?? 'unknown'}, ${cpu.length} cores; date: ${new Date().toISOString()}`);
  lines.push(`- node ${process.version}, redis-server ${spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.match(/v=([\d.]+)/)?.[1] ?? '?'}`);
  lines.push(`- ${KEYS} keys \`key:<n>\`; \`pipe\`: SET through \`redis-cli --pipe\`; \`populate\`: \`DEBUG POPULATE ${KEYS} key <size>\``);
  lines.push(`- replikit-server from the build${NODE_FLAGS.length > 0 ? ` with node ${NODE_FLAGS.join(' ')}` : ''}; each case a fresh process; RSS = VmRSS of /proc/<pid>/status once stable for 3 s (at most ${SETTLE_S} s)`);
  lines.push(`- load average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  lines.push('');
  lines.push(...table(samples));
  lines.push('');
  const text = lines.join('\n');
  console.log(text);
  if (WRITE) writeFileSync(path.join(__dirname, '..', 'results', 'memory.md'), `${text}\n`);
}

run().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
