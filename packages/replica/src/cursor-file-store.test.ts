// The file cursor store: round trip, atomic replacement, torn and garbage files reported as a typed
// error, merged concurrent saves, and the in-memory store of the same contract.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileCursorStore, decodeCursorFile, encodeCursorFile } from './cursor-file-store';
import { createMemoryCursorStore, type CursorPosition } from './cursor-store';

const R = 'f'.repeat(40);

describe('file cursor store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'replikit-cursor-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads undefined before the first save, then what was saved; the file is one checksummed JSON line', async () => {
    const path = join(dir, 'cursor.json');
    const store = createFileCursorStore(path);
    expect(await store.load()).toBeUndefined();
    await store.save({ replid: R, offset: 1234, db: 3 });
    expect(await store.load()).toEqual({ replid: R, offset: 1234, db: 3 });
    // another store on the same file (a restarted process) reads it back
    expect(await createFileCursorStore(path).load()).toEqual({ replid: R, offset: 1234, db: 3 });
    const text = readFileSync(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(JSON.parse(text)).toMatchObject({ format: 'replikit-cursor/1', replid: R, offset: 1234, db: 3 });
    await store.save({ replid: R, offset: -1, db: 0 });
    expect(await store.load()).toEqual({ replid: R, offset: -1, db: 0 });
    expect(readdirSync(dir)).toEqual(['cursor.json']);
  });

  it.each([
    ['an empty file', () => Buffer.alloc(0), /empty/],
    ['a record cut short at every length', null, /cut short|JSON/],
    ['garbage bytes', () => Buffer.from([0xff, 0x00, 0x13, 0x37, 0x0a]), /JSON/],
    ['JSON of another format', () => Buffer.from('{"format":"other","replid":"x"}\n'), /not a replikit-cursor/],
    ['a field changed without its checksum', () => Buffer.from(encodeCursorFile({ replid: R, offset: 1234, db: 0 }).toString().replace('1234', '1235')), /checksum/],
    ['a bad replid', () => Buffer.from(encodeCursorFile({ replid: R, offset: 1, db: 0 }).toString().replace(R, 'not a replid!')), /replid/],
    ['an oversized file', () => Buffer.alloc(10_000, 0x20), /more than/],
  ])('%s is ERR_REPLICA_CURSOR_CORRUPT, never a position', async (_name, make, message) => {
    const path = join(dir, 'cursor.json');
    const whole = encodeCursorFile({ replid: R, offset: 987654321, db: 12 });
    const variants = make === null ? Array.from({ length: whole.length - 1 }, (_, n) => whole.subarray(0, n + 1)) : [make()];
    for (const bytes of variants) {
      writeFileSync(path, bytes);
      const err = await createFileCursorStore(path)
        .load()
        .then(
          (p) => p,
          (e: Error & { code?: string }) => e,
        );
      expect(err).toBeInstanceOf(Error);
      expect((err as { code?: string }).code).toBe('ERR_REPLICA_CURSOR_CORRUPT');
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).toContain(path);
    }
  });

  it('concurrent saves all resolve, are merged, and the newest wins; no temp file is left', async () => {
    const path = join(dir, 'cursor.json');
    const store = createFileCursorStore(path);
    const saves: Promise<void>[] = [];
    for (let i = 0; i < 200; i++) saves.push(store.save({ replid: R, offset: i * 10, db: i % 16 }));
    await Promise.all(saves);
    expect(await store.load()).toEqual({ replid: R, offset: 1990, db: 199 % 16 });
    expect(readdirSync(dir)).toEqual(['cursor.json']);
    // while saves run, a reader sees one whole record or another, never a torn one
    const more: Promise<void>[] = [];
    const seen: CursorPosition[] = [];
    for (let i = 0; i < 50; i++) {
      more.push(store.save({ replid: R, offset: 5000 + i, db: 0 }));
      seen.push((await createFileCursorStore(path).load()) as CursorPosition);
    }
    await Promise.all(more);
    for (const p of seen) expect(p.replid).toBe(R);
    expect(await store.load()).toEqual({ replid: R, offset: 5049, db: 0 });
  });

  it('an invalid position is refused; a save into a missing directory is ERR_REPLICA_CURSOR_STORE and the store keeps working', async () => {
    const store = createFileCursorStore(join(dir, 'cursor.json'));
    await expect(store.save({ replid: R, offset: -2, db: 0 })).rejects.toMatchObject({ code: 'ERR_REPLICA_CURSOR_CORRUPT' });
    await expect(store.save({ replid: '', offset: 1, db: 0 })).rejects.toMatchObject({ code: 'ERR_REPLICA_CURSOR_CORRUPT' });
    const lost = createFileCursorStore(join(dir, 'missing', 'cursor.json'));
    await expect(lost.save({ replid: R, offset: 1, db: 0 })).rejects.toMatchObject({ code: 'ERR_REPLICA_CURSOR_STORE', operation: 'save' });
    await store.save({ replid: R, offset: 7, db: 1 });
    expect(await store.load()).toEqual({ replid: R, offset: 7, db: 1 });
    expect(existsSync(join(dir, 'cursor.json.tmp'))).toBe(false);
  });

  it('a save interrupted before its rename leaves the previous cursor readable', async () => {
    const path = join(dir, 'cursor.json');
    const store = createFileCursorStore(path);
    await store.save({ replid: R, offset: 100, db: 0 });
    // what a process killed between writing the temp file and renaming it leaves behind
    writeFileSync(`${path}.tmp`, encodeCursorFile({ replid: R, offset: 200, db: 0 }).subarray(0, 20));
    expect(await createFileCursorStore(path).load()).toEqual({ replid: R, offset: 100, db: 0 });
    await store.save({ replid: R, offset: 300, db: 0 });
    expect(decodeCursorFile(readFileSync(path), path)).toEqual({ replid: R, offset: 300, db: 0 });
  });
});

describe('memory cursor store', () => {
  it('keeps the last saved position and counts saves', async () => {
    const store = createMemoryCursorStore();
    expect(await store.load()).toBeUndefined();
    await store.save({ replid: R, offset: 5, db: 0 });
    await store.save({ replid: R, offset: 9, db: 2 });
    expect(await store.load()).toEqual({ replid: R, offset: 9, db: 2 });
    expect(store.saves).toBe(2);
    await expect(store.save({ replid: R, offset: 1.5, db: 0 })).rejects.toMatchObject({ code: 'ERR_REPLICA_CURSOR_CORRUPT' });
  });
});
