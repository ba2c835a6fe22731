/**
 * Differential generator: stream commands with deterministic replies (explicit ids and `ms-*`,
 * never `*`; no idle times or delivery times in the compared replies): XADD with every trim form,
 * bulk appends that cross node boundaries (by entry count and by listpack bytes) so `~` trims cut
 * where Redis cuts, XRANGE/XREVRANGE, XDEL, XTRIM, XSETID, XREAD, consumer groups (XGROUP,
 * XREADGROUP, XACK, XPENDING summary, XCLAIM/XAUTOCLAIM JUSTID), XINFO STREAM/GROUPS, bad
 * arguments and wrong types.
 */
import type fc from 'fast-check';
import type { CommandGenerator, GenContext, GenStep } from '../keyspace/generator-types';

const FIELDS = ['f', 'g', 'name', '1', '-5', ''];
const GROUPS = ['g1', 'g2', 'G'];
const CONSUMERS = ['c1', 'c2', 'alice'];
/** ids, some invalid */
const IDS = ['0', '0-0', '0-1', '1', '1-0', '1-1', '2-5', '3', '5-0', '5-3', '10-0', '100', '18446744073709551615-18446744073709551615', '-', '+', '(1-1', '(5', 'x', '1-x', '-1', ' 1', '+2', '007-1', '1-2-3', '18446744073709551616'];
const RANGE_IDS = ['-', '+', '0', '1-1', '(1-1', '2', '(2', '5-3', '(5-3', '10', '(0-0', '(18446744073709551615-18446744073709551615', 'x', '(-', '(+'];
const COUNTS: string[][] = [[], [], ['COUNT', '1'], ['COUNT', '2'], ['count', '5'], ['COUNT', '0'], ['COUNT', '-1'], ['COUNT', 'x'], ['COUNT']];

export const streamGenerator: CommandGenerator = {
  family: 'stream',
  steps(c: GenContext, f: typeof fc) {
    const step = (a: fc.Arbitrary<string[]>, compare?: GenStep['compare']) => a.map((argv): GenStep => ({ argv, compare }));
    const field = f.constantFrom(...FIELDS);
    const value = f.oneof({ arbitrary: c.value, weight: 9 }, { arbitrary: f.constantFrom('v'.repeat(700), 'w'.repeat(3000)), weight: 1 });
    const pairs = f.array(f.tuple(field, value), { minLength: 1, maxLength: 3 }).map((ps) => ps.flat());
    const id = f.constantFrom(...IDS);
    const group = f.constantFrom(...GROUPS);
    const consumer = f.constantFrom(...CONSUMERS);
    const ms = f.integer({ min: 1, max: 2000 });
    const addId = f.oneof({ arbitrary: ms.map((m) => `${m}-*`), weight: 5 }, { arbitrary: f.tuple(ms, f.integer({ min: 0, max: 3 })).map(([m, s]) => `${m}-${s}`), weight: 3 }, { arbitrary: id, weight: 1 });
    const trim = f.oneof(
      { arbitrary: f.constant<string[]>([]), weight: 6 },
      {
        arbitrary: f
          .tuple(f.constantFrom('MAXLEN', 'maxlen', 'MINID'), f.constantFrom<string[]>([], ['='], ['~']), f.constantFrom('0', '1', '3', '10', '50', '150', '-1', 'x', '500-0', '1500', '(5'), f.constantFrom<string[]>([], [], ['LIMIT', '0'], ['LIMIT', '100'], ['LIMIT', '-1']))
          .map(([s, m, n, l]) => [s, ...m, n, ...l]),
        weight: 3,
      },
      { arbitrary: f.constantFrom(['LIMIT', '5'], ['MAXLEN', '1', 'MINID', '1'], ['NOMKSTREAM'], ['nomkstream', 'MAXLEN', '~', '2']), weight: 1 },
    );
    // many entries in one MULTI: crosses the 100-entries (and, with long values, 4096-bytes) node limits
    const bulk = f.tuple(c.key, f.integer({ min: 20, max: 260 }), f.integer({ min: 1, max: 3000 }), f.constantFrom('v', 'x'.repeat(300))).map(([k, n, base, v]): GenStep => ({
      argv: [],
      multi: Array.from({ length: n }, (_, i) => ({ argv: ['XADD', k, `${base + i}-*`, i % 7 === 0 ? 'other' : 'f', i % 3 === 0 ? `${i}` : v] })),
    }));
    const streams = f.array(f.tuple(c.key, f.constantFrom('0', '0-0', '$', '1-1', '5', '>', 'x')), { minLength: 1, maxLength: 2 });
    return [
      { weight: 10, arbitrary: step(f.tuple(c.key, trim, addId, pairs).map(([k, t, i, p]) => ['XADD', k, ...t, i, ...p])) },
      { weight: 1, arbitrary: step(f.tuple(c.key, f.constantFrom<string[]>(['0-0'], ['*'], ['5-*', 'f'], ['1-1', 'f', 'v', 'g'])).map(([k, rest]) => ['XADD', k, ...rest])) },
      { weight: 1.2, arbitrary: bulk },
      { weight: 3, arbitrary: step(c.key.map((k) => ['XLEN', k])) },
      { weight: 4, arbitrary: step(f.tuple(f.constantFrom('XRANGE', 'XREVRANGE', 'xrange'), c.key, f.constantFrom(...RANGE_IDS), f.constantFrom(...RANGE_IDS), f.constantFrom(...COUNTS)).map(([cmd, k, a, b, n]) => [cmd, k, a, b, ...n])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, f.array(id, { minLength: 1, maxLength: 3 })).map(([k, ids]) => ['XDEL', k, ...ids])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, trim).map(([k, t]) => ['XTRIM', k, ...t])) },
      {
        weight: 1,
        arbitrary: step(
          f.tuple(c.key, id, f.constantFrom<string[]>([], ['ENTRIESADDED', '10'], ['ENTRIESADDED', '-1'], ['MAXDELETEDID', '1-1'], ['MAXDELETEDID', '99999-0'], ['ENTRIESADDED', '1000', 'MAXDELETEDID', '0-1'], ['BAD'])).map(([k, i, o]) => ['XSETID', k, i, ...o]),
        ),
      },
      { weight: 3, arbitrary: step(f.tuple(f.constantFrom(...COUNTS), streams).map(([n, ss]) => ['XREAD', ...n, 'STREAMS', ...ss.map((s) => s[0]), ...ss.map((s) => s[1])])) },
      { weight: 1, arbitrary: step(f.constantFrom(['XREAD', 'STREAMS', 'k1'], ['XREAD', 'GROUP', 'g', 'c', 'STREAMS', 'k1', '0'], ['XREAD', 'NOACK', 'STREAMS', 'k1', '0'], ['XREAD', 'COUNT', '1'], ['XREAD', 'BLOCK', '-1', 'STREAMS', 'k1', '0'], ['XREAD', 'BLOCK', 'x', 'STREAMS', 'k1', '0'])) },
      {
        weight: 4,
        arbitrary: step(
          f.tuple(c.key, group, f.constantFrom('$', '0', '1-1', '5', 'x'), f.constantFrom<string[]>([], [], ['MKSTREAM'], ['ENTRIESREAD', '3'], ['ENTRIESREAD', '-2'], ['MKSTREAM', 'ENTRIESREAD', '0'], ['BAD'])).map(([k, g, i, o]) => ['XGROUP', 'CREATE', k, g, i, ...o]),
        ),
      },
      { weight: 1, arbitrary: step(f.tuple(c.key, group, f.constantFrom('$', '0', '3-0', '-', 'x'), f.constantFrom<string[]>([], ['ENTRIESREAD', '2'], ['MKSTREAM'])).map(([k, g, i, o]) => ['XGROUP', 'SETID', k, g, i, ...o])) },
      { weight: 1, arbitrary: step(f.tuple(c.key, group).map(([k, g]) => ['XGROUP', 'DESTROY', k, g])) },
      { weight: 1, arbitrary: step(f.tuple(f.constantFrom('CREATECONSUMER', 'DELCONSUMER'), c.key, group, consumer).map(([s, k, g, n]) => ['XGROUP', s, k, g, n])) },
      { weight: 0.3, arbitrary: step(f.constantFrom(['XGROUP', 'HELP'], ['XGROUP', 'NOPE', 'k1', 'g'], ['XGROUP', 'CREATE', 'k1'], ['XINFO', 'HELP'], ['XINFO', 'NOPE', 'k1'], ['XINFO', 'STREAM', 'k1', 'FULL', 'x'])) },
      {
        weight: 6,
        arbitrary: step(
          f.tuple(group, consumer, f.constantFrom<string[]>([], [], ['NOACK'], ['COUNT', '2'], ['COUNT', '1', 'NOACK']), streams).map(([g, n, o, ss]) => ['XREADGROUP', 'GROUP', g, n, ...o, 'STREAMS', ...ss.map((s) => s[0]), ...ss.map((s) => s[1])]),
        ),
      },
      { weight: 3, arbitrary: step(f.tuple(c.key, group, f.array(id, { minLength: 1, maxLength: 3 })).map(([k, g, ids]) => ['XACK', k, g, ...ids])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, group).map(([k, g]) => ['XPENDING', k, g])) },
      { weight: 0.5, arbitrary: step(f.tuple(c.key, group).map(([k, g]) => ['XPENDING', k, g, '-', '+', 'x'])) },
      {
        weight: 2,
        arbitrary: step(
          f.tuple(c.key, group, consumer, f.array(id, { minLength: 1, maxLength: 3 }), f.constantFrom<string[]>(['JUSTID'], ['JUSTID', 'FORCE'], ['JUSTID', 'LASTID', '3-0'], ['JUSTID', 'RETRYCOUNT', '5'], ['BOGUS'], ['JUSTID', 'IDLE', 'x'])).map(([k, g, n, ids, o]) => [
            'XCLAIM',
            k,
            g,
            n,
            '0',
            ...ids,
            ...o,
          ]),
        ),
      },
      { weight: 2, arbitrary: step(f.tuple(c.key, group, consumer, f.constantFrom('0', '(1-1', '3', 'x'), f.constantFrom<string[]>(['JUSTID'], ['COUNT', '2', 'JUSTID'], ['COUNT', '0', 'JUSTID'], ['JUSTID', 'BAD'])).map(([k, g, n, s, o]) => ['XAUTOCLAIM', k, g, n, '0', s, ...o])) },
      { weight: 2, arbitrary: step(c.key.map((k) => ['XINFO', 'STREAM', k])) },
      { weight: 2, arbitrary: step(c.key.map((k) => ['XINFO', 'GROUPS', k])) },
    ];
  },
};
