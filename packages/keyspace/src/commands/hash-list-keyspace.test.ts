/**
 * Hash and list commands through the real executor: propagation (Redis 7.0 rules), expiry,
 * snapshots (copy-on-write through lookupWrite), WATCH versions, plain values.
 */
import { MapReply, NULL_ARRAY } from '@replikit/resp';
import { createKeyspace, type Keyspace, type Session, toPlain } from '../index';
import type { ListValue } from '../types/list-value';

let ks: Keyspace;
let session: Session;
let now: number;

beforeEach(() => {
  now = 1_700_000_000_000;
  ks = createKeyspace({ clock: () => now });
  session = { db: 0 };
});
afterEach(() => ks.close());

const run = (...argv: string[]) => ks.execute(argv, session);
const props = (...argv: string[]) => run(...argv).propagate.map((p) => p.argv);

describe('hash/list propagation', () => {
  it('propagates changing writes verbatim, in the caller casing', () => {
    expect(props('lpush', 'l', 'a', 'b')).toEqual([['lpush', 'l', 'a', 'b']]);
    expect(props('RPOP', 'l', '1')).toEqual([['RPOP', 'l', '1']]);
    expect(props('LMOVE', 'l', 'm', 'LEFT', 'RIGHT')).toEqual([['LMOVE', 'l', 'm', 'LEFT', 'RIGHT']]);
    expect(props('hset', 'h', 'f', 'v')).toEqual([['hset', 'h', 'f', 'v']]);
    expect(props('HSET', 'h', 'f', 'v')).toEqual([['HSET', 'h', 'f', 'v']]); // same value: still a write in Redis
    expect(props('HINCRBY', 'h', 'n', '2')).toEqual([['HINCRBY', 'h', 'n', '2']]);
  });

  it('HINCRBYFLOAT propagates as HSET key field <result>', () => {
    expect(run('hincrbyfloat', 'h', 'f', '1.5')).toEqual({ reply: '1.5', propagate: [{ db: 0, argv: ['HSET', 'h', 'f', '1.5'] }] });
    expect(props('HINCRBYFLOAT', 'h', 'f', '0.1')).toEqual([['HSET', 'h', 'f', '1.6']]);
    expect(props('HINCRBYFLOAT', 'h', 'f', 'x')).toEqual([]);
  });

  it('writes that change nothing propagate nothing', () => {
    run('RPUSH', 'l', 'a', 'b');
    run('HSET', 'h', 'f', 'v');
    const noops = [
      ['LPOP', 'l', '0'],
      ['LPOP', 'nokey'],
      ['LTRIM', 'l', '0', '-1'],
      ['LREM', 'l', '0', 'zz'],
      ['LINSERT', 'l', 'BEFORE', 'zz', 'x'],
      ['LPUSHX', 'nokey', 'x'],
      ['LMOVE', 'nokey', 'l', 'LEFT', 'LEFT'],
      ['LSET', 'l', '5', 'x'],
      ['HDEL', 'h', 'zz'],
      ['HSETNX', 'h', 'f', 'x'],
      ['HINCRBY', 'h', 'f', '1'],
      ['LPUSH', 'h', 'x'],
    ];
    for (const argv of noops) expect(props(...argv)).toEqual([]);
  });

  it('a lazily expired list is deleted first and both commands are wrapped', () => {
    run('RPUSH', 'l', 'a');
    run('PEXPIRE', 'l', '100');
    now += 1000;
    expect(run('LPUSH', 'l', 'b').propagate.map((p) => p.argv)).toEqual([['MULTI'], ['DEL', 'l'], ['LPUSH', 'l', 'b'], ['EXEC']]);
    expect(run('LRANGE', 'l', '0', '-1').reply).toEqual(['b']);
  });

  it('keeps the TTL of a collection modified in place', () => {
    run('HSET', 'h', 'a', '1');
    run('PEXPIRE', 'h', '5000');
    run('HSET', 'h', 'b', '2');
    run('HDEL', 'h', 'a');
    run('RPUSH', 'l', 'a', 'b');
    run('PEXPIRE', 'l', '5000');
    run('LPOP', 'l');
    expect(run('PTTL', 'h').reply).toBe(5000);
    expect(run('PTTL', 'l').reply).toBe(5000);
  });
});

describe('hash/list with snapshots, WATCH and plain values', () => {
  it('a snapshot keeps the old content of lists and hashes changed in place', () => {
    run('RPUSH', 'l', 'a', 'b');
    run('HSET', 'h', 'f', '1');
    const snap = ks.snapshot();
    run('RPUSH', 'l', 'c');
    run('LSET', 'l', '0', 'A');
    run('HSET', 'h', 'f', '2', 'g', '3');
    const seen = new Map<string, unknown>();
    for (let batch = snap.nextBatch(); batch.length; batch = snap.nextBatch()) {
      for (const e of batch) seen.set(e.key, typeof e.value === 'string' ? e.value : toPlain(e.value).value);
    }
    snap.close();
    expect(seen.get('l')).toEqual(['a', 'b']);
    expect(seen.get('h')).toEqual([['f', '1']]);
    expect((ks.peek(0, 'l')!.value as ListValue).toArray()).toEqual(['A', 'b', 'c']);
  });

  it('WATCH versions move only when the command changed the key', () => {
    run('RPUSH', 'l', 'a');
    run('HSET', 'h', 'f', '1');
    const vl = ks.keyVersion(0, 'l');
    const vh = ks.keyVersion(0, 'h');
    run('LINSERT', 'l', 'BEFORE', 'zz', 'x');
    run('LREM', 'l', '0', 'zz');
    run('HDEL', 'h', 'zz');
    run('HSETNX', 'h', 'f', '2');
    expect(ks.keyVersion(0, 'l')).toBe(vl);
    expect(ks.keyVersion(0, 'h')).toBe(vh);
    // LTRIM that trims nothing still touches the key in Redis 7.0 (signalModifiedKey), unpropagated
    expect(props('LTRIM', 'l', '0', '-1')).toEqual([]);
    expect(ks.keyVersion(0, 'l')).not.toBe(vl);
    run('HINCRBY', 'h', 'n', '1');
    expect(ks.keyVersion(0, 'l')).not.toBe(vl);
    expect(ks.keyVersion(0, 'h')).not.toBe(vh);
  });

  it('loads and dumps plain values', () => {
    ks.load(0, 'l', { type: 'list', value: ['x', 'y'] });
    ks.load(0, 'h', { type: 'hash', value: [['f', 'v']] });
    expect(run('LRANGE', 'l', '0', '-1').reply).toEqual(['x', 'y']);
    expect(run('HGETALL', 'h').reply).toEqual(new MapReply([['f', 'v']]));
    expect(run('OBJECT', 'ENCODING', 'l').reply).toBe('quicklist');
    expect(run('OBJECT', 'ENCODING', 'h').reply).toBe('listpack');
    expect(ks.dump(0, 'l')?.value).toEqual({ type: 'list', value: ['x', 'y'] });
    expect(ks.dump(0, 'h')?.value).toEqual({ type: 'hash', value: [['f', 'v']] });
    expect(run('TYPE', 'l').reply).toEqual(expect.objectContaining({ value: 'list' }));
    expect(run('RPOP', 'nokey', '2').reply).toBe(NULL_ARRAY);
  });

  it('COPY deep-copies hashes and lists', () => {
    run('RPUSH', 'l', 'a');
    run('HSET', 'h', 'f', '1');
    run('COPY', 'l', 'l2');
    run('COPY', 'h', 'h2');
    run('RPUSH', 'l2', 'b');
    run('HSET', 'h2', 'f', '2');
    expect(run('LRANGE', 'l', '0', '-1').reply).toEqual(['a']);
    expect(run('HGET', 'h', 'f').reply).toBe('1');
  });
});
