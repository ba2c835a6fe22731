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
 *
 * `--engine`: the script engine alone in this process, no server and no sockets: CPU time per
 * call of LuaScriptEngine.run for a few bodies, redis.call answered by a stub (prints only).
 *
 * Prints a markdown section and writes it to bench/results/scripting.md. replikit-server runs in
 * its own process from the build (`packages/server/bin/replikit-server.cjs`, run `pnpm build`
 * first), from source with `--from-source`, or bundled from the sources first with `--fresh-build`
 * (see _side-by-side.ts); a partial run (`--quick`, `--cases`, ...) prints only unless `--write`.
 * Target: >= 0.5x redis-server's ops/s, judged on the warm pass.
 */
import { createHash } from 'node:crypto';
import os from 'node:os';
import { main as serverMain } from '../../packages/server/src/cli';
import type { ScriptCallContext } from '../../packages/server/src/scripting/lua-redis-api';
import { LuaScriptEngine } from '../../packages/server/src/scripting/script-engine';
import { type BenchCase, cli, runSideBySide } from './_side-by-side';

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

if (process.argv[2] === '--serve') void serverMain(process.argv.slice(3));
else if (process.argv.includes('--engine')) engineLoop();
else
  run().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
