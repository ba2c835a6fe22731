/**
 * Seeds for randomised tests. Each run picks a fresh seed (or takes REPLIKIT_TEST_SEED) and prints
 * it, so a failure can be replayed with `REPLIKIT_TEST_SEED=<seed> pnpm exec jest <file>`.
 */

/** The seed for one randomised test: REPLIKIT_TEST_SEED when set, a random one otherwise; printed either way. */
export function testSeed(label: string): number {
  const env = process.env.REPLIKIT_TEST_SEED;
  let seed: number;
  if (env !== undefined && env !== '') {
    seed = Number(env);
    if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`REPLIKIT_TEST_SEED must be an integer in 0..2^32-1, got ${JSON.stringify(env)}`);
  } else {
    seed = Math.floor(Math.random() * 0x100000000);
  }
  console.log(`${label}: seed ${seed} (replay with REPLIKIT_TEST_SEED=${seed})`);
  return seed;
}

/** A small deterministic generator (mulberry32): numbers in [0, 1) from a 32-bit seed. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` bytes from a seeded generator (the replayable counterpart of crypto.randomBytes). */
export function seededBytes(random: () => number, n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(random() * 256);
  return out;
}
