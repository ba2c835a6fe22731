/**
 * The side-by-side redis-benchmark harness of the per-family benchmarks (streams, scripting): one
 * redis-server and one replikit-server, every case run against both alternately, unpipelined and
 * pipelined, best of N, written as a markdown section to bench/results/<name>.md. The `_` prefix
 * keeps bench/scripts/run-all.mjs from running this file as a topic of its own.
 *
 * Options every such script takes:
 *   --requests N (100000)   --reps N (2)   --cases A,B (by name; all)   --pipelines 1,16 (both)
 *   --quick                 the first case at -P 16 only, 50000 requests, best of 3
 *   --fresh-build           replikit-server bundled from this tree's sources (else the build)
 *   --from-source           replikit-server run from source through tsx
 *   --baseline <git rev>    also a replikit-server bundled from that revision's sources, run in
 *                           turn with the other two (before/after in one run, same load)
 * With --cases, --pipelines, --quick or --baseline the results file is not written (the section
 * is printed only), so a partial run never replaces the full table.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { getFreePort, startRedisServer } from '@replikit/test-utils';

export const CLIENTS = 50;

export interface BenchCase {
  name: string;
  /** prepares the server (before every measured run) */
  setup(port: number, requests: number): void;
  /** redis-benchmark's arguments (options such as `-r` first, then the command) */
  argv: string[];
  /**
   * A load of its own instead of redis-benchmark (for commands whose arguments redis-benchmark
   * cannot generate): ops/s. Both servers get the same load generator.
   */
  load?(port: number, pipeline: number, requests: number): Promise<number>;
}

export interface SideBySide {
  /** the section title, e.g. `Streams` */
  title: string;
  /** the results file name under bench/results */
  resultFile: string;
  cases: BenchCase[];
  /** one markdown bullet saying what the cases run, given the request count */
  describeCases(requests: number): string;
  /** the calling script: run with `--serve <args>` it starts replikit-server from source */
  script: string;
}

export function cli(port: number, ...args: string[]): string {
  const r = spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`redis-cli ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** A process's user + system CPU seconds (Linux /proc; 0 elsewhere). */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function benchmark(port: number, pipeline: number, requests: number, argv: string[]): number {
  const r = spawnSync('redis-benchmark', ['-p', String(port), '-c', String(CLIENTS), '-n', String(requests), '-P', String(pipeline), '--csv', ...argv], {
    encoding: 'utf8',
    timeout: 30 * 60 * 1000,
  });
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
  for (const line of r.stdout.split('\n')) {
    const m = /^"([^"]+)","([\d.]+)"/.exec(line);
    if (m) return Number(m[2]);
  }
  throw new Error(`no result from redis-benchmark: ${r.stdout}`);
}

/**
 * A pipelined load of `requests` commands over CLIENTS connections, `pipeline` commands per round
 * trip, from this process (the harness is idle meanwhile). `command()` returns one RESP-encoded
 * command whose reply is a single line (an integer or a status); an error reply fails the run.
 * Returns ops/s.
 */
export async function pipelinedLoad(port: number, pipeline: number, requests: number, command: () => string): Promise<number> {
  const perClient = Math.ceil(requests / CLIENTS);
  const t0 = performance.now();
  await Promise.all(
    Array.from(
      { length: CLIENTS },
      () =>
        new Promise<void>((resolve, reject) => {
          const sock = net.connect(port, '127.0.0.1');
          sock.setNoDelay(true);
          let left = perClient;
          let pending = 0;
          let lineStart = true;
          const send = (): void => {
            const n = Math.min(pipeline, left);
            let batch = '';
            for (let i = 0; i < n; i++) batch += command();
            left -= n;
            pending = n;
            sock.write(batch, 'latin1');
          };
          sock.on('connect', send);
          sock.on('data', (chunk: Buffer) => {
            for (let i = 0; i < chunk.length; i++) {
              const b = chunk[i];
              if (lineStart && b === 0x2d) {
                sock.destroy();
                reject(new Error(`error reply: ${chunk.toString('latin1', i, Math.min(chunk.length, i + 200))}`));
                return;
              }
              lineStart = b === 0x0a;
              if (b === 0x0a && --pending === 0) {
                if (left > 0) send();
                else {
                  sock.end();
                  resolve();
                }
              }
            }
          });
          sock.on('error', reject);
        }),
    ),
  );
  return (perClient * CLIENTS) / ((performance.now() - t0) / 1000);
}

/** One command in RESP, for `pipelinedLoad`. */
export function respCommand(...args: string[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

const ROOT = path.join(__dirname, '..', '..');
const BUILT_CLI = path.join(ROOT, 'packages', 'server', 'bin', 'replikit-server.cjs');
const FRESH = process.argv.includes('--fresh-build');
const BUILT = existsSync(path.join(ROOT, 'packages', 'server', 'dist', 'cli.js')) && !process.argv.includes('--from-source') && !FRESH;

/**
 * `entry` of source tree `root` bundled into `out` (CJS) with every @replikit package taken from
 * its src, as tsup bundles the CLI. Another revision's sources (an exported tree has no
 * node_modules) import npm packages from this tree's installs.
 */
export async function bundleSources(root: string, entry: string, out: string): Promise<void> {
  const tsupDir = path.dirname(require.resolve('tsup/package.json', { paths: [ROOT] }));
  const esbuild = require(require.resolve('esbuild', { paths: [tsupDir] })) as { build(options: Record<string, unknown>): Promise<unknown> };
  await esbuild.build({
    absWorkingDir: root,
    nodePaths: [path.join(ROOT, 'node_modules'), ...readdirSync(path.join(ROOT, 'packages')).map((p) => path.join(ROOT, 'packages', p, 'node_modules'))],
    entryPoints: [path.join(root, entry)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['fengari', 'fengari/*', 'lmdb', 'eventemitter3'],
    outfile: out,
    logLevel: 'warning',
    plugins: [
      {
        name: 'workspace-sources',
        setup(b: { onResolve(o: { filter: RegExp }, f: (a: { path: string }) => { path: string }): void }) {
          b.onResolve({ filter: /^@replikit\// }, (a) => {
            const m = /^@replikit\/([^/]+)(?:\/(.+))?$/.exec(a.path) as RegExpExecArray;
            return { path: path.join(root, 'packages', m[1] as string, 'src', `${m[2] ?? 'index'}.ts`) };
          });
        },
      },
    ],
  });
}

/**
 * `--fresh-build`: bundles replikit-server from this tree's sources (every @replikit package from
 * its src, as tsup would bundle the CLI) into a temporary directory, so the run measures the code
 * as it is now without rebuilding the packages' dist directories other work may be using.
 */
async function freshBundle(root = ROOT): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'replikit-bench-'));
  const out = path.join(dir, 'cli.js');
  const built = bundleSources(root, 'packages/server/src/cli.ts', out);
  try {
    await built;
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const launcher = path.join(dir, 'run.cjs');
  writeFileSync(launcher, `require(${JSON.stringify(out)}).main(process.argv.slice(2));\n`);
  return launcher;
}

let freshLauncher: string | undefined;

/**
 * `--baseline <rev>`: that revision's packages/ (git archive) in a temporary directory, bundled
 * like `--fresh-build`; returns the launcher and the directories to remove afterwards.
 */
async function baselineBundle(rev: string): Promise<{ launcher: string; dirs: string[] }> {
  const src = mkdtempSync(path.join(os.tmpdir(), 'replikit-baseline-'));
  try {
    const archive = spawnSync('sh', ['-c', `git -C "$1" archive "$2" packages | tar -x -C "$3"`, 'sh', ROOT, rev, src], { encoding: 'utf8' });
    if (archive.status !== 0) throw new Error(`git archive ${rev} failed: ${archive.stderr}`);
    const launcher = await freshBundle(src);
    return { launcher, dirs: [src, path.dirname(launcher)] };
  } catch (err) {
    rmSync(src, { recursive: true, force: true });
    throw err;
  }
}

function argString(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function serverDescription(): string {
  if (FRESH) return 'bundled from this tree\'s sources by the script (`--fresh-build`, esbuild, as the CLI build)';
  return BUILT ? 'from the build (`packages/server/bin/replikit-server.cjs`)' : 'from source through tsx';
}

async function startReplikit(script: string, launcher?: string): Promise<{ port: number; child: ChildProcess }> {
  const port = await getFreePort();
  const serverArgs = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--loglevel', 'warning'];
  if (FRESH && launcher === undefined) freshLauncher ??= await freshBundle();
  const bundled = launcher ?? (FRESH ? freshLauncher : undefined);
  const argv = bundled !== undefined ? [bundled, ...serverArgs] : BUILT ? [BUILT_CLI, ...serverArgs] : ['--import', 'tsx', script, '--serve', ...serverArgs];
  // a bundle's externals (fengari, lmdb, eventemitter3) resolve from the server package
  const env = bundled !== undefined ? { ...process.env, NODE_PATH: [path.join(ROOT, 'packages', 'server', 'node_modules'), path.join(ROOT, 'node_modules')].join(path.delimiter) } : process.env;
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'inherit', 'inherit'], env });
  for (let i = 0; i < 100; i++) {
    const r = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
    if (r.stdout.trim() === 'PONG') return { port, child };
    await new Promise((res) => setTimeout(res, 200));
  }
  child.kill('SIGKILL');
  throw new Error('replikit-server did not start');
}

function argNumber(flag: string, fallback: number): number {
  const i = process.argv.indexOf(flag);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  child.kill('SIGTERM');
  await exited;
}

export async function runSideBySide(b: SideBySide): Promise<void> {
  const quick = process.argv.includes('--quick');
  const requests = argNumber('--requests', quick ? 50000 : 100000);
  const reps = argNumber('--reps', quick ? 3 : 2);
  const caseNames = argString('--cases')?.split(',');
  const cases = quick && caseNames === undefined ? b.cases.slice(0, 1) : b.cases.filter((c) => caseNames === undefined || caseNames.includes(c.name));
  if (cases.length === 0) throw new Error(`no case named ${caseNames?.join(', ')} (cases: ${b.cases.map((c) => c.name).join(', ')})`);
  const pipelines = argString('--pipelines')?.split(',').map(Number) ?? (quick ? [16] : [1, 16]);
  const baselineRev = argString('--baseline');
  const partial = quick || caseNames !== undefined || argString('--pipelines') !== undefined || baselineRev !== undefined;
  const baseline = baselineRev === undefined ? undefined : await baselineBundle(baselineRev);
  const redis = await startRedisServer();
  const ours = await startReplikit(b.script);
  const before = baseline === undefined ? undefined : await startReplikit(b.script, baseline.launcher);
  const rows: Array<{ pipeline: number; name: string; redis: number; replikit: number; redisCpu: number; replikitCpu: number; baseline?: number; baselineCpu?: number }> = [];
  const loadAtStart = os.loadavg();
  const oursPid = ours.child.pid as number;
  /** one measured run: ops/s, and the server's CPU time per op (user + system, its GC threads included) */
  const measure = async (c: BenchCase, port: number, pid: number, pipeline: number): Promise<{ ops: number; cpu: number }> => {
    c.setup(port, requests);
    const t0 = cpuSeconds(pid);
    const ops = c.load ? await c.load(port, pipeline, requests) : benchmark(port, pipeline, requests, c.argv);
    return { ops, cpu: ((cpuSeconds(pid) - t0) / requests) * 1e6 };
  };
  try {
    // an unrecorded warm-up per server: V8 compiles replikit's hot paths during the first requests
    for (const c of cases) {
      for (const port of [redis.port, ours.port, ...(before === undefined ? [] : [before.port])]) {
        c.setup(port, 20000);
        if (c.load) await c.load(port, 16, 20000);
        else benchmark(port, 16, 20000, c.argv);
      }
    }
    for (const pipeline of pipelines) {
      for (const c of cases) {
        let theirs = { ops: 0, cpu: 0 };
        let mine = { ops: 0, cpu: 0 };
        let old = { ops: 0, cpu: 0 };
        // alternating servers, best of `reps`: other load on the machine hits them alike
        for (let rep = 0; rep < reps; rep++) {
          const r = await measure(c, redis.port, redis.pid, pipeline);
          if (r.ops > theirs.ops) theirs = r;
          const m = await measure(c, ours.port, oursPid, pipeline);
          if (m.ops > mine.ops) mine = m;
          if (before !== undefined) {
            const o = await measure(c, before.port, before.child.pid as number, pipeline);
            if (o.ops > old.ops) old = o;
          }
        }
        rows.push({
          pipeline,
          name: c.name,
          redis: theirs.ops,
          replikit: mine.ops,
          redisCpu: theirs.cpu,
          replikitCpu: mine.cpu,
          ...(before === undefined ? {} : { baseline: old.ops, baselineCpu: old.cpu }),
        });
      }
    }
  } finally {
    // bundle directories go once their server processes have exited
    await stopChild(ours.child);
    if (before !== undefined) await stopChild(before.child);
    await redis.stop();
    if (freshLauncher !== undefined) rmSync(path.dirname(freshLauncher), { recursive: true, force: true });
    for (const d of baseline?.dirs ?? []) rmSync(d, { recursive: true, force: true });
  }
  const cpu = os.cpus();
  const lines: string[] = [];
  lines.push(`## ${b.title}: replikit-server vs redis-server (redis-benchmark)`);
  lines.push('');
  lines.push(`- machine: ${cpu[0]?.model ?? 'unknown'}, ${cpu.length} cores`);
  lines.push(`- node ${process.version}, redis-server ${spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.match(/v=([\d.]+)/)?.[1] ?? '?'}`);
  lines.push(`- date: ${new Date().toISOString()}`);
  lines.push(`- \`redis-benchmark -c ${CLIENTS} -n ${requests} -P <${pipelines.join('|')}> <command>\`; ${b.describeCases(requests)}`);
  const la = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
  lines.push(`- replikit-server ${serverDescription()}; load average at the start ${la(loadAtStart)}, at the end ${la(os.loadavg())} (other jobs share this machine)`);
  lines.push('- server CPU us/op: the server process\'s user + system time over the measured run divided by the requests (from /proc; robust against other load, includes V8\'s GC threads)');
  lines.push(`- alternating between the servers, best of ${reps} runs per server; one unrecorded warm-up per server and command first`);
  if (baselineRev !== undefined) lines.push(`- baseline: replikit-server bundled from \`${baselineRev}\` (\`--baseline\`), run in turn with the other two`);
  lines.push('');
  if (baselineRev === undefined) {
    lines.push('| command | -P | redis-server ops/s | replikit-server ops/s | ratio | redis-server CPU us/op | replikit-server CPU us/op |');
    lines.push('|---|---:|---:|---:|---:|---:|---:|');
  } else {
    lines.push('| command | -P | redis-server ops/s | replikit-server ops/s | ratio | baseline ops/s | redis-server CPU us/op | replikit-server CPU us/op | baseline CPU us/op |');
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  }
  for (const r of rows) {
    const head = `| ${r.name} | ${r.pipeline} | ${r.redis.toFixed(0)} | ${r.replikit.toFixed(0)} | ${(r.replikit / r.redis).toFixed(2)}x |`;
    if (r.baseline === undefined) lines.push(`${head} ${r.redisCpu.toFixed(2)} | ${r.replikitCpu.toFixed(2)} |`);
    else lines.push(`${head} ${r.baseline.toFixed(0)} | ${r.redisCpu.toFixed(2)} | ${r.replikitCpu.toFixed(2)} | ${(r.baselineCpu ?? 0).toFixed(2)} |`);
  }
  const min = Math.min(...rows.map((r) => r.replikit / r.redis));
  lines.push('');
  lines.push(`Lowest ratio ${min.toFixed(2)}x (target >= 0.5x each: ${min >= 0.5 ? 'met' : 'not met'}).`);
  const text = `${lines.join('\n')}\n`;
  process.stdout.write(text);
  if (partial) process.stdout.write(`(partial run: bench/results/${b.resultFile} left as it was)\n`);
  else writeFileSync(path.join(__dirname, '..', 'results', b.resultFile), text);
}
