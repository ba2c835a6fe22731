import fc from 'fast-check';
import { MIN_REPL_BACKLOG_SIZE } from './defaults';
import { decidePsync } from './decide-psync';
import { ReplicationBacklog } from './replication-backlog';
import { ReplicationIdentity } from './replication-identity';

const MIN = MIN_REPL_BACKLOG_SIZE;
const ID = 'feedfacefeedfacefeedfacefeedfacefeedface';

/** Deterministic pseudo-random bytes (xorshift32), so chunks have no period that lines up with the ring. */
function bytes(len: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(len);
  let x = seed | 1;
  for (let i = 0; i < len; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

type Op =
  | { op: 'append'; len: number; seed: number }
  | { op: 'appendChunks'; chunks: Array<{ len: number; seed: number }> }
  | { op: 'resize'; size: number };

const chunkLen = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 300 }) },
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 20_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: MIN - 2, max: 3 * MIN + 5 }) },
);
const chunk = fc.record({ len: chunkLen, seed: fc.integer() });
const size = fc.oneof(
  fc.integer({ min: 1, max: MIN }), // raised to the minimum
  fc.integer({ min: MIN, max: MIN + 64 }),
  fc.integer({ min: MIN, max: 4 * MIN }),
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: chunk.map((c) => ({ op: 'append' as const, ...c })) },
  { weight: 2, arbitrary: fc.array(chunk, { maxLength: 6 }).map((chunks) => ({ op: 'appendChunks' as const, chunks })) },
  { weight: 1, arbitrary: size.map((s) => ({ op: 'resize' as const, size: s })) },
);
const startOffset = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: 1_000_000 }),
  fc.integer({ min: 2 ** 32 - 50_000, max: 2 ** 32 + 50_000 }),
  fc.integer({ min: 2 ** 52, max: 2 ** 52 + 1000 }),
);

/**
 * Checks the backlog against the model: `model` holds every byte appended since `start`, so the
 * byte at offset `o` is `model[o - start - 1]`. `hist` is the model's history length: it grows with
 * every byte appended up to the ring size, and a resize keeps `min(hist, newSize)` (bytes dropped
 * by a shrink do not come back when the ring grows again).
 */
function check(b: ReplicationBacklog, model: Buffer, start: number, hist: number, pick: number[]): void {
  const end = start + model.length;
  expect(b.masterReplOffset).toBe(end);
  expect(b.histlen).toBe(hist);
  const first = end - b.histlen + 1;
  expect(b.firstByteOffset).toBe(first);
  const at = (o: number) => o - start - 1;

  // every servable offset: right length, at most two views, right first and last byte
  for (let o = first; o <= end + 1; o++) {
    const views = b.read(o);
    if (views.length > 2) throw new Error(`offset ${o}: ${views.length} views`);
    const len = views.reduce((n, v) => n + v.length, 0);
    if (len !== end + 1 - o) throw new Error(`offset ${o}: ${len} bytes, expected ${end + 1 - o}`);
    if (len > 0) {
      if (views[0][0] !== model[at(o)]) throw new Error(`offset ${o}: wrong first byte`);
      const last = views[views.length - 1];
      if (last[last.length - 1] !== model[model.length - 1]) throw new Error(`offset ${o}: wrong last byte`);
      if (views.some((v) => v.length === 0)) throw new Error(`offset ${o}: empty view`);
    }
  }
  // byte-exact for the boundaries, the wrap point and random offsets
  const whole = b.read(first);
  const wrapAt = first + (whole.length === 2 ? whole[0].length : 0);
  const offsets = [first, first + 1, end, end + 1, wrapAt - 1, wrapAt, wrapAt + 1];
  for (const p of pick) offsets.push(first + (p % (b.histlen + 1)));
  for (const o of offsets) {
    if (o < first || o > end + 1) continue;
    expect(b.readCopy(o).equals(model.subarray(at(o)))).toBe(true);
  }
  // unservable offsets say so
  for (const o of [first - 1, first - 1000, end + 2, end + 1 + b.size, 0, -1]) {
    if (o >= first && o <= end + 1) continue;
    expect(b.canServe(o)).toBe(false);
    expect(() => b.read(o)).toThrow(expect.objectContaining({ code: 'ERR_BACKLOG_OFFSET_OUT_OF_RANGE' }));
  }
  // and decidePsync agrees with canServe for a matching id
  const ids = new ReplicationIdentity({ replid: ID });
  for (const o of [first - 1, first, end, end + 1, end + 2]) {
    expect(decidePsync({ replid: ID, offset: o }, ids, b).kind === 'continue').toBe(b.canServe(o));
  }
}

describe('ReplicationBacklog property: the ring is a window on the stream', () => {
  it('every servable offset returns exactly the bytes appended from it on; others are refused', () => {
    fc.assert(
      fc.property(
        size,
        startOffset,
        fc.array(opArb, { minLength: 1, maxLength: 25 }),
        fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
        (initialSize, start, ops, pick) => {
          const b = new ReplicationBacklog({ size: initialSize, startOffset: start });
          const parts: Buffer[] = [];
          let hist = 0;
          check(b, Buffer.alloc(0), start, hist, pick);
          for (const op of ops) {
            if (op.op === 'append') {
              const c = bytes(op.len, op.seed);
              b.append(c);
              parts.push(c);
              hist = Math.min(hist + c.length, b.size);
            } else if (op.op === 'appendChunks') {
              const cs = op.chunks.map((c) => bytes(c.len, c.seed));
              b.appendChunks(cs);
              parts.push(...cs);
              hist = Math.min(hist + cs.reduce((n, c) => n + c.length, 0), b.size);
            } else {
              b.resize(op.size);
              expect(b.size).toBe(Math.max(op.size, MIN));
              hist = Math.min(hist, b.size);
            }
          }
          check(b, Buffer.concat(parts), start, hist, pick);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the state after every single operation matches the model', () => {
    fc.assert(
      fc.property(size, fc.array(opArb, { minLength: 1, maxLength: 10 }), (initialSize, ops) => {
        const b = new ReplicationBacklog({ size: initialSize, startOffset: 10 });
        let model = Buffer.alloc(0);
        let hist = 0;
        for (const op of ops) {
          if (op.op === 'append') {
            const c = bytes(op.len, op.seed);
            b.append(c);
            model = Buffer.concat([model, c]);
            hist = Math.min(hist + c.length, b.size);
          } else if (op.op === 'appendChunks') {
            const cs = op.chunks.map((c) => bytes(c.len, c.seed));
            b.appendChunks(cs);
            model = Buffer.concat([model, ...cs]);
            hist = Math.min(hist + cs.reduce((n, c) => n + c.length, 0), b.size);
          } else {
            b.resize(op.size);
            hist = Math.min(hist, b.size);
          }
          check(b, model, 10, hist, [1, 7, 1000, 12345]);
        }
      }),
      { numRuns: 60 },
    );
  });
});
