/**
 * End-to-end scripting benchmark: redis-benchmark running EVALSHA of a small script
 * (`return redis.call('GET', KEYS[1])`) and EVAL of the same body against replikit-server and
 * redis-server side by side in one run, same flags, unpipelined (`-P 1`) and pipelined (`-P 16`).
 *
 *   pnpm exec tsx bench/src/scripting.ts [--requests 100000] [--reps 2] [--fresh-build | --from-source]
 *   pnpm exec tsx bench/src/scripting.ts --fresh-build --quick [--baseline <git rev>]
 *
 * `--quick`: EVALSHA at -P 16 only (under 2 minutes); `--baseline <rev>` adds a replikit-server
 * bundled from that revision, measured in turn with the other two (see _side-by-side.ts).
 *
 * Prints a markdown section and writes it to bench/results/scripting.md. replikit-server runs in
 * its own process from the build (`packages/server/bin/replikit-server.cjs`, run `pnpm build`
 * first), from source with `--from-source`, or bundled from the sources first with `--fresh-build`
 * (see _side-by-side.ts). Target: >= 0.5x redis-server's ops/s.
 */
import { createHash } from 'node:crypto';
import { main as serverMain } from '../../packages/server/src/cli';
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

if (process.argv[2] === '--serve') void serverMain(process.argv.slice(3));
else
  run().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
