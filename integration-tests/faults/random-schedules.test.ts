/**
 * Seeded random fault schedules on in-process nodes: 200 of them per run (REPLIKIT_FAULT_COUNT to
 * change), seeds counted up from one printed base seed (REPLIKIT_TEST_SEED to replay a run; the
 * failing schedule's own seed is in the failure). Zero divergence allowed. The long run is
 * `node scripts/fault-soak.mjs --count 10000`.
 */
import { testSeed } from '@replikit/test-utils';
import { generateSchedule } from './schedule';
import { runSchedule } from './schedule-runner';

const COUNT = Number(process.env.REPLIKIT_FAULT_COUNT ?? 200);

describe('random fault schedules (in-process master and replica over a fault proxy)', () => {
  it(`${COUNT} schedules end with the replica equal to the master`, async () => {
    const base = testSeed('random fault schedules');
    const totals = { full: 0, partial: 0, failovers: 0 };
    const started = Date.now();
    for (let i = 0; i < COUNT; i++) {
      const seed = (base + i) >>> 0;
      const out = await runSchedule(generateSchedule(seed));
      totals.full += out.fullSyncs;
      totals.partial += out.partialSyncs;
      totals.failovers += out.failovers;
    }
    console.log(`${COUNT} schedules in ${Date.now() - started} ms: ${totals.full} full syncs, ${totals.partial} partial, ${totals.failovers} checked promotions`);
    // the faults really happened: links were resumed partially, resynced fully (beyond the first
    // sync of every schedule) and replicas promoted; a replay of one seed proves nothing of the kind
    if (COUNT >= 50) {
      expect(totals.partial).toBeGreaterThan(COUNT / 10);
      expect(totals.full).toBeGreaterThan(COUNT);
      expect(totals.failovers).toBeGreaterThan(COUNT / 20);
    }
  }, 600_000);
});
