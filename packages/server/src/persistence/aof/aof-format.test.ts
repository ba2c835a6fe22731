import fc from 'fast-check';
import { encodeCommand, formatDouble17g, scanCommand } from './aof-format';

describe('AOF command format', () => {
  it('encodes RESP multibulk with the argument bytes as given', () => {
    expect(encodeCommand(['set', 'a', '\u00ff\r\n']).toString('latin1')).toBe('*3\r\n$3\r\nset\r\n$1\r\na\r\n$3\r\n\u00ff\r\n\r\n');
  });

  it('scans back what it encodes, whole and cut at every byte', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }), (cmds) => {
        const latin = cmds.map((c) => c.map((a) => Buffer.from(a, 'utf8').toString('latin1')));
        const buf = Buffer.concat(latin.map(encodeCommand));
        const seen: string[][] = [];
        let pos = 0;
        for (;;) {
          const r = scanCommand(buf, pos);
          if (r.kind !== 'command') {
            expect(r.kind).toBe('end');
            break;
          }
          seen.push(r.argv);
          pos = r.next;
        }
        expect(seen).toEqual(latin);
        const first = encodeCommand(latin[0] as string[]);
        for (let cut = 1; cut < first.length; cut++) expect(scanCommand(first.subarray(0, cut), 0).kind).toBe('truncated');
      }),
    );
  });

  it('skips annotations and reports garbage as a format error', () => {
    const buf = Buffer.from('#TS:1700000000\r\n*1\r\n$4\r\nPING\r\nxyz', 'latin1');
    const a = scanCommand(buf, 0);
    expect(a.kind).toBe('annotation');
    const c = scanCommand(buf, a.kind === 'annotation' ? a.next : 0);
    expect(c.kind === 'command' && c.argv).toEqual(['PING']);
    expect(scanCommand(buf, c.kind === 'command' ? c.next : 0).kind).toBe('format');
    expect(scanCommand(Buffer.from('*0\r\n'), 0).kind).toBe('format');
    expect(scanCommand(Buffer.from('*1\r\n:1\r\n'), 0).kind).toBe('format');
  });

  it.each([
    [1.5, '1.5'],
    [0.1, '0.10000000000000001'],
    [-3, '-3'],
    [1e-7, '9.9999999999999995e-08'],
    [123456789012345680, '1.2345678901234568e+17'],
    [1e16, '10000000000000000'],
    [Number.POSITIVE_INFINITY, 'inf'],
    [Number.NEGATIVE_INFINITY, '-inf'],
    [0, '0'],
  ])('%%.17g of %p is %s', (d, text) => {
    expect(formatDouble17g(d)).toBe(text);
  });
});
