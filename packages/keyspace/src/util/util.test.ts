import fc from 'fast-check';
import { formatDouble, parseDouble } from './double';
import { compileGlob, globMatch } from './glob';
import { addInt64, isIntEncodable, parseInt64 } from './int64';
import { addLongDouble, formatLongDouble, parseLongDouble } from './long-double';
import { ScanCursors, parseScanCursor, parseScanOptions } from './scan-cursor';

describe('parseInt64 (string2ll)', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['-1', -1],
    ['9007199254740991', 9007199254740991],
    ['9007199254740992', 9007199254740992n],
    ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
  ])('%s', (s, v) => expect(parseInt64(s)).toBe(v));
  it.each(['', '-', '+1', '01', '-0', ' 1', '1 ', '1.0', '9223372036854775808', '-9223372036854775809', 'abc', '1e3', '0x10', '123456789012345678901'])('rejects %j', (s) => {
    expect(parseInt64(s)).toBeNull();
  });
  it('round-trips every int64 it accepts', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (b) => {
        const v = parseInt64(b.toString());
        expect(v === null ? null : BigInt(v)).toBe(b);
      }),
    );
  });
  it('addInt64 detects overflow', () => {
    expect(addInt64(9223372036854775806n, 1)).toBe(9223372036854775807n);
    expect(addInt64(9223372036854775807n, 1)).toBeNull();
    expect(addInt64(-9223372036854775808n, -1)).toBeNull();
    expect(addInt64(9007199254740991, 1)).toBe(9007199254740992n);
    expect(addInt64(2, 3)).toBe(5);
  });
  it('isIntEncodable', () => {
    expect(isIntEncodable('123')).toBe(true);
    expect(isIntEncodable('-9223372036854775808')).toBe(true);
    expect(isIntEncodable('0123')).toBe(false);
    expect(isIntEncodable('12345678901234567890')).toBe(false);
  });
});

describe('parseDouble (string2d) and formatDouble (%.17g)', () => {
  it.each([
    ['1', 1],
    ['-1.5', -1.5],
    ['.5', 0.5],
    ['1.', 1],
    ['1e3', 1000],
    ['+2', 2],
    ['inf', Infinity],
    ['-inf', -Infinity],
    ['+inf', Infinity],
    ['Infinity', Infinity],
    ['0x10', 16],
    ['0x1p4', 16],
    ['5e-324', 5e-324],
  ])('%s', (s, v) => expect(parseDouble(s)).toBe(v));
  it.each(['', ' 1', '1 ', 'nan', 'NaN', 'abc', '1e400', '-1e400', '1e-400', '1e', 'e1', '--1', '0x', '1,5'])('rejects %j', (s) => {
    expect(parseDouble(s)).toBeNull();
  });
  it.each([
    [0, '0'],
    [1, '1'],
    [0.1, '0.10000000000000001'],
    [1.5, '1.5'],
    [-2.25, '-2.25'],
    [1e20, '1e+20'],
    [1e16, '10000000000000000'],
    [1e17, '1e+17'],
    [123456789.123, '123456789.123'],
    [0.0001, '0.0001'],
    [0.00001, '1.0000000000000001e-05'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [5e-324, '4.9406564584124654e-324'],
  ])('formats %p as %s', (d, s) => expect(formatDouble(d)).toBe(s));
});

describe('long double (INCRBYFLOAT)', () => {
  // expectations captured from redis-server 7.0.15 on x86-64
  it.each([
    ['10.5', '0.1', '10.6'],
    ['1.1', '2.2', '3.3'],
    ['3.0', '1.1', '4.1'],
    ['5.0e3', '2.0e2', '5200'],
    ['0', '0.1', '0.1'],
    ['1e20', '1', '100000000000000000000'],
    ['-1', '0.9', '-0.1'],
    ['0.1', '-0.1', '0'],
    ['1e-20', '0', '0'],
    ['123456789.123456789', '0', '123456789.12345678899873747'],
    ['9007199254740993', '0', '9007199254740993'],
    ['-0', '0', '0'],
  ])('%s + %s = %s', (a, b, r) => {
    const x = parseLongDouble(a);
    const y = parseLongDouble(b);
    expect(x && y).toBeTruthy();
    const s = addLongDouble(x!, y!);
    expect(formatLongDouble(s!)).toBe(r);
  });
  it('rejects what strtold rejects and overflows', () => {
    for (const s of ['', ' 1', 'nan', 'abc', '1e5000', '1x']) expect(parseLongDouble(s)).toBeNull();
    expect(addLongDouble(parseLongDouble('inf')!, parseLongDouble('1')!)).toBeNull();
    expect(parseLongDouble('x'.repeat(6000))).toBeNull();
  });
  it('prints the exact binary value of 1.7976931348623157e308 + 1', () => {
    const s = addLongDouble(parseLongDouble('1.7976931348623157e308')!, parseLongDouble('1')!);
    expect(formatLongDouble(s!)).toBe(
      '179769313486231569995921046774104434048386446944329178485314420765176628523124396354701868608387085564428793419425520689308708363451136055357897278026477617073498977686288394835618163294045594434929537447290627480669417384648879122776218333598953852832103282504751611691208117720159985926376802466863339536384',
    );
  });
});

describe('globMatch (stringmatchlen)', () => {
  it.each([
    ['*', 'anything', true],
    ['h?llo', 'hello', true],
    ['h?llo', 'hllo', false],
    ['h*llo', 'heeeello', true],
    ['h[ae]llo', 'hallo', true],
    ['h[ae]llo', 'hillo', false],
    ['h[^e]llo', 'hallo', true],
    ['h[^e]llo', 'hello', false],
    ['h[a-b]llo', 'hbllo', true],
    ['h[b-a]llo', 'hallo', true],
    ['h\\*llo', 'h*llo', true],
    ['h\\*llo', 'hello', false],
    ['*a*b', 'xxaxxb', true],
    ['k[', 'k', false],
    ['a*', 'a', true],
    ['\xff*', '\xffk', true],
    ['[\x00-\x7f]', '\xff', false],
    ['[a-\xff]', 'b', false],
  ])('%j vs %j', (p, s, m) => expect(globMatch(p, s)).toBe(m));
  it('nocase and compiled forms agree', () => {
    expect(globMatch('HELLO', 'hello', true)).toBe(true);
    expect(compileGlob('*')('x')).toBe(true);
    expect(compileGlob('a?')('ab')).toBe(true);
  });
  it('does not blow up on pathological patterns', () => {
    expect(globMatch('a*a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(60))).toBe(false);
  });
});

describe('SCAN cursors', () => {
  it('parses cursors like strtoul', () => {
    expect(parseScanCursor('0')).toBe(0n);
    expect(parseScanCursor('')).toBe(0n);
    expect(parseScanCursor('18446744073709551615')).toBe(18446744073709551615n);
    expect(parseScanCursor('18446744073709551616')).toBeNull();
    expect(parseScanCursor(' 1')).toBeNull();
    expect(parseScanCursor('x')).toBeNull();
    expect(parseScanCursor('-1')).toBe(18446744073709551615n);
  });
  it('parses options with Redis errors', () => {
    expect(parseScanOptions(['SCAN', '0', 'COUNT', '0'], 2, true)).toHaveProperty('message', 'ERR syntax error');
    expect(parseScanOptions(['SCAN', '0', 'COUNT', 'x'], 2, true)).toHaveProperty('message', 'ERR value is not an integer or out of range');
    expect(parseScanOptions(['HSCAN', 'k', '0', 'TYPE', 'x'], 3, false)).toHaveProperty('message', 'ERR syntax error');
    expect(parseScanOptions(['SCAN', '0', 'MATCH', 'a*', 'COUNT', '5', 'TYPE', 'hash'], 2, true)).toMatchObject({ count: 5, type: 'hash' });
  });
  it('visits every element present throughout exactly once, across mutations', () => {
    const cursors = new ScanCursors(16);
    const m = new Map<string, number>();
    for (let i = 0; i < 100; i++) m.set(`k${i}`, i);
    const seen: string[] = [];
    let cursor = 0n;
    let round = 0;
    do {
      const r = cursors.step(m, cursor, () => m.keys(), 7);
      seen.push(...r.items);
      cursor = BigInt(r.cursor);
      m.delete(`k${99 - round}`);
      m.set(`new${round++}`, 0);
    } while (cursor !== 0n);
    for (let i = 0; i < 99 - round; i++) expect(seen.filter((k) => k === `k${i}`)).toHaveLength(1);
  });
  it('restarts an unknown cursor and bounds the registry', () => {
    const cursors = new ScanCursors(2);
    const s = new Set(['a', 'b', 'c']);
    const a = cursors.step(s, 0n, () => s.values(), 1);
    cursors.step(s, 0n, () => s.values(), 1);
    cursors.step(s, 0n, () => s.values(), 1);
    const again = cursors.step(s, BigInt(a.cursor), () => s.values(), 10);
    expect(again.items).toEqual(['a', 'b', 'c']);
  });
});
