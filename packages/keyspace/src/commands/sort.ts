/**
 * SORT and SORT_RO (Redis 7.0 sort.c): numeric or ALPHA sorting of a list, set or sorted set,
 * BY weights (`w_*`, `h_*->field`, or a constant pattern that skips sorting), GET patterns
 * (`#` for the element itself), LIMIT, ASC/DESC and STORE into a list.
 *
 * Ordering rules copied from Redis: numeric ties fall back to a binary comparison of the
 * elements; ALPHA compares like strcoll in the C locale (bytes up to the first NUL), or binary
 * when STORE is given; the sort is stable, as glibc's merge-sort qsort is for the sizes involved.
 */
import { ErrorReply, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec, Db, StoredValue } from '../command-api';
import { NOT_INTEGER, SYNTAX_ERR, WRONGTYPE } from '../reply-errors';
import { parseInt64 } from '../util/int64';
import { ListValue } from '../types/list-value';
import type { HashValue } from '../types/hash-value';
import type { SetValue } from '../types/set-value';
import type { ZSetValue } from '../types/zset-value';
import { parseDouble } from '../util/double';
import { NOTIFY_GENERIC, NOTIFY_LIST } from '../notify';
import { familySpec } from './meta-families';
import { pqsort } from './pqsort';

const SCORE_ERR = new ErrorReply("ERR One or more scores can't be converted into double");
/** DBL_MIN: glibc's strtod reports ERANGE for results below it (subnormals), which SORT rejects. */
const DBL_MIN = 2.2250738585072014e-308;

interface SortItem {
  obj: BinaryString;
  score: number;
  cmp: BinaryString | undefined;
}

/** The C-string view of a binary string (what strtod/strcoll see): up to the first NUL. */
function cstr(s: BinaryString): BinaryString {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

/** strtod over the whole C string as sortCommand checks it: the score, or null (error). */
function sortScore(s: BinaryString): number | null {
  const c = cstr(s);
  if (c.length === 0) return 0;
  let i = 0;
  while (i < c.length && (c.charCodeAt(i) === 32 || (c.charCodeAt(i) >= 9 && c.charCodeAt(i) <= 13))) i++;
  const v = parseDouble(c.slice(i));
  if (v === null || (v !== 0 && Math.abs(v) < DBL_MIN)) return null;
  return v;
}

function binCompare(a: BinaryString, b: BinaryString): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * lookupKeyByPattern: `#` is the element itself; otherwise the first `*` is replaced by the
 * element and the key (or the hash field after `->`) is read; undefined when missing or of
 * another type, or when the pattern has no `*`.
 */
function lookupByPattern(db: Db, pattern: BinaryString, elem: BinaryString): BinaryString | undefined {
  const pat = cstr(pattern);
  if (pat === '#') return elem;
  const star = pat.indexOf('*');
  if (star < 0) return undefined;
  const arrow = pat.indexOf('->', star + 1);
  const hasField = arrow >= 0 && arrow + 2 < pat.length;
  const key = pat.slice(0, star) + elem + pat.slice(star + 1, hasField ? arrow : pat.length);
  const v: StoredValue | undefined = db.lookupRead(key);
  if (v === undefined) return undefined;
  if (hasField) {
    if (typeof v === 'string' || v.type !== 'hash') return undefined;
    return (v as HashValue).get(pat.slice(arrow + 2));
  }
  return typeof v === 'string' ? v : undefined;
}

interface SortOptions {
  desc: boolean;
  alpha: boolean;
  limitStart: number;
  limitCount: number;
  store: BinaryString | undefined;
  by: BinaryString | undefined;
  dontsort: boolean;
  gets: BinaryString[];
}

function parseOptions(argv: readonly BinaryString[], readonly: boolean): SortOptions | ErrorReply {
  const o: SortOptions = { desc: false, alpha: false, limitStart: 0, limitCount: -1, store: undefined, by: undefined, dontsort: false, gets: [] };
  for (let j = 2; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const opt = argv[j].toLowerCase();
    if (opt === 'asc') o.desc = false;
    else if (opt === 'desc') o.desc = true;
    else if (opt === 'alpha') o.alpha = true;
    else if (opt === 'limit' && left >= 2) {
      const s = parseInt64(argv[j + 1]);
      const c = parseInt64(argv[j + 2]);
      if (s === null || c === null) return NOT_INTEGER;
      o.limitStart = Number(s);
      o.limitCount = Number(c);
      j += 2;
    } else if (!readonly && opt === 'store' && left >= 1) {
      o.store = argv[++j];
    } else if (opt === 'by' && left >= 1) {
      o.by = argv[++j];
      o.dontsort = cstr(o.by).indexOf('*') < 0;
    } else if (opt === 'get' && left >= 1) {
      o.gets.push(argv[++j]);
    } else return SYNTAX_ERR;
  }
  return o;
}

function sortGeneric(ctx: CommandContext, argv: readonly BinaryString[], readonly: boolean): RespValue {
  const o = parseOptions(argv, readonly);
  if (o instanceof ErrorReply) return o;
  const db = ctx.db;
  const v = db.lookupRead(argv[1]);
  if (v !== undefined && (typeof v === 'string' || (v.type !== 'list' && v.type !== 'set' && v.type !== 'zset'))) return WRONGTYPE;
  const type = v === undefined ? 'list' : v.type;
  let { dontsort, alpha, by } = o;
  // a set has no order of its own: with STORE its elements are sorted anyway, for replication
  if (dontsort && type === 'set' && o.store !== undefined) {
    dontsort = false;
    alpha = true;
    by = undefined;
  }
  // Redis converts a listpack sorted set to a skiplist before sorting it
  if (v !== undefined && type === 'zset') (v as ZSetValue).convertToSkiplist();
  const size = v === undefined ? 0 : (v as { size: number }).size;
  let start = Math.min(Math.max(o.limitStart, 0), size);
  const count = Math.min(Math.max(o.limitCount, -1), size);
  let end = count < 0 ? size - 1 : start + count - 1;
  if (start >= size) {
    start = size - 1;
    end = size - 2;
  }
  if (end >= size) end = size - 1;

  let elems: BinaryString[];
  if (v === undefined) elems = [];
  else if (type === 'set') elems = (v as SetValue).toArray();
  else if (type === 'list') elems = (v as ListValue).toArray();
  else elems = (v as ZSetValue).toPlain().map((p) => p[0]);
  if (dontsort && type !== 'set') {
    // lists and sorted sets keep their own order (reversed by DESC); LIMIT picks the range
    if (o.desc) elems.reverse();
    elems = end >= start ? elems.slice(start, end + 1) : [];
    end -= start;
    start = 0;
  }
  const items: SortItem[] = elems.map((obj) => ({ obj, score: 0, cmp: undefined }));
  if (!dontsort) {
    let bad = false;
    for (const it of items) {
      const byval = by !== undefined ? lookupByPattern(db, by, it.obj) : it.obj;
      if (byval === undefined) continue;
      if (alpha) {
        if (by !== undefined) it.cmp = byval;
      } else {
        const s = sortScore(byval);
        if (s === null) bad = true;
        else it.score = s;
      }
    }
    if (bad) return SCORE_ERR;
    const store = o.store !== undefined;
    const strcmp = (a: BinaryString, b: BinaryString) => (store ? binCompare(a, b) : binCompare(cstr(a), cstr(b)));
    let cmp: (a: SortItem, b: SortItem) => number;
    if (!alpha) cmp = (a, b) => (a.score > b.score ? 1 : a.score < b.score ? -1 : binCompare(a.obj, b.obj));
    else if (by !== undefined) cmp = (a, b) => (a.cmp === undefined || b.cmp === undefined ? (a.cmp === b.cmp ? 0 : a.cmp === undefined ? -1 : 1) : strcmp(a.cmp, b.cmp));
    else cmp = (a, b) => strcmp(a.obj, b.obj);
    const ordered = o.desc ? (a: SortItem, b: SortItem) => -cmp(a, b) : cmp;
    // with BY and a LIMIT that cuts, Redis sorts only the requested range with its pqsort
    if (by !== undefined && (start !== 0 || end !== items.length - 1)) pqsort(items, ordered, start, end);
    else items.sort(ordered);
  }

  const picked = end >= start ? items.slice(start, end + 1) : [];
  if (o.store === undefined) {
    const out: RespValue[] = [];
    for (const it of picked) {
      if (o.gets.length === 0) out.push(it.obj);
      for (const g of o.gets) out.push(lookupByPattern(db, g, it.obj) ?? null);
    }
    return out;
  }
  const list = new ListValue();
  for (const it of picked) {
    if (o.gets.length === 0) list.pushTail(it.obj);
    for (const g of o.gets) list.pushTail(lookupByPattern(db, g, it.obj) ?? '');
  }
  if (list.size > 0) {
    db.setValue(o.store, list);
    ctx.notify(NOTIFY_LIST, 'sortstore', o.store);
    ctx.dirty(list.size);
  } else if (db.delete(o.store)) {
    ctx.notify(NOTIFY_GENERIC, 'del', o.store);
    ctx.dirty();
  }
  return list.size;
}

export const sortCommands: CommandSpec[] = [familySpec('sort', (ctx, argv) => sortGeneric(ctx, argv, false)), familySpec('sort_ro', (ctx, argv) => sortGeneric(ctx, argv, true))];
