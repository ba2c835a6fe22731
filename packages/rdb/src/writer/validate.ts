/** Checks shared by the writer's encoders: a value Redis would choke on is a typed RdbWriteError. */
import { RdbWriteError } from '../errors';
import { KeySet } from './key-set';

export function fail(message: string): never {
  throw new RdbWriteError(message);
}

export function requireBuffer(b: unknown, what: string): asserts b is Buffer {
  if (!Buffer.isBuffer(b)) fail(`${what} must be a Buffer`);
}

export function requireNonEmpty(n: number, type: string): void {
  if (n === 0) fail(`empty ${type}: Redis skips empty collections on load, so the writer refuses them`);
}

/** Short printable form of a binary string for error messages. */
export function show(b: Buffer): string {
  const s = b.subarray(0, 40).toString('latin1');
  return JSON.stringify(b.length > 40 ? `${s}...` : s);
}

/**
 * Throws on a duplicate among `items` (a duplicate set/zset member is fatal on load in 7.0, a duplicate
 * hash field leaves a corrupt hash). Small collections are compared pairwise (no allocation).
 */
export function checkUnique(items: ReadonlyArray<Buffer>, what: string): void {
  const n = items.length;
  if (n < 2) return;
  if (n <= 8) {
    for (let i = 1; i < n; i++) {
      const a = items[i];
      for (let j = 0; j < i; j++) if (a.equals(items[j])) fail(`duplicate ${what} ${show(a)}`);
    }
    return;
  }
  const seen = new KeySet(n);
  for (let i = 0; i < n; i++) if (!seen.add(items[i])) fail(`duplicate ${what} ${show(items[i])}`);
}

/** Like checkUnique over the first element of pairs (hash fields, zset members). */
export function checkUniquePairs(pairs: ReadonlyArray<readonly [Buffer, unknown]>, what: string): void {
  const n = pairs.length;
  if (n < 2) return;
  if (n <= 8) {
    for (let i = 1; i < n; i++) {
      const a = pairs[i][0];
      for (let j = 0; j < i; j++) if (a.equals(pairs[j][0])) fail(`duplicate ${what} ${show(a)}`);
    }
    return;
  }
  const seen = new KeySet(n);
  for (let i = 0; i < n; i++) if (!seen.add(pairs[i][0])) fail(`duplicate ${what} ${show(pairs[i][0])}`);
}
