/**
 * The plain encodings every Redis since 2.x loads (protocol.md §9.6): LIST (1), SET (2), ZSET_2 (5),
 * HASH (4). Redis rebuilds listpacks/intsets from them on load by its own thresholds.
 */
import type { OutputBuffer } from './output-buffer';
import { writeRdbString } from './string-writer';
import { checkUnique, checkUniquePairs, fail, requireNonEmpty, show } from './validate';

export const RDB_TYPE_STRING = 0;
export const RDB_TYPE_LIST = 1;
export const RDB_TYPE_SET = 2;
export const RDB_TYPE_HASH = 4;
export const RDB_TYPE_ZSET_2 = 5;
export const RDB_TYPE_MODULE_2 = 7;
export const RDB_TYPE_SET_INTSET = 11;
export const RDB_TYPE_HASH_LISTPACK = 16;
export const RDB_TYPE_ZSET_LISTPACK = 17;
export const RDB_TYPE_LIST_QUICKLIST_2 = 18;
export const RDB_TYPE_STREAM_LISTPACKS_2 = 19;

export function writePlainList(out: OutputBuffer, items: ReadonlyArray<Buffer>, compress: boolean): void {
  requireNonEmpty(items.length, 'list');
  out.len(items.length);
  for (let i = 0; i < items.length; i++) writeRdbString(out, items[i], compress);
}

export function writePlainSet(out: OutputBuffer, members: ReadonlyArray<Buffer>, compress: boolean): void {
  requireNonEmpty(members.length, 'set');
  checkUnique(members, 'set member');
  out.len(members.length);
  for (let i = 0; i < members.length; i++) writeRdbString(out, members[i], compress);
}

export function writePlainHash(out: OutputBuffer, pairs: ReadonlyArray<readonly [Buffer, Buffer]>, compress: boolean): void {
  requireNonEmpty(pairs.length, 'hash');
  checkUniquePairs(pairs, 'hash field');
  out.len(pairs.length);
  for (let i = 0; i < pairs.length; i++) {
    writeRdbString(out, pairs[i][0], compress);
    writeRdbString(out, pairs[i][1], compress);
  }
}

/** Zset order: ascending score, then member bytes (memcmp, shorter first), as Redis keeps them. */
export function compareZsetPairs(a: readonly [Buffer, number], b: readonly [Buffer, number]): number {
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : Buffer.compare(a[0], b[0]);
}

export function checkScores(pairs: ReadonlyArray<readonly [Buffer, number]>): void {
  for (let i = 0; i < pairs.length; i++) {
    const s = pairs[i][1];
    if (typeof s !== 'number' || Number.isNaN(s)) fail(`zset member ${show(pairs[i][0])} has a NaN or non-number score`);
  }
}

/** ZSET_2: highest score first (what Redis writes, so its skiplist inserts at the head on load). */
export function writePlainZset(out: OutputBuffer, pairs: ReadonlyArray<readonly [Buffer, number]>, compress: boolean): void {
  requireNonEmpty(pairs.length, 'zset');
  checkScores(pairs);
  checkUniquePairs(pairs, 'zset member');
  const sorted = pairs.slice().sort(compareZsetPairs);
  out.len(sorted.length);
  for (let i = sorted.length - 1; i >= 0; i--) {
    writeRdbString(out, sorted[i][0], compress);
    out.doubleLE(sorted[i][1]);
  }
}
