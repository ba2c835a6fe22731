#!/usr/bin/env node
// The long run of the seeded fault schedules (integration-tests/faults): `--count` schedules with
// seeds counted up from `--seed` (a random base by default), each on in-process nodes over the
// fault proxy. Every failure prints its seed and schedule; the run goes on, and exits 1 if any
// schedule failed. Replay one with:
//   REPLIKIT_TEST_SEED=<seed> REPLIKIT_FAULT_COUNT=1 pnpm exec jest integration-tests/faults/random-schedules.test.ts
// or `node scripts/fault-soak.mjs --seed <seed> --count 1`.
//
//   node scripts/fault-soak.mjs [--count 10000] [--seed N] [--stop]
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    stop: { type: 'boolean', default: false },
  },
});
const count = Number(values.count);
const base = values.seed === undefined ? Math.floor(Math.random() * 0x100000000) : Number(values.seed);
if (!Number.isSafeInteger(count) || count < 1) throw new Error(`--count must be a positive integer, got ${values.count}`);
if (!Number.isSafeInteger(base) || base < 0 || base > 0xffffffff) throw new Error(`--seed must be an integer in 0..2^32-1, got ${values.seed}`);

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root); // tsx maps @replikit/* through the root tsconfig.json
const { generateSchedule } = await tsImport('../integration-tests/faults/schedule.ts', import.meta.url);
const { runSchedule } = await tsImport('../integration-tests/faults/schedule-runner.ts', import.meta.url);

console.log(`fault soak: ${count} schedules from seed ${base}`);
const started = Date.now();
const failed = [];
const totals = { full: 0, partial: 0, failovers: 0 };
for (let i = 0; i < count; i++) {
  const seed = (base + i) >>> 0;
  try {
    const out = await runSchedule(generateSchedule(seed));
    totals.full += out.fullSyncs;
    totals.partial += out.partialSyncs;
    totals.failovers += out.failovers;
  } catch (err) {
    failed.push(seed);
    console.log(`FAILED seed ${seed}\n${err.message}\n`);
    if (values.stop) break;
  }
  if ((i + 1) % 100 === 0) {
    const s = ((Date.now() - started) / 1000).toFixed(0);
    console.log(`${i + 1}/${count} schedules, ${failed.length} failed, ${s} s (${totals.full} full syncs, ${totals.partial} partial, ${totals.failovers} promotions)`);
  }
}
const s = ((Date.now() - started) / 1000).toFixed(1);
console.log(`done: ${count} schedules from seed ${base} in ${s} s; ${totals.full} full syncs, ${totals.partial} partial, ${totals.failovers} checked promotions`);
if (failed.length > 0) {
  console.log(`FAILED seeds (${failed.length}): ${failed.join(' ')}`);
  process.exit(1);
}
console.log('zero divergence');
