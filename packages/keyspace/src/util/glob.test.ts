import fc from 'fast-check';
import { globMatch } from './glob';

// Cases of the server's former Pub/Sub matcher (those not already in util.test.ts), now served by this one (PSUBSCRIBE, PUBSUB CHANNELS,
// CONFIG GET, COMMAND LIST FILTERBY PATTERN).
describe('globMatch (stringmatchlen)', () => {
  it.each([
    // stringmatchlen never matches an empty subject: redis-server 7.0's PUBSUB CHANNELS * skips a "" channel
    ['*', '', false],
    ['news.*', 'news.sport', true],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['\xff*', '\xff\x00', true],
    ['[abc', 'a', true],
  ])('%j vs %j -> %j', (p, s, want) => {
    expect(globMatch(p, s)).toBe(want);
  });

  it('a pattern without special characters matches only itself', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii' }).filter((s) => !/[*?[\\]/.test(s)), fc.string({ unit: 'binary-ascii' }), (p, s) => {
        expect(globMatch(p, s)).toBe(p === s);
        expect(globMatch(p, p)).toBe(true);
      }),
    );
  });

  it('prefix* matches every extension', () => {
    fc.assert(fc.property(fc.string().filter((s) => !/[*?[\\]/.test(s)), fc.string(), (p, rest) => p + rest === '' || globMatch(`${p}*`, p + rest)));
  });
});
