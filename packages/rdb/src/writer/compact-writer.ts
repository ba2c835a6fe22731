/**
 * The compact encodings Redis 7.0 itself writes, chosen by Redis's default thresholds
 * (writer/defaults.ts): SET_INTSET (11), HASH_LISTPACK (16), ZSET_LISTPACK (17) for small
 * collections, LIST_QUICKLIST_2 (18) with packed listpack nodes of at most 8 KiB for lists.
 * Collections over the thresholds fall back to the plain encodings (plain-writer.ts).
 */
import { encodeIntset } from '../codec/intset';
import { parseCanonicalInt64 } from '../codec/length';
import { encodeListpack } from '../codec/listpack';
import {
  HASH_MAX_LISTPACK_ENTRIES,
  HASH_MAX_LISTPACK_VALUE,
  LIST_MAX_LISTPACK_BYTES,
  SET_MAX_INTSET_ENTRIES,
  ZSET_MAX_LISTPACK_ENTRIES,
  ZSET_MAX_LISTPACK_VALUE,
} from './defaults';
import type { OutputBuffer } from './output-buffer';
import { checkScores, compareZsetPairs } from './plain-writer';
import { writeRdbString } from './string-writer';
import { checkUnique, checkUniquePairs, requireNonEmpty } from './validate';

export function hashFitsListpack(pairs: ReadonlyArray<readonly [Buffer, Buffer]>): boolean {
  if (pairs.length > HASH_MAX_LISTPACK_ENTRIES) return false;
  for (let i = 0; i < pairs.length; i++) {
    if (pairs[i][0].length > HASH_MAX_LISTPACK_VALUE || pairs[i][1].length > HASH_MAX_LISTPACK_VALUE) return false;
  }
  return true;
}

export function zsetFitsListpack(pairs: ReadonlyArray<readonly [Buffer, number]>): boolean {
  if (pairs.length > ZSET_MAX_LISTPACK_ENTRIES) return false;
  for (let i = 0; i < pairs.length; i++) if (pairs[i][0].length > ZSET_MAX_LISTPACK_VALUE) return false;
  return true;
}

/** True when every member is the canonical decimal of an int64 and there are at most 512. */
export function setFitsIntset(members: ReadonlyArray<Buffer>): boolean {
  if (members.length > SET_MAX_INTSET_ENTRIES) return false;
  for (let i = 0; i < members.length; i++) {
    const m = members[i];
    if (m.length > 20 || parseCanonicalInt64(m) === null) return false;
  }
  return true;
}

export function writeIntsetSet(out: OutputBuffer, members: ReadonlyArray<Buffer>, compress: boolean): void {
  requireNonEmpty(members.length, 'set');
  checkUnique(members, 'set member');
  const blob = encodeIntset(members);
  if (blob === null) throw new RangeError('writeIntsetSet: members are not all int64 decimals');
  writeRdbString(out, blob, compress);
}

export function writeListpackHash(out: OutputBuffer, pairs: ReadonlyArray<readonly [Buffer, Buffer]>, compress: boolean): void {
  requireNonEmpty(pairs.length, 'hash');
  checkUniquePairs(pairs, 'hash field');
  const items: Buffer[] = new Array(pairs.length * 2);
  for (let i = 0; i < pairs.length; i++) {
    items[2 * i] = pairs[i][0];
    items[2 * i + 1] = pairs[i][1];
  }
  writeRdbString(out, encodeListpack(items), compress);
}

const INT64_SAFE = 2 ** 62; // (double)(LLONG_MAX / 2): Redis's double2ll range

/**
 * The text Redis 7.0 stores for a zset score in a listpack (zzlInsertAt): the integer when the
 * double is integral and |d| ≤ 2^62 (then stored as an integer entry), else d2string's `%.17g`.
 * `-0` is kept as the text "-0" (Redis would store 0; ours loads back exactly).
 */
export function zsetScoreText(d: number): string {
  if (Object.is(d, -0)) return '-0';
  if (Number.isInteger(d) && d >= -INT64_SAFE && d <= INT64_SAFE) return BigInt(d).toString();
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  return formatG17(d);
}

/**
 * C's `%.17g` (glibc: exact value, ties to even) for a finite non-zero double. JS's toPrecision
 * rounds ties away from zero, so the 17 digits are rounded here from 40 exact ones.
 */
export function formatG17(d: number): string {
  const a = Math.abs(d);
  if (a >= 1e-4 && a < 1e17) {
    // fixed notation in both; without a possible tie (18th digit 5) toPrecision(17) is exact
    const t = d.toPrecision(18);
    if (t.charCodeAt(t.length - 1) !== 53) {
      const s = d.toPrecision(17);
      if (s.indexOf('.') < 0) return s;
      let end = s.length;
      while (s.charCodeAt(end - 1) === 48) end--;
      if (s.charCodeAt(end - 1) === 46) end--;
      return s.slice(0, end);
    }
  }
  const x = a.toExponential(39); // D.DDD…(39)e±E, correctly rounded to 40 digits
  const ePos = x.indexOf('e');
  let e = Number(x.slice(ePos + 1));
  const all = x[0] + x.slice(2, ePos);
  const digits = all.slice(0, 17).split('').map(Number);
  const next = all.charCodeAt(17) - 48;
  const restNonZero = /[1-9]/.test(all.slice(18));
  if (next > 5 || (next === 5 && (restNonZero || digits[16] % 2 === 1))) {
    let i = 16;
    while (i >= 0 && digits[i] === 9) digits[i--] = 0;
    if (i >= 0) digits[i]++;
    else {
      digits.unshift(1);
      digits.pop();
      e++;
    }
  }
  let end = 17;
  while (end > 1 && digits[end - 1] === 0) end--;
  const sig = digits.slice(0, end).join('');
  const sign = d < 0 ? '-' : '';
  if (e < -4 || e >= 17) {
    const ae = Math.abs(e);
    return `${sign}${sig[0]}${sig.length > 1 ? `.${sig.slice(1)}` : ''}e${e < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${sig}`;
  if (sig.length <= e + 1) return `${sign}${sig}${'0'.repeat(e + 1 - sig.length)}`;
  return `${sign}${sig.slice(0, e + 1)}.${sig.slice(e + 1)}`;
}

export function writeListpackZset(out: OutputBuffer, pairs: ReadonlyArray<readonly [Buffer, number]>, compress: boolean): void {
  requireNonEmpty(pairs.length, 'zset');
  checkScores(pairs);
  checkUniquePairs(pairs, 'zset member');
  const sorted = pairs.slice().sort(compareZsetPairs);
  const items: Buffer[] = new Array(sorted.length * 2);
  for (let i = 0; i < sorted.length; i++) {
    items[2 * i] = sorted[i][0];
    items[2 * i + 1] = Buffer.from(zsetScoreText(sorted[i][1]), 'latin1');
  }
  writeRdbString(out, encodeListpack(items), compress);
}

/** Upper bound of one element's listpack entry (encoding + data + backlen). */
function entryBound(len: number): number {
  return len + 11;
}

/**
 * LIST_QUICKLIST_2 with PACKED nodes (container 2), each a listpack of at most ~8 KiB like
 * `list-max-listpack-size -2`; an element larger than that gets a node of its own.
 */
export function writeQuicklist(out: OutputBuffer, items: ReadonlyArray<Buffer>, compress: boolean): void {
  requireNonEmpty(items.length, 'list');
  const bounds: number[] = [0];
  let size = 7;
  for (let i = 0; i < items.length; i++) {
    const b = entryBound(items[i].length);
    if (size + b > LIST_MAX_LISTPACK_BYTES && i > bounds[bounds.length - 1]) {
      bounds.push(i);
      size = 7;
    }
    size += b;
  }
  bounds.push(items.length);
  out.len(bounds.length - 1);
  for (let n = 0; n + 1 < bounds.length; n++) {
    out.len(2); // QUICKLIST_NODE_CONTAINER_PACKED
    writeRdbString(out, encodeListpack(items.slice(bounds[n], bounds[n + 1])), compress);
  }
}
