/**
 * The side-by-side redis-benchmark harness of the per-family benchmarks (streams, scripting,
 * bitmaps-hll): redis-server and replikit-server, every case run against both in turn, unpipelined
 * and pipelined, each rep on fresh processes with a cold and a warm pass (see _warm.ts), written as
 * a markdown section to bench/results/<name>.md. The `_` prefix keeps bench/scripts/run-all.mjs
 * from running this file as a topic of its own.
 *
 * Options every such script takes:
 *   --requests N            requests per measured pass (300000 pipelined or the case's own, 100000 at -P 1)
 *   --warmup N (300000)     warm-up requests per server between the cold and the warm pass (0: cold only)
 *   --reps N (2)   --cases A,B (by name; all)   --pipelines 1,16 (both)
 *   --quick                 the first case at -P 16 only, best of 3 (under 2 minutes)
 *   --fresh-build           replikit-server bundled from this tree's sources (else the build)
 *   --from-source           replikit-server run from source through tsx
 *   --head <git rev>        replikit-server bundled from that revision's sources (e.g. HEAD: the
 *                           committed tree, whatever the work tree and the build hold)
 *   --baseline <git rev>    also a replikit-server bundled from that revision's sources, run in
 *                           turn with the other two (before/after in one run, same load)
 *   --write                 write the results file even for a partial run
 * With --cases (or --case), --pipelines, --quick, --baseline or --warmup 0 the results file is not
 * written unless --write is given (the section is printed only), so a partial run never replaces
 * the full table.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { getFreePort, startRedisServer } from '@replikit/test-utils';
import { type ColdWarm, coldThenWarm, cpuCell, describeWarm, loadRange, opsCell, type Pass, ratio, type Summary, summarize, warmupArg, warmupPipeline } from './_warm';

export const CLIENTS = 50;

export interface BenchCase {
  name: string;
  /** prepares the server (before every measured run) */
  setup(port: number, requests: number): void;
  /** requests of a pipelined pass unless `--requests` (300000): a pass lasts >= 2 s on replikit-server */
  requests?: number;
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

/** Extracts `rev`'s packages/ (`git archive`) of the repository at `root` into `dest` (created if missing). */
export function archivePackages(root: string, rev: string, dest: string): void {
  const archive = spawnSync('sh', ['-c', 'mkdir -p "$3" && git -C "$1" archive "$2" packages | tar -x -C "$3"', 'sh', root, rev, dest], { encoding: 'utf8' });
  if (archive.status !== 0) throw new Error(`git archive ${rev} failed: ${archive.stderr}`);
}

/**
 * `--baseline <rev>`: that revision's packages/ (git archive) in a temporary directory, bundled
 * like `--fresh-build`; returns the launcher and the directories to remove afterwards.
 */
async function baselineBundle(rev: string): Promise<{ launcher: string; dirs: string[] }> {
  const src = mkdtempSync(path.join(os.tmpdir(), 'replikit-baseline-'));
  try {
    archivePackages(ROOT, rev, src);
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
  if (FRESH && launcher === undefined) freshLauncher ??= await freshBundle();
  // an empty directory of its own: a dump.rdb left in the working directory would be loaded
  const dir = mkdtempSync(path.join(os.tmpdir(), 'replikit-bench-dir-'));
  const serverArgs = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--loglevel', 'warning', '--dir', dir];
  const bundled = launcher ?? (FRESH ? freshLauncher : undefined);
  const argv = bundled !== undefined ? [bundled, ...serverArgs] : BUILT ? [BUILT_CLI, ...serverArgs] : ['--import', 'tsx', script, '--serve', ...serverArgs];
  // a bundle's externals (fengari, lmdb, eventemitter3) resolve from the server package
  const env = bundled !== undefined ? { ...process.env, NODE_PATH: [path.join(ROOT, 'packages', 'server', 'node_modules'), path.join(ROOT, 'node_modules')].join(path.delimiter) } : process.env;
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'inherit', 'inherit'], env });
  child.once('exit', () => rmSync(dir, { recursive: true, force: true }));
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

interface Server {
  readonly name: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

/** redis-server, replikit-server and (with `--baseline`) the baseline build, all fresh. */
async function startServers(script: string, baseline: string | undefined, head: string | undefined): Promise<Server[]> {
  const out: Server[] = [];
  try {
    const redis = await startRedisServer();
    out.push({ name: 'redis-server', port: redis.port, pid: redis.pid, stop: () => redis.stop() });
    for (const [name, launcher] of baseline === undefined ? [['replikit-server', head]] : [['replikit-server', head], ['baseline', baseline]]) {
      const s = await startReplikit(script, launcher);
      out.push({ name: name as string, port: s.port, pid: s.child.pid as number, stop: () => stopChild(s.child) });
    }
    return out;
  } catch (err) {
    for (const s of out) await s.stop();
    throw err;
  }
}

/**
 * Every case at every pipelining, `reps` times: fresh servers, then the cold pass, the warm-up and
 * the warm pass of _warm.ts on each in turn. Writes the section to bench/results/<resultFile> for
 * a full run (or with `--write`).
 */
export async function runSideBySide(b: SideBySide): Promise<void> {
  const quick = process.argv.includes('--quick');
  const requestsArg = argString('--requests');
  /** at -P 1 a third of the pipelined count: a run lasts >= 2 s on replikit-server either way */
  const requestsFor = (pipeline: number, c?: BenchCase): number => (requestsArg !== undefined ? Number(requestsArg) : pipeline === 1 ? 100_000 : (c?.requests ?? 300_000));
  const reps = argNumber('--reps', quick ? 3 : 2);
  const warmup = warmupArg();
  // `--case` is the older spelling of `--cases`
  const caseNames = (argString('--cases') ?? argString('--case'))?.split(',');
  const cases = quick && caseNames === undefined ? b.cases.slice(0, 1) : b.cases.filter((c) => caseNames === undefined || caseNames.includes(c.name));
  if (cases.length === 0) throw new Error(`no case named ${caseNames?.join(', ')} (cases: ${b.cases.map((c) => c.name).join(', ')})`);
  const pipelines = argString('--pipelines')?.split(',').map(Number) ?? (quick ? [16] : [1, 16]);
  const baselineRev = argString('--baseline');
  const partial = quick || cases.length !== b.cases.length || argString('--pipelines') !== undefined || baselineRev !== undefined || warmup === 0;
  const baseline = baselineRev === undefined ? undefined : await baselineBundle(baselineRev);
  const headRev = argString('--head');
  const head = headRev === undefined ? undefined : await baselineBundle(headRev);
  const rows: Array<{ pipeline: number; name: string; pass: 'cold' | 'warm'; s: Summary[] }> = [];
  const passes: Pass[] = [];
  const names: string[] = [];
  const loadAtStart = os.loadavg();
  try {
    for (const pipeline of pipelines) {
      for (const c of cases) {
        const requests = requestsFor(pipeline, c);
        const runs: ColdWarm[][] = [];
        for (let rep = 0; rep < reps; rep++) {
          const servers = await startServers(b.script, baseline?.launcher, head?.launcher);
          try {
            names.splice(0, names.length, ...servers.map((s) => s.name));
            const run = async (s: Server, n: number, warming: boolean): Promise<number> => {
              const p = warming ? warmupPipeline(pipeline) : pipeline;
              return c.load ? c.load(s.port, p, n) : benchmark(s.port, p, n, c.argv);
            };
            const r = await coldThenWarm(servers, { requests, warmup, pids: (s) => [s.pid], reset: (s, n) => c.setup(s.port, n), load: run });
            runs.push(r);
            for (const x of r) passes.push(x.cold, ...(x.warm ? [x.warm] : []));
          } finally {
            for (const s of servers) await s.stop();
          }
        }
        const per = names.map((_, i) => runs.map((r) => r[i] as ColdWarm));
        rows.push({ pipeline, name: c.name, pass: 'cold', s: per.map((xs) => summarize(xs.map((x) => x.cold))) });
        if (warmup > 0) rows.push({ pipeline, name: c.name, pass: 'warm', s: per.map((xs) => summarize(xs.map((x) => x.warm as Pass))) });
      }
    }
  } finally {
    // bundle directories go once their server processes have exited
    if (freshLauncher !== undefined) rmSync(path.dirname(freshLauncher), { recursive: true, force: true });
    for (const d of [...(baseline?.dirs ?? []), ...(head?.dirs ?? [])]) rmSync(d, { recursive: true, force: true });
  }
  const cpu = os.cpus();
  const la = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
  const requestsText = requestsArg ?? pipelines.map((p) => cases.map((c) => `${requestsFor(p, c)} at -P ${p}${cases.length > 1 && c.requests !== undefined ? ` (${c.name})` : ''}`).filter((x, i, a) => a.indexOf(x) === i).join(', ')).join(', ');
  const lines = [
    `## ${b.title}: replikit-server vs redis-server (redis-benchmark)`,
    '',
    `- machine: ${cpu[0]?.model ?? 'unknown'}, ${cpu.length} cores`,
    `- node ${process.version}, redis-server ${spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.match(/v=([\d.]+)/)?.[1] ?? '?'}`,
    `- date: ${new Date().toISOString()}`,
    `- \`redis-benchmark -c ${CLIENTS} -n <requests> -P <${pipelines.join('|')}> <command>\`; ${b.describeCases(requestsFor(pipelines[pipelines.length - 1] ?? 16))}`,
    `- replikit-server ${headRev === undefined ? serverDescription() : `bundled from \`${headRev}\` (${spawnSync('git', ['rev-parse', '--short', headRev], { cwd: ROOT, encoding: 'utf8' }).stdout.trim()}, \`--head\`)`}; load average at the start ${la(loadAtStart)}, at the end ${la(os.loadavg())}, over the passes ${loadRange(passes)} (other jobs share this machine)`,
    ...describeWarm(warmup, requestsText),
    `- ${reps} reps per case and pipelining`,
    ...(baselineRev === undefined ? [] : [`- baseline: replikit-server bundled from \`${baselineRev}\` (\`--baseline\`), run in turn with the other two`]),
    '',
    `| command | -P | pass | ${names.map((n) => `${n} ops/s`).join(' | ')} | ${names.slice(1).map((n) => `${n} ratio`).join(' | ')} | ${names.map((n) => `${n} CPU µs/op`).join(' | ')} |`,
    `|---|---:|---|${names.map(() => '---:').join('|')}|${names.slice(1).map(() => '---:').join('|')}|${names.map(() => '---:').join('|')}|`,
  ];
  for (const r of rows) {
    const theirs = (r.s[0] as Summary).ops;
    lines.push(`| ${r.name} | ${r.pipeline} | ${r.pass === 'warm' ? '**warm**' : 'cold'} | ${r.s.map(opsCell).join(' | ')} | ${r.s.slice(1).map((x) => ratio(x.ops, theirs)).join(' | ')} | ${r.s.map(cpuCell).join(' | ')} |`);
  }
  const lowest = (pass: string) => Math.min(...rows.filter((r) => r.pass === pass).map((r) => (r.s[1] as Summary).ops / (r.s[0] as Summary).ops));
  const judged = warmup > 0 ? 'warm' : 'cold';
  lines.push('');
  lines.push(`Lowest ${judged} ratio ${lowest(judged).toFixed(2)}x (target >= 0.5x each, judged on the ${judged} pass: ${lowest(judged) >= 0.5 ? 'met' : 'not met'})${warmup > 0 ? `; lowest cold ratio ${lowest('cold').toFixed(2)}x` : ''}.`);
  const text = `${lines.join('\n')}\n`;
  process.stdout.write(text);
  if (partial && !process.argv.includes('--write')) process.stdout.write(`(partial run: bench/results/${b.resultFile} left as it was; --write writes it)\n`);
  else writeFileSync(path.join(__dirname, '..', 'results', b.resultFile), text);
}
