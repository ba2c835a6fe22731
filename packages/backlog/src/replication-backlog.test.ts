import { DEFAULT_REPL_BACKLOG_SIZE, MAX_REPL_BACKLOG_SIZE, MIN_REPL_BACKLOG_SIZE } from './defaults';
import { BacklogError } from './errors';
import { normalizeBacklogSize, ReplicationBacklog } from './replication-backlog';

const MIN = MIN_REPL_BACKLOG_SIZE;

/** `n` bytes whose value identifies their stream offset (offset mod 251), starting at `fromOffset`. */
function stream(fromOffset: number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (fromOffset + i) % 251;
  return b;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BacklogError);
    return (err as BacklogError).code;
  }
  return undefined;
}

describe('ReplicationBacklog: creation and sizes', () => {
  it('defaults to 1 MiB, empty, first byte = offset + 1', () => {
    const b = new ReplicationBacklog();
    expect(b.size).toBe(DEFAULT_REPL_BACKLOG_SIZE);
    expect(b.size).toBe(1048576);
    expect(b.histlen).toBe(0);
    expect(b.masterReplOffset).toBe(0);
    expect(b.firstByteOffset).toBe(1);
  });

  it('a fresh backlog created at master offset X has histlen 0 and first byte X + 1', () => {
    const b = new ReplicationBacklog({ size: MIN, startOffset: 1000 });
    expect(b.histlen).toBe(0);
    expect(b.firstByteOffset).toBe(1001);
    expect(b.canServe(1001)).toBe(true);
    expect(b.read(1001)).toEqual([]);
    expect(b.canServe(1000)).toBe(false);
    expect(b.canServe(1002)).toBe(false);
  });

  it('raises sizes below 16 KiB to 16 KiB, as Redis does', () => {
    expect(new ReplicationBacklog({ size: 1 }).size).toBe(MIN);
    expect(new ReplicationBacklog({ size: MIN - 1 }).size).toBe(MIN);
    expect(new ReplicationBacklog({ size: MIN + 1 }).size).toBe(MIN + 1);
    expect(normalizeBacklogSize(100)).toBe(16384);
  });

  it('rejects sizes that are not positive integers or too large with ERR_BACKLOG_INVALID_SIZE', () => {
    for (const size of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, MAX_REPL_BACKLOG_SIZE + 1]) {
      expect(codeOf(() => new ReplicationBacklog({ size }))).toBe('ERR_BACKLOG_INVALID_SIZE');
    }
    const b = new ReplicationBacklog({ size: MIN });
    expect(codeOf(() => b.resize(0))).toBe('ERR_BACKLOG_INVALID_SIZE');
    expect(b.size).toBe(MIN);
  });

  it('rejects a bad start offset with ERR_BACKLOG_INVALID_OFFSET', () => {
    for (const startOffset of [-1, 0.5, Number.NaN, 2 ** 53]) {
      expect(codeOf(() => new ReplicationBacklog({ startOffset }))).toBe('ERR_BACKLOG_INVALID_OFFSET');
    }
  });

  it('typed error fields on an out-of-range read', () => {
    const b = new ReplicationBacklog({ size: MIN, startOffset: 10 });
    b.append(stream(11, 5));
    try {
      b.read(100);
      throw new Error('unreachable');
    } catch (err) {
      expect(err).toMatchObject({ code: 'ERR_BACKLOG_OFFSET_OUT_OF_RANGE', offset: 100, firstByteOffset: 11, limit: 16 });
      expect((err as Error).name).toBe('BacklogOffsetOutOfRangeError');
    }
  });
});

describe('ReplicationBacklog: append and read', () => {
  it('reads exactly the bytes from an offset to the end; offset == end + 1 gives []', () => {
    const b = new ReplicationBacklog({ size: MIN });
    b.append(Buffer.from('*1\r\n$4\r\nping\r\n'));
    expect(b.masterReplOffset).toBe(14);
    expect(b.histlen).toBe(14);
    expect(b.firstByteOffset).toBe(1);
    expect(Buffer.concat(b.read(1)).toString()).toBe('*1\r\n$4\r\nping\r\n');
    expect(Buffer.concat(b.read(14)).toString()).toBe('\n');
    expect(b.read(15)).toEqual([]);
    expect(b.canServe(15)).toBe(true);
  });

  it('an offset inside a command returns the bytes from exactly there', () => {
    // protocol.md §2.2: `PSYNC id 775` got `$4\r\nping\r\n...`
    const b = new ReplicationBacklog({ size: MIN, startOffset: 770 });
    b.append(Buffer.from('*1\r\n$4\r\nping\r\n'));
    expect(b.readCopy(775).toString()).toBe('$4\r\nping\r\n');
  });

  it('an offset past the end (end + 2 and beyond) cannot be served', () => {
    const b = new ReplicationBacklog({ size: MIN });
    b.append(stream(1, 100));
    expect(b.canServe(101)).toBe(true);
    expect(b.canServe(102)).toBe(false);
    expect(codeOf(() => b.read(102))).toBe('ERR_BACKLOG_OFFSET_OUT_OF_RANGE');
    expect(b.canServe(0)).toBe(false);
    expect(b.canServe(1.5)).toBe(false);
    expect(b.canServe(Number.NaN)).toBe(false);
  });

  it('wraps around: reads across the ring end return two views of the ring', () => {
    const b = new ReplicationBacklog({ size: MIN });
    b.append(stream(1, MIN - 10));
    b.append(stream(MIN - 9, 30)); // 10 bytes at the end of the ring, 20 at its start
    expect(b.masterReplOffset).toBe(MIN + 20);
    expect(b.histlen).toBe(MIN);
    expect(b.firstByteOffset).toBe(21);
    const views = b.read(MIN - 19); // 20 bytes before the wrap point, 20 after
    expect(views).toHaveLength(2);
    expect(views[0]).toHaveLength(20);
    expect(views[1]).toHaveLength(20);
    expect(views[0].buffer).toBe(views[1].buffer); // zero-copy: both point into the ring
    expect(Buffer.concat(views)).toEqual(stream(MIN - 19, 40));
    // a read that starts after the wrap point is one view
    expect(b.read(MIN + 1)).toHaveLength(1);
    expect(b.readCopy(MIN + 1)).toEqual(stream(MIN + 1, 20));
    // the whole history
    expect(b.readCopy(21)).toEqual(stream(21, MIN));
  });

  it('an offset before the first byte after a wrap cannot be served', () => {
    const b = new ReplicationBacklog({ size: MIN });
    b.append(stream(1, MIN + 500));
    expect(b.firstByteOffset).toBe(501);
    expect(b.canServe(500)).toBe(false);
    expect(codeOf(() => b.read(500))).toBe('ERR_BACKLOG_OFFSET_OUT_OF_RANGE');
    expect(b.canServe(501)).toBe(true);
    expect(b.readCopy(501)).toEqual(stream(501, MIN));
  });

  it('a chunk larger than the ring keeps only its tail', () => {
    const b = new ReplicationBacklog({ size: MIN, startOffset: 7 });
    b.append(stream(8, 100));
    const big = stream(108, 3 * MIN + 17);
    b.append(big);
    expect(b.masterReplOffset).toBe(107 + 3 * MIN + 17);
    expect(b.histlen).toBe(MIN);
    expect(b.firstByteOffset).toBe(b.masterReplOffset - MIN + 1);
    expect(b.readCopy(b.firstByteOffset)).toEqual(big.subarray(big.length - MIN));
    // and appending continues correctly after it
    b.append(stream(b.masterReplOffset + 1, 10));
    expect(b.readCopy(b.firstByteOffset)).toEqual(stream(b.firstByteOffset, MIN));
  });

  it('a chunk of exactly the ring size fills it', () => {
    const b = new ReplicationBacklog({ size: MIN });
    b.append(stream(1, 3));
    b.append(stream(4, MIN));
    expect(b.readCopy(4)).toEqual(stream(4, MIN));
  });

  it('appendChunks equals appending each chunk, and skips bytes that would be overwritten', () => {
    const chunks = [stream(1, 5000), stream(5001, 9000), Buffer.alloc(0), stream(14001, 7000), stream(21001, 3)];
    const a = new ReplicationBacklog({ size: MIN });
    const b = new ReplicationBacklog({ size: MIN });
    for (const c of chunks) a.append(c);
    b.appendChunks(chunks);
    expect(b.masterReplOffset).toBe(21003);
    expect(b.masterReplOffset).toBe(a.masterReplOffset);
    expect(b.firstByteOffset).toBe(a.firstByteOffset);
    expect(b.readCopy(b.firstByteOffset)).toEqual(a.readCopy(a.firstByteOffset));
    expect(b.readCopy(b.firstByteOffset)).toEqual(stream(21003 - MIN + 1, MIN));
    b.appendChunks([]);
    expect(b.masterReplOffset).toBe(21003);
  });

  it('tiny chunks (the byte-loop copy path) across the wrap point', () => {
    const b = new ReplicationBacklog({ size: MIN });
    b.append(stream(1, MIN - 5));
    for (let o = MIN - 4; o <= MIN + 40; o += 3) b.append(stream(o, 3)); // 1..16-byte path, wrapping once
    b.append(stream(MIN + 41, 16));
    expect(b.masterReplOffset).toBe(MIN + 56);
    expect(b.readCopy(b.firstByteOffset)).toEqual(stream(b.firstByteOffset, MIN));
  });

  it('accepts plain Uint8Arrays and empty chunks', () => {
    const b = new ReplicationBacklog({ size: MIN });
    b.append(new Uint8Array([1, 2, 3]));
    b.append(new Uint8Array(0));
    expect(b.masterReplOffset).toBe(3);
    expect([...b.readCopy(2)]).toEqual([2, 3]);
  });

  it('views are invalidated by the next append; readCopy is not', () => {
    const b = new ReplicationBacklog({ size: MIN });
    b.append(Buffer.alloc(MIN, 'a'));
    const [view] = b.read(1);
    const copy = b.readCopy(1);
    b.append(Buffer.alloc(10, 'b'));
    expect(view.subarray(0, 10).toString()).toBe('bbbbbbbbbb'); // overwritten in place
    expect(copy.subarray(0, 10).toString()).toBe('aaaaaaaaaa');
  });

  it('can append a view it returned (overlapping copy)', () => {
    const b = new ReplicationBacklog({ size: MIN });
    b.append(stream(1, 1000));
    const expected = Buffer.concat([stream(1, 1000), stream(501, 500)]);
    b.appendChunks(b.read(501));
    expect(b.readCopy(1)).toEqual(expected);
  });

  it('throws ERR_BACKLOG_INVALID_OFFSET instead of passing 2^53 - 1', () => {
    const b = new ReplicationBacklog({ size: MIN, startOffset: Number.MAX_SAFE_INTEGER - 2 });
    b.append(Buffer.alloc(2));
    expect(b.masterReplOffset).toBe(Number.MAX_SAFE_INTEGER);
    expect(codeOf(() => b.append(Buffer.alloc(1)))).toBe('ERR_BACKLOG_INVALID_OFFSET');
    expect(b.masterReplOffset).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('works with offsets beyond 2^32', () => {
    const start = 2 ** 32 + 123;
    const b = new ReplicationBacklog({ size: MIN, startOffset: start });
    b.append(stream(start + 1, MIN + 10));
    expect(b.firstByteOffset).toBe(start + 11);
    expect(b.readCopy(start + 100)).toEqual(stream(start + 100, MIN - 89));
  });
});

describe('ReplicationBacklog: resize', () => {
  it('growing keeps every byte and makes room for more', () => {
    const b = new ReplicationBacklog({ size: MIN });
    b.append(stream(1, MIN + 100)); // wrapped
    b.resize(2 * MIN);
    expect(b.size).toBe(2 * MIN);
    expect(b.histlen).toBe(MIN);
    expect(b.firstByteOffset).toBe(101);
    expect(b.readCopy(101)).toEqual(stream(101, MIN));
    b.append(stream(MIN + 101, MIN));
    expect(b.histlen).toBe(2 * MIN);
    expect(b.readCopy(101)).toEqual(stream(101, 2 * MIN));
  });

  it('shrinking keeps the newest bytes', () => {
    const b = new ReplicationBacklog({ size: 3 * MIN });
    b.append(stream(1, 3 * MIN + 5000)); // wrapped
    const end = b.masterReplOffset;
    b.resize(MIN + 7);
    expect(b.size).toBe(MIN + 7);
    expect(b.histlen).toBe(MIN + 7);
    expect(b.masterReplOffset).toBe(end);
    expect(b.firstByteOffset).toBe(end - (MIN + 7) + 1);
    expect(b.readCopy(b.firstByteOffset)).toEqual(stream(b.firstByteOffset, MIN + 7));
    b.append(stream(end + 1, 20));
    expect(b.readCopy(b.firstByteOffset)).toEqual(stream(b.firstByteOffset, MIN + 7));
  });

  it('shrinking a partly filled ring keeps everything that fits', () => {
    const b = new ReplicationBacklog({ size: 4 * MIN, startOffset: 50 });
    b.append(stream(51, 1000));
    b.resize(MIN);
    expect(b.histlen).toBe(1000);
    expect(b.firstByteOffset).toBe(51);
    expect(b.readCopy(51)).toEqual(stream(51, 1000));
  });

  it('resizing an empty backlog keeps its offsets; same size is a no-op; small is raised', () => {
    const b = new ReplicationBacklog({ size: MIN, startOffset: 99 });
    b.resize(2 * MIN);
    expect(b.firstByteOffset).toBe(100);
    expect(b.read(100)).toEqual([]);
    b.append(stream(100, 5));
    const [before] = b.read(100);
    b.resize(2 * MIN);
    expect(b.read(100)[0].buffer).toBe(before.buffer);
    b.resize(10);
    expect(b.size).toBe(MIN);
    expect(b.readCopy(100)).toEqual(stream(100, 5));
  });
});
