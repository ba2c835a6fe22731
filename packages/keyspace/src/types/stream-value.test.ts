import { kit } from '../test-kit';
import { decrId, formatId, idKey, incrId, MAX_ID, parseId, parseU64 } from './stream-id';

describe('stream ids', () => {
  it('parse like string2ull (canonical, strtoull forms, range)', () => {
    expect(parseU64('0')).toBe(0n);
    expect(parseU64('18446744073709551615')).toBe(18446744073709551615n);
    expect(parseU64('18446744073709551616')).toBeNull();
    expect(parseU64('-1')).toBeNull();
    expect(parseU64(' 7')).toBe(7n);
    expect(parseU64('+7')).toBe(7n);
    expect(parseU64('007')).toBe(7n);
    expect(parseU64('-0')).toBe(0n);
    expect(parseU64('')).toBeNull();
    expect(parseId('5', 'max', false)?.key).toBe(idKey(5n, 18446744073709551615n));
    expect(parseId('-', 0, true)).toBeNull();
    expect(parseId('1-*', 0, true, true)?.seqGiven).toBe(false);
  });
  it('format, increment and decrement across the 64-bit halves', () => {
    const k = idKey(18446744073709551615n, 18446744073709551615n);
    expect(k).toBe(MAX_ID);
    expect(formatId(k)).toBe('18446744073709551615-18446744073709551615');
    expect(incrId(k)).toBeNull();
    expect(formatId(incrId(idKey(1, 18446744073709551615n)) as string)).toBe('2-0');
    expect(formatId(decrId(idKey(2, 0)) as string)).toBe('1-18446744073709551615');
    expect(idKey(1, 2) < idKey(1, 3)).toBe(true);
    expect(idKey(2, 0) > idKey(1, 300)).toBe(true);
  });
});

describe('stream commands (unit)', () => {
  it('XADD ids, XRANGE, XDEL, XTRIM, propagation of generated ids', () => {
    const k = kit();
    expect(k.p('XADD', 's', '*', 'a', '1')).toEqual([['XADD', 's', `${k.clock.now}-0`, 'a', '1']]);
    expect(k.r('XADD', 's', '*', 'a', '2')).toBe(`${k.clock.now}-1`);
    expect(k.r('XADD', 's', '5-1', 'a', '2')).toBe('-ERR The ID specified in XADD is equal or smaller than the target stream top item');
    expect(k.r('XLEN', 's')).toBe(2);
    expect(k.r('XRANGE', 's', '-', '+', 'COUNT', '1')).toEqual([[`${k.clock.now}-0`, ['a', '1']]]);
    expect(k.r('XDEL', 's', `${k.clock.now}-0`)).toBe(1);
    expect(k.r('XLEN', 's')).toBe(1);
    k.close();
  });
  it('consumer groups: XREADGROUP propagates XCLAIM, XACK, XPENDING', () => {
    const k = kit();
    k.r('XADD', 's', '1-1', 'f', 'v');
    expect(k.r('XGROUP', 'CREATE', 's', 'g', '0')).toBe('+OK');
    const p = k.p('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>');
    expect(p).toEqual([['XCLAIM', 's', 'g', 'c', '0', '1-1', 'TIME', String(k.clock.now), 'RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '1-1']]);
    expect(k.r('XPENDING', 's', 'g')).toEqual([1, '1-1', '1-1', [['c', '1']]]);
    expect(k.r('XACK', 's', 'g', '1-1')).toBe(1);
    k.close();
  });
});
