/**
 * Redis's pqsort (pqsort.c): Bentley & McIlroy's quicksort that only finishes the partitions
 * overlapping the index range [lrange, rrange]. It is not stable, so where elements compare equal
 * their final order is the one this exact algorithm produces; SORT ... BY ... LIMIT and
 * GEORADIUS/GEOSEARCH ... COUNT use it, and reproducing their replies needs the same steps.
 */

export function pqsort<T>(x: T[], cmp: (a: T, b: T) => number, lrange: number, rrange: number): void {
  sortRange(x, 0, x.length, cmp, lrange, rrange);
}

function swap<T>(x: T[], i: number, j: number): void {
  const t = x[i];
  x[i] = x[j];
  x[j] = t;
}

function vecswap<T>(x: T[], i: number, j: number, n: number): void {
  for (let k = 0; k < n; k++) swap(x, i + k, j + k);
}

function med3<T>(x: T[], a: number, b: number, c: number, cmp: (a: T, b: T) => number): number {
  return cmp(x[a], x[b]) < 0 ? (cmp(x[b], x[c]) < 0 ? b : cmp(x[a], x[c]) < 0 ? c : a) : cmp(x[b], x[c]) > 0 ? b : cmp(x[a], x[c]) < 0 ? a : c;
}

/** True when the block [start, end] lies wholly left or right of [l, r]. */
const outside = (start: number, end: number, l: number, r: number) => (l < start && r < start) || (l > end && r > end);

function sortRange<T>(x: T[], base: number, n: number, cmp: (a: T, b: T) => number, l: number, r: number): void {
  for (;;) {
    if (n < 7) {
      for (let pm = base + 1; pm < base + n; pm++) for (let pl = pm; pl > base && cmp(x[pl - 1], x[pl]) > 0; pl--) swap(x, pl, pl - 1);
      return;
    }
    let pm = base + Math.floor(n / 2);
    if (n > 7) {
      let pl = base;
      let pn = base + n - 1;
      if (n > 40) {
        const d = Math.floor(n / 8);
        pl = med3(x, pl, pl + d, pl + 2 * d, cmp);
        pm = med3(x, pm - d, pm, pm + d, cmp);
        pn = med3(x, pn - 2 * d, pn - d, pn, cmp);
      }
      pm = med3(x, pl, pm, pn, cmp);
    }
    swap(x, base, pm);
    let pa = base + 1;
    let pb = pa;
    let pc = base + n - 1;
    let pd = pc;
    for (;;) {
      let c: number;
      while (pb <= pc && (c = cmp(x[pb], x[base])) <= 0) {
        if (c === 0) swap(x, pa++, pb);
        pb++;
      }
      while (pb <= pc && (c = cmp(x[pc], x[base])) >= 0) {
        if (c === 0) swap(x, pc, pd--);
        pc--;
      }
      if (pb > pc) break;
      swap(x, pb++, pc--);
    }
    const pn = base + n;
    let s = Math.min(pa - base, pb - pa);
    vecswap(x, base, pb - s, s);
    s = Math.min(pd - pc, pn - pd - 1);
    vecswap(x, pb, pn - s, s);
    s = pb - pa;
    if (s > 1 && !outside(base, base + s - 1, l, r)) sortRange(x, base, s, cmp, l, r);
    s = pd - pc;
    if (s <= 1) return;
    base = pn - s;
    n = s;
    if (outside(base, base + s - 1, l, r)) return;
  }
}
