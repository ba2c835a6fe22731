/**
 * End-to-end scripting benchmark: redis-benchmark running EVALSHA of a small script
 * (`return redis.call('GET', KEYS[1])`) and EVAL of the same body against replikit-server and
 * redis-server side by side in one run, same flags, unpipelined (`-P 1`) and pipelined (`-P 16`).
 *
 *   pnpm exec tsx bench/src/scripting.ts [--requests N] [--warmup 300000] [--reps 2] [--cases EVALSHA,EVAL]
 *     [--pipelines 1,16] [--write] [--fresh-build | --from-source]
 *   pnpm exec tsx bench/src/scripting.ts --fresh-build --quick [--baseline <git rev>]
 *
 * `--quick`: EVALSHA at -P 16 only, 3 reps (under 2 minutes); `--baseline <rev>` adds a
 * replikit-server bundled from that revision, measured in turn with the other two (see
 * _side-by-side.ts). Every rep runs on fresh servers: a cold pass, a warm-up, the data reset
 * (FLUSHALL, the key set and the script loaded again), a warm pass (see _warm.ts).
 *
 *   pnpm exec tsx bench/src/scripting.ts --engine [--calls 300000]
 *   pnpm exec tsx bench/src/scripting.ts --in-process [--head <git rev>] [--baseline <git rev>] [--reps 5] [--command evalsha|get]
 *
 * `--engine`: the script engine alone in this process, no server and no sockets: CPU time per
 * call of LuaScriptEngine.run for a few bodies, redis.call answered by a stub (prints only).
 *
 * `--in-process`: the server's own CPU per request without sockets (see _scripting-in-process.ts),
 * this tree (or `--head <rev>`) bundled, and with `--baseline` that revision too, the two run in turn per rep
 * (each rep a fresh process: warm-up pass, then the lowest of 3 rounds); prints only.
 *
 *   pnpm exec tsx bench/src/scripting.ts --startup [--head <git rev>] [--baseline <git rev>] [--reps 10]
 *
 * `--startup`: CPU and wall time of a replikit-server start to its first PONG, RSS a second later
 * (what scripting costs a server that never runs Lua: see _scripting-startup.ts); prints only.
 *
 * Prints a markdown section and writes it to bench/results/scripting.md. replikit-server runs in
 * its own process from the build (`packages/server/bin/replikit-server.cjs`, run `pnpm build`
 * first), from source with `--from-source`, or bundled from the sources first with `--fresh-build`
 * (see _side-by-side.ts); a partial run (`--quick`, `--cases`, ...) prints only unless `--write`.
 * Target: >= 0.5x redis-server's ops/s, judged on the warm pass.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main as serverMain } from '../../packages/server/src/cli';
import type { ScriptCallContext } from '../../packages/server/src/scripting/lua-redis-api';
import { LuaScriptEngine } from '../../packages/server/src/scripting/script-engine';
import { startup } from './_scripting-startup';
import { archivePackages, type BenchCase, bundleSources, cli, runSideBySide } from './_side-by-side';

const BODY = "return redis.call('GET', KEYS[1])";
const SHA = cliSha();

/** The script's sha1, as SCRIPT LOAD will answer it. */
function cliSha(): string {
  return createHash('sha1').update(BODY).digest('hex');
}

const CASES: BenchCase[] = [
  {
    name: 'EVALSHA',
    setup: (port) => {
      cli(port, 'flushall');
      cli(port, 'set', 'bench:k', 'value');
      if (cli(port, 'script', 'load', BODY) !== SHA) throw new Error('SCRIPT LOAD answered another sha');
    },
    argv: ['EVALSHA', SHA, '1', 'bench:k'],
  },
  {
    name: 'EVAL',
    setup: (port) => {
      cli(port, 'flushall');
      cli(port, 'set', 'bench:k', 'value');
    },
    argv: ['EVAL', BODY, '1', 'bench:k'],
  },
];

function run(): Promise<void> {
  return runSideBySide({
    title: 'Scripting',
    resultFile: 'scripting.md',
    cases: CASES,
    describeCases: () => `EVALSHA: \`${CASES[0]?.argv.join(' ')}\` of \`${BODY}\`; EVAL: the same body sent whole`,
    script: __filename,
  });
}

/** `--engine`: CPU us per LuaScriptEngine.run, median and lowest of 5 rounds per body. */
function engineLoop(): void {
  const i = process.argv.indexOf('--calls');
  const calls = i > 0 ? Number(process.argv[i + 1]) : 300000;
  const engine = new LuaScriptEngine();
  const ctx: ScriptCallContext = { resp: 2, replFlags: 3, call: () => 'value', commandExists: () => true };
  const argv = ['EVALSHA', SHA, '1', 'bench:k'];
  console.log(`script engine alone, ${calls} calls per round, redis.call answered by a stub; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  for (const body of ['return 1', 'return KEYS[1]', BODY]) {
    const script = engine.load(body);
    if (!('ref' in script)) throw new Error(`does not compile: ${body}`);
    const rounds: number[] = [];
    for (let round = 0; round < 6; round++) {
      const t0 = process.cpuUsage();
      for (let n = 0; n < calls; n++) {
        const r = engine.run(script, argv, 3, 1, ctx, true);
        if (!r.done) throw new Error('the script yielded');
      }
      const t = process.cpuUsage(t0);
      // the first round warms V8 up
      if (round > 0) rounds.push((t.user + t.system) / calls);
    }
    rounds.sort((a, b) => a - b);
    console.log(`  ${body.padEnd(36)} CPU us/call median ${rounds[2]?.toFixed(2)}, lowest ${rounds[0]?.toFixed(2)}`);
  }
  engine.close();
}

const argOf = (flag: string): string | undefined => {
  const i = process.argv.indexOf(flag);
  return i > 0 ? process.argv[i + 1] : undefined;
};

/** `--in-process`: this tree (and `--baseline <rev>`) bundled around _scripting-in-process.ts, run in turn. */
async function inProcess(): Promise<void> {
  const root = path.join(__dirname, '..', '..');
  const entry = path.join(__dirname, '_scripting-in-process.ts');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'scripting-in-process-'));
  try {
    const builds: Array<{ name: string; file: string }> = [];
    /** `rev`'s packages/ (git archive), or this tree's without one, bundled around the entry */
    const bundle = async (rev: string | undefined): Promise<void> => {
      let src = root;
      if (rev !== undefined) {
        src = path.join(tmp, `src-${builds.length}`);
        archivePackages(root, rev, src);
      }
      const file = path.join(tmp, `build-${builds.length}.cjs`);
      await bundleSources(src, path.relative(src, entry), file);
      builds.push({ name: rev ?? 'this tree', file });
    };
    // `--head <rev>` instead of this tree: two committed revisions, nothing uncommitted in either
    await bundle(argOf('--head'));
    const baseline = argOf('--baseline');
    if (baseline !== undefined) await bundle(baseline);
    const reps = Number(argOf('--reps') ?? 5);
    const command = argOf('--command') ?? 'evalsha';
    // the bundles' externals (fengari, eventemitter3) resolve from the server package
    const env = { ...process.env, NODE_PATH: [path.join(root, 'packages', 'server', 'node_modules'), path.join(root, 'node_modules')].join(path.delimiter) };
    const loads: number[] = [];
    const best = builds.map(() => [] as number[]);
    for (let rep = 0; rep < reps; rep++) {
      builds.forEach((b, i) => {
        loads.push(os.loadavg()[0] as number);
        const r = spawnSync(process.execPath, [b.file, '--command', command, '--rounds', '3', '--requests', argOf('--requests') ?? '200000'], { cwd: tmp, env, encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`${b.name}: ${r.stderr}`);
        const rounds = r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { usPerRequest: number }).usPerRequest);
        best[i]?.push(Math.min(...rounds));
      });
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    console.log(`in-process ${command} -P 16, 50 connections, CPU us per request (lowest of 3 rounds per process), load ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`);
    for (const [i, b] of builds.entries()) {
      console.log(`  ${b.name.padEnd(12)} median ${median(best[i] as number[]).toFixed(2)} [${(best[i] as number[]).map((x) => x.toFixed(2)).join(' ')}]`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve') void serverMain(process.argv.slice(3));
else if (process.argv.includes('--engine')) engineLoop();
else if (process.argv.includes('--startup'))
  startup().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
else if (process.argv.includes('--in-process'))
  inProcess().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
else
  run().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
