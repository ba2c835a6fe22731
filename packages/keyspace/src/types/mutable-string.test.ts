import fc from 'fast-check';
import { MutableString } from './mutable-string';

describe('MutableString', () => {
  it('gives the string a plain copy would have after edits, growth, appends and replacements', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20000 }),
        fc.array(
          fc.oneof(
            fc.tuple(fc.constant('set' as const), fc.integer({ min: 0, max: 600000 }), fc.integer({ min: 0, max: 255 })),
            fc.tuple(fc.constant('write' as const), fc.integer({ min: 0, max: 300000 }), fc.integer({ min: 0, max: 5000 })),
            fc.tuple(fc.constant('append' as const), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 255 })),
          ),
          { maxLength: 30 },
        ),
        fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
        (initial, edits, reads) => {
          let plain = Buffer.alloc(initial, 7);
          const m = MutableString.from(plain.toString('latin1'));
          expect(m.toString()).toBe(plain.toString('latin1'));
          edits.forEach((e, k) => {
            if (e[0] === 'set') {
              const [, at, v] = e;
              if (at >= plain.length) plain = Buffer.concat([plain, Buffer.alloc(at + 1 - plain.length)]);
              plain[at] = v;
              m.ensure(at + 1);
              m.bytes[at] = v;
              m.touched(at, at);
            } else if (e[0] === 'write') {
              const [, at, n] = e;
              const s = String.fromCharCode(...Array.from({ length: n }, (_, i) => (i * 31 + at) & 0xff));
              // an empty write changes nothing, not even the length (SETRANGE with an empty value)
              if (n > 0) {
                if (at + n > plain.length) plain = Buffer.concat([plain, Buffer.alloc(at + n - plain.length)]);
                plain.write(s, at, 'latin1');
              }
              m.write(at, s);
            } else {
              const [, n, v] = e;
              plain = Buffer.concat([plain, Buffer.alloc(n, v)]);
              m.append(String.fromCharCode(v).repeat(n));
            }
            // reads in between or only at the end: the cached pieces must follow every edit
            if (reads[k]) expect(Buffer.from(m.toString(), 'latin1').equals(plain)).toBe(true);
            // a one-off read (snapshots) gives the same string and leaves the cache consistent
            else if (k % 3 === 0) expect(Buffer.from(m.readOnce(), 'latin1').equals(plain)).toBe(true);
            expect(m.length).toBe(plain.length);
            expect(Buffer.from(m.view()).equals(plain)).toBe(true);
          });
          expect(Buffer.from(m.toString(), 'latin1').equals(plain)).toBe(true);
          m.replace(Uint8Array.from([1, 2, 3]));
          expect(m.toString()).toBe('\x01\x02\x03');
        },
      ),
      { numRuns: 80 },
    );
  }, 60000);

  it('does not change the string it was made from', () => {
    const s = 'abc'.repeat(1000);
    const m = MutableString.from(s);
    m.bytes[0] = 0x7a;
    m.touched(0, 0);
    expect(s[0]).toBe('a');
    expect(m.toString()[0]).toBe('z');
    expect(MutableString.of(new Uint8Array(0)).toString()).toBe('');
  });
});
