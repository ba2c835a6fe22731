/** Checks shared by the writer's encoders: a value Redis would choke on is a typed RdbWriteError. */
import { RdbWriteError } from '../errors';
import { KeySet, hashBytes } from './key-set';

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

/** Reused open-addressing scratch for collections of at most SMALL items: (hash, index + 1) pairs. */
const SMALL = 256;
const scratch = new Int32Array(SMALL * 4);

/** Index of the first item equal to an earlier one, or -1; `at(i)` gives item i. */
function firstDuplicate(n: number, at: (i: number) => Buffer): number {
  if (n < 2) return -1;
  if (n <= 4) {
    for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) if (at(i).equals(at(j))) return i;
    return -1;
  }
  if (n > SMALL) {
    let total = 0;
    for (let i = 0; i < n; i++) total += at(i).length;
    const seen = new KeySet(n, total);
    for (let i = 0; i < n; i++) if (!seen.add(at(i))) return i;
    return -1;
  }
  let cap = 8;
  while (cap < n * 2) cap *= 2;
  const mask = cap - 1;
  scratch.fill(0, 0, cap * 2);
  for (let i = 0; i < n; i++) {
    const item = at(i);
    const h = hashBytes(item);
    let slot = h & mask;
    for (;;) {
      const v = scratch[2 * slot + 1];
      if (v === 0) break;
      if (scratch[2 * slot] === h && at(v - 1).equals(item)) return i;
      slot = (slot + 1) & mask;
    }
    scratch[2 * slot] = h;
    scratch[2 * slot + 1] = i + 1;
  }
  return -1;
}

/**
 * Throws on a duplicate among `items` (a duplicate set/zset member is fatal on load in 7.0, a
 * duplicate hash field leaves a corrupt hash).
 */
export function checkUnique(items: ReadonlyArray<Buffer>, what: string): void {
  const d = firstDuplicate(items.length, (i) => items[i]);
  if (d >= 0) fail(`duplicate ${what} ${show(items[d])}`);
}

/** Like checkUnique over the first element of pairs (hash fields, zset members). */
export function checkUniquePairs(pairs: ReadonlyArray<readonly [Buffer, unknown]>, what: string): void {
  const d = firstDuplicate(pairs.length, (i) => pairs[i][0]);
  if (d >= 0) fail(`duplicate ${what} ${show(pairs[d][0])}`);
}
