/**
 * The rules the differential applies to random replies reject what they must: each case is a reply
 * a broken implementation could give, next to Redis's copy of the key.
 */
import { checkAgainstCopy, checkRandomShapes, copyFromReply } from './random-replies';
import type { Frame } from './resp';

const bulk = (s: string | null): Frame => ({ t: '$', s });
const arr = (...items: string[]): Frame => ({ t: '*', items: items.map(bulk) });
const hash = new Map<string, string | null>([
  ['a', '1'],
  ['b', '2'],
  ['c', '3'],
]);
const set = new Map<string, string | null>([
  ['a', null],
  ['b', null],
  ['c', null],
]);

describe('random-reply rules', () => {
  it('accept correct replies', () => {
    expect(checkRandomShapes(['HRANDFIELD', 'h', '2'], arr('a', 'b'), arr('c', 'a'))).toBeNull();
    expect(checkAgainstCopy(['HRANDFIELD', 'h', '2'], arr('c', 'a'), hash)).toBeNull();
    expect(checkAgainstCopy(['HRANDFIELD', 'h', '-4', 'WITHVALUES'], arr('a', '1', 'a', '1', 'c', '3', 'b', '2'), hash)).toBeNull();
    expect(checkAgainstCopy(['SRANDMEMBER', 's', '10'], arr('a', 'b', 'c'), set)).toBeNull();
    expect(checkAgainstCopy(['SRANDMEMBER', 's'], bulk('b'), set)).toBeNull();
    expect(checkAgainstCopy(['SRANDMEMBER', 'missing'], bulk(null), new Map())).toBeNull();
    expect(checkAgainstCopy(['ZRANDMEMBER', 'z', '-2', 'WITHSCORES'], arr('a', '1', 'a', '1'), hash)).toBeNull();
    expect(checkAgainstCopy(['RANDOMKEY'], bulk('c'), set)).toBeNull();
  });

  it('reject a wrong type, repeats for a positive count, a wrong length, nil-ness', () => {
    expect(checkRandomShapes(['SRANDMEMBER', 's'], bulk('a'), arr('a'))).toMatch(/keyspace reply breaks the rules: expected a bulk string/);
    expect(checkRandomShapes(['SRANDMEMBER', 's', '2'], arr('a', 'b'), { t: ':', s: '2' })).toMatch(/expected an array/);
    expect(checkRandomShapes(['SRANDMEMBER', 's', '2'], arr('a', 'b'), arr('a', 'a'))).toMatch(/distinct members/);
    expect(checkRandomShapes(['SRANDMEMBER', 's', '2'], arr('a', 'b'), arr('a', 'b', 'c'))).toMatch(/at most 2 members/);
    expect(checkRandomShapes(['SRANDMEMBER', 's', '-3'], arr('a', 'a', 'b'), arr('a', 'b'))).toMatch(/3 members \(repeats allowed\) or none/);
    expect(checkRandomShapes(['SRANDMEMBER', 's', '3'], arr('a', 'b', 'c'), arr('a', 'b'))).toMatch(/different nil-ness, length or item types/);
    expect(checkRandomShapes(['HRANDFIELD', 'h'], bulk('a'), bulk(null))).toMatch(/different nil-ness/);
    expect(checkRandomShapes(['HRANDFIELD', 'h', '1', 'WITHVALUES'], arr('a', '1'), arr('a'))).toMatch(/member\/value pairs/);
    expect(checkRandomShapes(['ZRANDMEMBER', 'z', '1', 'WITHSCORES'], arr('a', '1'), arr('a', 'x'))).toMatch(/scores/);
  });

  it('RESP3: nil is _, pairs are [member, value] arrays, scores are doubles', () => {
    const pair = (m: string, v: Frame): Frame => ({ t: '*', items: [bulk(m), v] });
    const z3 = (...p: Array<[string, string]>): Frame => ({ t: '*', items: p.map(([m, v]) => pair(m, { t: ',', s: v })) });
    expect(checkRandomShapes(['SRANDMEMBER', 's'], { t: '_', s: '' }, { t: '_', s: '' })).toBeNull();
    expect(checkRandomShapes(['SRANDMEMBER', 's'], { t: '_', s: '' }, bulk(null))).toMatch(/item types/);
    expect(checkRandomShapes(['ZRANDMEMBER', 'z', '2', 'WITHSCORES'], z3(['a', '1'], ['b', '2']), z3(['b', '2'], ['a', '1']))).toBeNull();
    expect(checkRandomShapes(['ZRANDMEMBER', 'z', '2', 'WITHSCORES'], z3(['a', '1'], ['b', '2']), arr('a', '1', 'b', '2'))).toMatch(/item types/);
    expect(checkRandomShapes(['ZRANDMEMBER', 'z', '2', 'WITHSCORES'], z3(['a', '1'], ['b', '2']), z3(['a', '1'], ['a', '1']))).toMatch(/distinct members/);
    const copy3: Frame = { t: '*', items: [pair('a', { t: ',', s: '1' }), pair('b', { t: ',', s: '2' })] };
    expect(copyFromReply({ kind: 'zset', key: 'z', count: 2n, pairs: true }, copy3)).toEqual(new Map([['a', '1'], ['b', '2']]));
    expect(checkAgainstCopy(['ZRANDMEMBER', 'z', '-1', 'WITHSCORES'], z3(['b', '3']), new Map([['b', '2']]))).toMatch(/member "b" with "3"/);
  });

  it("reject members, values and sizes that do not match Redis's copy", () => {
    expect(checkAgainstCopy(['SRANDMEMBER', 's', '2'], arr('a', 'zz'), set)).toMatch(/member "zz" is not in Redis's copy/);
    expect(checkAgainstCopy(['SRANDMEMBER', 's', '10'], arr('a', 'b'), set)).toMatch(/2 members, expected 3/);
    expect(checkAgainstCopy(['SRANDMEMBER', 's', '-4'], arr(), set)).toMatch(/0 members, expected 4/);
    expect(checkAgainstCopy(['HRANDFIELD', 'h', '1', 'WITHVALUES'], arr('a', '2'), hash)).toMatch(/member "a" with "2", Redis's copy has "1"/);
    expect(checkAgainstCopy(['SRANDMEMBER', 's'], bulk(null), set)).toMatch(/nil true but Redis's copy has 3 members/);
    expect(checkAgainstCopy(['RANDOMKEY'], bulk('gone'), set)).toMatch(/not in Redis's copy/);
  });
});
