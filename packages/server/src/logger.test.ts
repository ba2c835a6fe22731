import { Logger, formatLogTime, logTimeOf } from './logger';

describe('Logger', () => {
  it('writes lines in redis-server format with role letter and level symbol', () => {
    const lines: string[] = [];
    const log = new Logger({ sink: (l) => lines.push(l), pid: 4242, level: 'verbose' });
    log.notice('Ready to accept connections');
    log.warning('careful');
    log.verbose('chatty');
    log.debug('hidden');
    log.log('notice', 'saved', 'C');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^4242:M \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2}\.\d{3} \* Ready to accept connections\n$/);
    expect(lines[1]).toMatch(/ # careful\n$/);
    expect(lines[2]).toMatch(/ - chatty\n$/);
    expect(lines[3]).toMatch(/^4242:C .* \* saved\n$/);
  });
  it('formats time like Redis', () => {
    expect(formatLogTime(new Date(2026, 10, 24, 13, 5, 9, 7))).toBe('24 Nov 2026 13:05:09.007');
  });
  it('formats epoch milliseconds as formatLogTime does, the second kept between lines of that second', () => {
    const base = new Date(2026, 10, 24, 13, 5, 9, 0).getTime();
    for (const ms of [base, base + 7, base + 42, base + 999, base + 1000, base + 1005, base + 7, base + 86_400_123, base - 1]) {
      expect(logTimeOf(ms)).toBe(formatLogTime(new Date(ms)));
    }
  });
});
