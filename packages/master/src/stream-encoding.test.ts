import { encodeCommandToBuffer } from '@replikit/resp';
import { StreamEncoder, selectChunk } from './stream-encoding';

const set = (db: number, i: number, size = 10) => ({ db, argv: ['SET', `key:${i}`, 'v'.repeat(size)] });

/** What the stream must hold for `commands` starting with no db selected: SELECT on every db change. */
function expected(commands: ReadonlyArray<{ db: number; argv: string[] }>): Buffer {
  const parts: Buffer[] = [];
  let db = -1;
  for (const c of commands) {
    if (c.db !== db) parts.push(selectChunk(c.db));
    db = c.db;
    parts.push(encodeCommandToBuffer(c.argv));
  }
  return Buffer.concat(parts);
}

describe('StreamEncoder', () => {
  it('encode returns one view per batch, batches back to back in the slab', () => {
    const enc = new StreamEncoder();
    const a = enc.encode([set(0, 1)], -1);
    const b = enc.encode([set(0, 2), set(3, 3)], a.streamDb);
    expect(b.streamDb).toBe(3);
    expect(Buffer.concat([a.chunk, b.chunk])).toEqual(expected([set(0, 1), set(0, 2), set(3, 3)]));
    expect(b.chunk.buffer).toBe(a.chunk.buffer);
    expect(b.chunk.byteOffset).toBe(a.chunk.byteOffset + a.chunk.length);
    // encoded batches are handed out: nothing waits for take
    expect(enc.untakenBytes).toBe(0);
    expect(enc.take()).toEqual([]);
  });

  it('append + take gives the same bytes as encode, one view per slab', () => {
    const enc = new StreamEncoder();
    const commands = [set(0, 1), set(0, 2), set(5, 3), set(5, 4)];
    let db = -1;
    for (const c of commands) db = enc.append([c], db);
    expect(db).toBe(5);
    const want = expected(commands);
    expect(enc.untakenBytes).toBe(want.length);
    const taken = enc.take();
    expect(taken).toHaveLength(1);
    expect(Buffer.concat(taken)).toEqual(want);
    expect(enc.untakenBytes).toBe(0);
    expect(enc.take()).toEqual([]);
  });

  it('appendBytes keeps its place between batches', () => {
    const enc = new StreamEncoder();
    const db = enc.append([set(0, 1)], -1);
    enc.appendBytes(Buffer.from('#TS:123\r\n'));
    enc.append([set(0, 2)], db);
    expect(Buffer.concat(enc.take()).toString('latin1')).toBe(
      `${expected([set(0, 1)]).toString('latin1')}#TS:123\r\n${encodeCommandToBuffer(set(0, 2).argv).toString('latin1')}`,
    );
  });

  it('bytes spanning slabs come back in order, earlier views stay intact', () => {
    const enc = new StreamEncoder();
    const commands = Array.from({ length: 40 }, (_, i) => set(i % 2, i, 20_000));
    let db = -1;
    const firstTake: Buffer[] = [];
    for (let i = 0; i < commands.length; i++) {
      db = enc.append([commands[i] as { db: number; argv: string[] }], db);
      if (i === 4) firstTake.push(...enc.take());
    }
    const rest = enc.take();
    // 40 x ~20 kB is more than one 256 kB slab
    expect(rest.length).toBeGreaterThan(1);
    // Buffer.equals: jest's toEqual walks 800 kB element by element
    expect(Buffer.concat([...firstTake, ...rest]).equals(expected(commands))).toBe(true);
    // a batch larger than a slab gets a slab of its own
    const big = set(0, 99, 300_000);
    enc.append([big], 0);
    expect(Buffer.concat(enc.take()).equals(encodeCommandToBuffer(big.argv))).toBe(true);
  });
});
