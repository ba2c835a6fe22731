/**
 * Differential generator: SORT / SORT_RO with BY (weights in strings and hash fields, constant
 * patterns), GET (`#`, keys, hash fields), LIMIT, ASC/DESC, ALPHA and STORE. The sorted keys have
 * their own names (`sl` list, `ss` set, `sz` sorted set) so the generator knows their types and
 * only asks for orders Redis defines: a set read in its own (hash table) order is compared as
 * unordered and never cut by LIMIT, and ALPHA by weights (whose ties keep the load order, or the
 * order of Redis's partial quicksort under LIMIT) is only used on lists.
 */
import type fc from 'fast-check';
import type { CommandGenerator, GenContext, GenStep } from './generator-types';

const ELEMS = ['1', '2', '3', '10', '-1', '1.5', 'a', 'b', 'B', '', ' 1', 'x y', '7', '0x10', 'inf'];
// No out-of-range weights (1e400, 5e-324): Redis tests errno == ERANGE after strtod without
// clearing errno first, so after one such weight every later numeric SORT may fail until some
// other call overwrites errno; that state cannot be followed from outside.
const WEIGHTS = ['1', '2', '3', '-5', '0.5', '10', 'a', 'b', '', 'nan', ' 2', '2 ', '1e3'];
const LIMITS = ['0', '1', '2', '3', '-1', '100', 'x'];

type Sorted = 'sl' | 'ss' | 'sz' | 'k1' | 'missing';

function sortArgv(key: Sorted, o: { by?: string; gets: string[]; limit?: [string, string]; desc?: string; alpha: boolean; store?: string; ro: boolean }): GenStep {
  const argv = [o.ro ? 'SORT_RO' : 'SORT', key];
  if (o.by !== undefined) argv.push('BY', o.by);
  if (o.limit) argv.push('LIMIT', ...o.limit);
  for (const g of o.gets) argv.push('GET', g);
  if (o.desc) argv.push(o.desc);
  if (o.alpha) argv.push('ALPHA');
  if (o.store !== undefined) argv.push('STORE', o.store);
  const constantBy = o.by !== undefined && !o.by.includes('*');
  const unordered = key === 'ss' && constantBy && o.store === undefined;
  return { argv, compare: unordered ? 'sorted' : undefined };
}

/**
 * The SORT generator; `numeric: false` keeps to sorts that parse no number (ALPHA, constant BY).
 * Redis checks `errno == ERANGE` after strtod without clearing errno, so on a connection where an
 * earlier command (ZADD 1e400, ...) left ERANGE, every numeric SORT fails until some other call
 * overwrites errno. The mixed differential run (all families on one connection) therefore only
 * gets the non-numeric form; families-propagation.test.ts runs the full one alone.
 */
function makeSortGenerator(numeric: boolean): CommandGenerator {
  return { family: numeric ? 'sort' : 'sort-alpha', steps: (c, f) => sortSteps(c, f, numeric) };
}

function sortSteps(_c: GenContext, f: typeof fc, numeric: boolean) {
    const step = (a: fc.Arbitrary<string[]>, compare?: GenStep['compare']) => a.map((argv): GenStep => ({ argv, compare }));
    const el = f.constantFrom(...ELEMS);
    const els = f.array(el, { minLength: 1, maxLength: 5 });
    const byPat = f.constantFrom('w_*', 'h_*->f', 'h_*->', 'nosort', 'w_*_x', '#');
    const getPat = f.constantFrom('#', 'w_*', 'h_*->f', 'h_*->g', 'const');
    const opts = f.record({
      key: f.constantFrom<Sorted>('sl', 'ss', 'sz', 'sl', 'sz', 'k1', 'missing'),
      by: f.option(byPat, { nil: undefined }),
      gets: f.array(getPat, { maxLength: 2 }),
      limit: f.option(f.tuple(f.constantFrom(...LIMITS), f.constantFrom(...LIMITS)), { nil: undefined }),
      desc: f.constantFrom(undefined, 'DESC', 'asc', 'desc'),
      alpha: f.boolean(),
      store: f.option(f.constantFrom('dst', 'sl', 'k1'), { nil: undefined, freq: 3 }),
      ro: f.boolean(),
    });
    const sort = opts
      .map((o) => ({ ...o, store: o.ro ? undefined : o.store }))
      .map((o) => (numeric || o.alpha || (o.by !== undefined && !o.by.includes('*')) ? o : { ...o, alpha: true }))
      .filter((o) => !(o.key === 'ss' && o.by !== undefined && !o.by.includes('*') && o.limit !== undefined && o.store === undefined))
      .filter((o) => !(o.alpha && o.by?.includes('*') && o.key !== 'sl' && o.key !== 'missing'))
      .map((o) => sortArgv(o.key, o));
    return [
      { weight: 3, arbitrary: step(els.map((e) => ['RPUSH', 'sl', ...e])) },
      { weight: 1, arbitrary: step(f.constantFrom(['DEL', 'sl'], ['LPOP', 'sl'], ['DEL', 'ss'], ['DEL', 'sz'])) },
      { weight: 3, arbitrary: step(els.map((e) => ['SADD', 'ss', ...e])) },
      { weight: 3, arbitrary: step(f.array(f.tuple(f.constantFrom('1', '2', '0', '-1', '2.5'), el), { minLength: 1, maxLength: 4 }).map((p) => ['ZADD', 'sz', ...p.flat()])) },
      { weight: 3, arbitrary: step(f.tuple(el, f.constantFrom(...WEIGHTS)).map(([e, w]) => ['SET', `w_${e}`, w])) },
      { weight: 2, arbitrary: step(f.tuple(el, f.constantFrom('f', 'g'), f.constantFrom(...WEIGHTS)).map(([e, fl, w]) => ['HSET', `h_${e}`, fl, w])) },
      { weight: 1, arbitrary: step(el.map((e) => ['LPUSH', `w_${e}`, 'x'])) },
      { weight: 1, arbitrary: step(el.map((e) => ['DEL', `w_${e}`])) },
      { weight: 12, arbitrary: sort },
      { weight: 1, arbitrary: step(f.constantFrom(['SORT', 'sl', 'LIMIT', '0'], ['SORT', 'sl', 'FOO'], ['SORT_RO', 'sl', 'STORE', 'x'], ['SORT', 'sl', 'BY'], ['SORT'])) },
      { weight: 1, arbitrary: step(f.constantFrom(['OBJECT', 'ENCODING', 'sz'], ['LRANGE', 'dst', '0', '-1'], ['TYPE', 'dst'])) },
    ];
}

export const sortGenerator = makeSortGenerator(true);
export const sortAlphaGenerator = makeSortGenerator(false);
