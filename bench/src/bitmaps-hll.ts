/**
 * End-to-end bitmap and HyperLogLog benchmark: PFADD and SETBIT against replikit-server and
 * redis-server side by side in one run, same load, unpipelined (`-P 1`) and pipelined (`-P 16`).
 *
 *   pnpm exec tsx bench/src/bitmaps-hll.ts [--requests 100000] [--reps 2] [--fresh-build | --from-source]
 *
 * - PFADD: `redis-benchmark -r 1000000 PFADD bench:hll __rand_int__`, one new random element per
 *   call into one HyperLogLog (sparse at first, dense after a few thousand elements, like Redis)
 * - SETBIT: `SETBIT bench:bm <offset> <0|1>` with random offsets below 1,000,000 (a bitmap of
 *   125 KB once grown) and random bits. redis-benchmark cannot generate these arguments (its
 *   `__rand_int__` is a 12-digit zero-padded number, which is not a valid bit offset), so this
 *   case uses the harness's own pipelined load generator (50 connections, same pipelining) for
 *   both servers.
 *
 * Prints a markdown section and writes it to bench/results/bitmaps-hll.md. Target: >= 0.5x
 * redis-server's ops/s each.
 */
import { type BenchCase, CLIENTS, cli, pipelinedLoad, respCommand, runSideBySide } from './_side-by-side';
import { main as serverMain } from '../../packages/server/src/cli';

const BITS = 1_000_000;

/** A SETBIT with a random offset and bit. */
function setbitCommand(): string {
  return respCommand('SETBIT', 'bench:bm', String(Math.floor(Math.random() * BITS)), Math.random() < 0.5 ? '0' : '1');
}

const CASES: BenchCase[] = [
  {
    name: 'PFADD',
    setup: (port) => void cli(port, 'flushall'),
    argv: ['-r', '1000000', 'PFADD', 'bench:hll', '__rand_int__'],
  },
  {
    name: 'SETBIT',
    setup: (port) => void cli(port, 'flushall'),
    argv: ['SETBIT', 'bench:bm', '<random offset below 1000000>', '<random 0|1>'],
    load: (port, pipeline, requests) => pipelinedLoad(port, pipeline, requests, setbitCommand),
  },
];

function run(): Promise<void> {
  return runSideBySide({
    title: 'Bitmaps and HyperLogLog',
    resultFile: 'bitmaps-hll.md',
    cases: CASES,
    describeCases: () =>
      `PFADD: \`redis-benchmark ${CASES[0]?.argv.join(' ')}\`; SETBIT: \`SETBIT bench:bm <offset> <bit>\`, random offsets below ${BITS} and random bits, sent by the harness's own load generator (${CLIENTS} connections, same pipelining) to both servers because redis-benchmark cannot generate valid offsets`,
    script: __filename,
  });
}

if (process.argv[2] === '--serve') void serverMain(process.argv.slice(3));
else
  run().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
