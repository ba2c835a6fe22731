import type { AofLoadError } from '../../errors';
import { baseFileName, formatManifest, incrFileName, parseManifest, splitArgs } from './manifest';

describe('AOF manifest', () => {
  it('formats the lines redis-server 7.0 writes (base, history, incr)', () => {
    const text = formatManifest({
      base: { name: baseFileName('appendonly.aof', 2, true), seq: 2, type: 'b' },
      history: [{ name: 'appendonly.aof.1.incr.aof', seq: 1, type: 'h' }],
      incrs: [{ name: incrFileName('appendonly.aof', 2), seq: 2, type: 'i' }],
      baseSeq: 2,
      incrSeq: 2,
    });
    expect(text).toBe(
      'file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.1.incr.aof seq 1 type h\nfile appendonly.aof.2.incr.aof seq 2 type i\n',
    );
  });

  it('round-trips names that need quoting', () => {
    const m = parseManifest(formatManifest({ base: { name: 'my "aof" file.1.base.rdb', seq: 1, type: 'b' }, history: [], incrs: [], baseSeq: 1, incrSeq: 0 }));
    expect(m.base?.name).toBe('my "aof" file.1.base.rdb');
  });

  it('reads sequences, skips comments and blank lines', () => {
    const m = parseManifest('# comment\nfile a.3.base.aof seq 3 type b\n\nfile a.4.incr.aof seq 4 type i\nfile a.5.incr.aof seq 5 type i\n');
    expect(m.baseSeq).toBe(3);
    expect(m.incrSeq).toBe(5);
    expect(m.incrs.map((i) => i.name)).toEqual(['a.4.incr.aof', 'a.5.incr.aof']);
  });

  it.each([
    ['', 'Found an empty AOF manifest'],
    ['file a seq 1\n', 'Invalid AOF manifest file format'],
    ['file a seq 1 type x\n', 'Invalid AOF manifest file format'],
    ['file a seq 1 type b\nfile b seq 2 type b\n', 'Found duplicate base file information'],
    ['file a seq 2 type i\nfile b seq 1 type i\n', 'Found a non-monotonic sequence number'],
  ])('rejects %j', (text, reason) => {
    expect(() => parseManifest(text)).toThrow(reason);
    try {
      parseManifest(text);
    } catch (err) {
      expect((err as AofLoadError).code).toBe('ERR_SERVER_AOF_LOAD');
    }
  });

  it('splits like sdssplitargs', () => {
    expect(splitArgs('a "b c" \'d e\' "\\x41\\n"')).toEqual(['a', 'b c', 'd e', 'A\n']);
    expect(splitArgs('"unbalanced')).toBeUndefined();
    expect(splitArgs('"a"b')).toBeUndefined();
  });
});
