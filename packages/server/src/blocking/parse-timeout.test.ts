import { ErrorReply } from '@replikit/resp';
import { parseBlockingTimeout } from './parse-timeout';

describe('parseBlockingTimeout (seconds, Redis 7.0 rules)', () => {
  it.each([
    ['0', 0],
    ['1', 1000],
    ['0.1', 100],
    ['0.0001', 1],
    ['1.5e1', 15000],
    ['.5', 500],
  ])('%s -> %i ms', (t, ms) => {
    expect(parseBlockingTimeout(t)).toBe(ms);
  });

  it.each([
    ['x', 'ERR timeout is not a float or out of range'],
    [' 1', 'ERR timeout is not a float or out of range'],
    ['1 ', 'ERR timeout is not a float or out of range'],
    ['nan', 'ERR timeout is not a float or out of range'],
    ['', 'ERR timeout is not a float or out of range'],
    ['-1', 'ERR timeout is negative'],
    ['-0.5', 'ERR timeout is negative'],
    ['inf', 'ERR timeout is negative'],
    ['1e300', 'ERR timeout is negative'],
  ])('%j -> %s', (t, text) => {
    const r = parseBlockingTimeout(t);
    expect(r).toBeInstanceOf(ErrorReply);
    expect((r as ErrorReply).message).toBe(text);
  });
});
