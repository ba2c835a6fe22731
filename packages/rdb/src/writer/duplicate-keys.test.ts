import fc from 'fast-check';
import { DuplicateKeyLog } from './duplicate-keys';
import { RdbEncoder } from './rdb-encoder';
import { writeRdbChunks } from './rdb-writer';

const b = (s: string) => Buffer.from(s);
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

describe('DuplicateKeyLog (the writer duplicate-key check, in bulk)', () => {
  it('finds a repeated key exactly when there is one (fast-check against a Set)', () => {
    const keyArb = fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.nat(5000).map((i) => new Uint8Array(b(`key:${i}`))));
    fc.assert(
      fc.property(fc.array(keyArb, { maxLength: 400 }), fc.integer({ min: 1, max: 64 }), (keys, initial) => {
        const log = new DuplicateKeyLog(initial, initial);
        const seen = new Set<string>();
        let dup = false;
        for (const k of keys) {
          const hex = Buffer.from(k).toString('hex');
          if (seen.has(hex)) dup = true;
          seen.add(hex);
          log.add(k);
        }
        const found = log.findDuplicate();
        expect(found !== null).toBe(dup);
        if (found) expect(keys.filter((k) => Buffer.from(k).equals(found)).length).toBeGreaterThan(1);
      }),
      { numRuns: 300 },
    );
  });

  it('scales: 300k distinct keys pass, one repeat among them is found', () => {
    const log = new DuplicateKeyLog();
    for (let i = 0; i < 300_000; i++) log.add(b(`user:${i}`));
    expect(log.findDuplicate()).toBeNull();
    log.add(b('user:123456'));
    expect(log.findDuplicate()?.toString()).toBe('user:123456');
    expect(log.size).toBe(300_001);
  });

  it('the copy is taken at add(): reusing the caller buffer does not matter', () => {
    const log = new DuplicateKeyLog();
    const k = b('aaaa');
    log.add(k);
    k.write('bbbb');
    log.add(k);
    expect(log.findDuplicate()).toBeNull();
  });
});

describe('RdbEncoder reports a duplicate key when the db ends, before SELECTDB or EOF', () => {
  const str = (key: string, db = 0) => ({ db, key: b(key), value: { type: 'string' as const, value: b('v') } });

  it('at finish(): the output never gets its EOF opcode and checksum', () => {
    const enc = new RdbEncoder({ ctime: 0 });
    enc.writeHeader();
    enc.writeEntry(str('a'));
    enc.writeEntry(str('a'));
    const before = enc.out.length;
    expect(codeOf(() => enc.finish())).toBe('ERR_RDB_WRITE');
    expect(enc.out.length).toBe(before);
    expect(codeOf(() => enc.writeEntry(str('b')))).toBe('ERR_RDB_WRITE');
    enc.finish(); // a no-op now: still no EOF
    expect(enc.out.length).toBe(before);
  });

  it('at the next db: the SELECTDB is not written', () => {
    const enc = new RdbEncoder({ ctime: 0 });
    enc.writeHeader();
    enc.writeEntry(str('a'));
    enc.writeEntry(str('a'));
    const before = enc.out.length;
    expect(() => enc.writeEntry(str('c', 1))).toThrow(/duplicate key "?a"? in db 0/);
    expect(enc.out.length).toBe(before);
  });

  it('streaming: the generator throws before yielding the last chunk', () => {
    const entries = Array.from({ length: 5000 }, (_, i) => str(`k${i % 4999}`));
    const chunks: Buffer[] = [];
    expect(
      codeOf(() => {
        for (const c of writeRdbChunks(entries, { chunkSize: 1024, ctime: 0 })) chunks.push(c);
      }),
    ).toBe('ERR_RDB_WRITE');
    const all = Buffer.concat(chunks);
    expect(all.length).toBeGreaterThan(0);
    expect(all.includes(0xff)).toBe(false); // neither EOF nor checksum
  });
});
