/**
 * End-to-end stream benchmark: redis-benchmark running XADD and XREADGROUP against
 * replikit-server and redis-server side by side in one run, same flags, unpipelined (`-P 1`) and
 * pipelined (`-P 16`).
 *
 *   pnpm exec tsx bench/src/streams.ts [--requests 100000] [--reps 2] [--fresh-build | --from-source]
 *
 * - XADD: `XADD bench:s MAXLEN ~ 10000 * field <value>` (the trim keeps memory flat and exercises
 *   the node layout; `~` trims whole nodes only)
 * - XREADGROUP: `XREADGROUP GROUP g c COUNT 1 STREAMS bench:r >` on a stream pre-filled with as many
 *   entries as requests, so every call delivers one entry and adds it to the PEL (and propagates its
 *   XCLAIM, as Redis does)
 *
 * Prints a markdown section and writes it to bench/results/streams.md. replikit-server runs in its
 * own process from the build (`packages/server/bin/replikit-server.cjs`, run `pnpm build` first) or
 * from source with `--from-source`, or bundled from the sources first with `--fresh-build` (see
 * _side-by-side.ts). Target: >= 0.5x redis-server's ops/s each.
 */
import { spawnSync } from 'node:child_process';
import { type BenchCase, CLIENTS, cli, runSideBySide } from './_side-by-side';
import { main as serverMain } from '../../packages/server/src/cli';

/** Fills bench:r with `n` entries through redis-benchmark itself (fast on both servers). */
function fill(port: number, n: number): void {
  const r = spawnSync('redis-benchmark', ['-p', String(port), '-c', String(CLIENTS), '-n', String(n), '-P', '64', '-q', 'XADD', 'bench:r', '*', 'field', 'value'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`filling the stream failed: ${r.stderr}`);
}

const CASES: BenchCase[] = [
  {
    name: 'XADD',
    setup: (port) => void cli(port, 'flushall'),
    argv: ['XADD', 'bench:s', 'MAXLEN', '~', '10000', '*', 'field', 'value-__rand_int__'],
  },
  {
    name: 'XREADGROUP',
    setup: (port, requests) => {
      cli(port, 'flushall');
      fill(port, requests);
      cli(port, 'XGROUP', 'CREATE', 'bench:r', 'g', '0');
    },
    argv: ['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '1', 'STREAMS', 'bench:r', '>'],
  },
];

function run(): Promise<void> {
  return runSideBySide({
    title: 'Streams',
    resultFile: 'streams.md',
    cases: CASES,
    describeCases: (requests) => `XADD: \`${CASES[0]?.argv.join(' ')}\`; XREADGROUP: \`${CASES[1]?.argv.join(' ')}\` on a stream pre-filled with ${requests} entries`,
    script: __filename,
  });
}

if (process.argv[2] === '--serve') void serverMain(process.argv.slice(3));
else
  run().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
