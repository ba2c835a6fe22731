/**
 * The entry records of a KeyTable and the whole-table passes over them: rebuilding the bucket
 * chains, squeezing out holes, and copying the slab records into fresh slabs. The table keeps the
 * per-operation paths (find, insert, remove); these passes touch every entry and run rarely.
 *
 * An entry is four int32 fields next to each other in one Int32Array (`cols`, a 16-byte record per
 * entry): its hash, the next entry of its bucket's chain, its key ref and its value ref.
 */
import type { StoredValue } from '../command-api';
import type { StringSlab } from './string-slab';
import type { Cursor } from './table-cursors';

/** field offsets in an entry record of `cols` */
export const HASH = 0, NEXT = 1, KEY = 2, VAL = 3;
/** 4 int32 fields per entry: the index is a shift */
export const STRIDE_SHIFT = 2;

/** key ref of a removed entry (a hole) */
export const DEAD = -1;
/** key ref of an entry whose key is in the table's heapKeys */
export const KEY_ON_HEAP = -2;
/** value ref of an entry without a value (a tombstone) */
export const NO_VALUE = -1;
/** value ref of an entry whose value is in the table's objects */
export const IN_OBJECTS = -2;

/** What a whole-table pass reads and rewrites: the columns and the side maps keyed by entry index. */
export interface EntryColumns {
  cols: Int32Array;
  buckets: Int32Array;
  /** entries appended so far (live, tombstones and holes) */
  used: number;
  heapKeys: Map<number, string>;
  objects: Map<number, StoredValue>;
}

/** Rebuilds the bucket chains from the hashes of the entries that are not holes. */
export function rehash(t: EntryColumns): void {
  const b = t.buckets;
  const c = t.cols;
  b.fill(-1);
  const mask = b.length - 1;
  for (let i = 0; i < t.used; i++) {
    const e = i << STRIDE_SHIFT;
    if (c[e + KEY] === DEAD) continue;
    const k = c[e + HASH] & mask;
    c[e + NEXT] = b[k];
    b[k] = i;
  }
}

/**
 * Moves the entries down over the holes (order kept), re-keying the side maps, and moves every
 * cursor to the same place in the squeezed order; the new entry count. The bucket chains are stale
 * afterwards (the caller resizes or rehashes).
 */
export function squeezeEntries(t: EntryColumns, openCursors: Cursor[]): number {
  const cursors = openCursors.sort((a, b) => a.pos - b.pos);
  const c = t.cols;
  let ci = 0;
  let j = 0;
  for (let i = 0; i < t.used; i++) {
    while (ci < cursors.length && cursors[ci].pos <= i) cursors[ci++].pos = j;
    const ei = i << STRIDE_SHIFT;
    if (c[ei + KEY] === DEAD) continue;
    if (i !== j) {
      const ej = j << STRIDE_SHIFT;
      c[ej + KEY] = c[ei + KEY];
      c[ej + VAL] = c[ei + VAL];
      c[ej + HASH] = c[ei + HASH];
      // the maps are re-keyed in index order: every key below i already is a new index
      if (c[ej + KEY] === KEY_ON_HEAP) {
        t.heapKeys.set(j, t.heapKeys.get(i) as string);
        t.heapKeys.delete(i);
      }
      if (c[ej + VAL] === IN_OBJECTS) {
        t.objects.set(j, t.objects.get(i) as StoredValue);
        t.objects.delete(i);
      }
    }
    j++;
  }
  while (ci < cursors.length) cursors[ci++].pos = j;
  return j;
}

/** Copies the live key and value records of `old` into `fresh` and points the entries at the copies (O(n)). */
export function copyRecords(t: EntryColumns, old: StringSlab, fresh: StringSlab): void {
  const c = t.cols;
  for (let i = 0; i < t.used; i++) {
    const e = i << STRIDE_SHIFT;
    const k = c[e + KEY];
    if (k >= 0) {
      const ref = fresh.copyFrom(old, k);
      if (ref >= 0) c[e + KEY] = ref;
      else {
        c[e + KEY] = KEY_ON_HEAP;
        t.heapKeys.set(i, old.get(k));
      }
    }
    const v = c[e + VAL];
    if (v >= 0) {
      const ref = fresh.copyFrom(old, v);
      if (ref >= 0) c[e + VAL] = ref;
      else {
        c[e + VAL] = IN_OBJECTS;
        t.objects.set(i, old.get(v));
      }
    }
  }
}
