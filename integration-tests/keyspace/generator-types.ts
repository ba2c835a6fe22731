/**
 * Pluggable command generators for the differential tests. Each family file (gen-string.ts,
 * gen-keys.ts, gen-hash.ts, ...) exports a CommandGenerator; gen-registry.ts gathers them.
 */
import type fc from 'fast-check';

/**
 * How replies are compared (errors are always compared byte for byte):
 * - exact: identical RESP bytes
 * - sorted: an unordered array (SMEMBERS, KEYS): items sorted before comparing
 * - sorted-pairs: a flat array of pairs (HGETALL): pairs sorted
 * - ttl-s / ttl-ms: integers equal within 1 s / 250 ms (relative TTLs race the two clocks)
 * - random: HRANDFIELD, SRANDMEMBER, ZRANDMEMBER, RANDOMKEY (random-replies.ts): reply types, the
 *   length and uniqueness rules by the sign of the count, and every member (value, score) in
 *   Redis's copy of the key
 * - scan: [cursor, items]: the cursor must be equal (the generator uses COUNT large enough to finish), items sorted
 */
export type CompareMode = 'exact' | 'sorted' | 'sorted-pairs' | 'ttl-s' | 'ttl-ms' | 'random' | 'scan';

export interface GenStep {
  argv: string[];
  compare?: CompareMode;
  /** a MULTI ... EXEC block: these steps are queued (argv above is ignored) */
  multi?: GenStep[];
}

export interface GenContext {
  /** the key pool (small, so types collide and WRONGTYPE paths are hit) */
  readonly key: fc.Arbitrary<string>;
  /** string values: small, integer-like, float-like, binary */
  readonly value: fc.Arbitrary<string>;
  /** integer-like arguments including edge and invalid ones */
  readonly int: fc.Arbitrary<string>;
  /** float-like arguments including edge and invalid ones */
  readonly float: fc.Arbitrary<string>;
}

export interface CommandGenerator {
  readonly family: string;
  /** weighted single-command arbitraries */
  steps(ctx: GenContext, fcm: typeof fc): Array<{ weight: number; arbitrary: fc.Arbitrary<GenStep> }>;
}
