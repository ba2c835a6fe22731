import { DoubleReply, MapReply, encodeReply } from '@replikit/resp';
import { createKeyspace } from './keyspace';

// RESP3 clients get [member, score] / [field, value] pairs where RESP2 clients get a flat array.
describe('reply shapes follow the session protocol', () => {
  const ks = createKeyspace();
  afterAll(() => ks.close());
  beforeAll(() => {
    ks.execute(['ZADD', 'z', '1', 'a', '2.5', 'b'], { db: 0 });
    ks.execute(['HSET', 'h', 'f', 'v'], { db: 0 });
  });

  it('ZRANGE WITHSCORES: flat in RESP2, pairs in RESP3', () => {
    const r2 = ks.execute(['ZRANGE', 'z', '0', '-1', 'WITHSCORES'], { db: 0, resp: 2 }).reply;
    const r3 = ks.execute(['ZRANGE', 'z', '0', '-1', 'WITHSCORES'], { db: 0, resp: 3 }).reply;
    expect(encodeReply(r2, 2).toString()).toBe('*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5\r\n');
    expect(encodeReply(r3, 3).toString()).toBe('*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n');
  });

  it('ZPOPMIN with a count and HRANDFIELD WITHVALUES pair up in RESP3', () => {
    ks.execute(['ZADD', 'p', '1', 'x', '2', 'y'], { db: 0 });
    const pop = ks.execute(['ZPOPMIN', 'p', '2'], { db: 0, resp: 3 }).reply as unknown[];
    expect(pop).toHaveLength(2);
    expect(Array.isArray(pop[0])).toBe(true);
    expect((pop[0] as unknown[])[1]).toBeInstanceOf(DoubleReply);
    const hr = ks.execute(['HRANDFIELD', 'h', '1', 'WITHVALUES'], { db: 0, resp: 3 }).reply as unknown[];
    expect(encodeReply(hr as never, 3).toString()).toBe('*1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n');
  });

  it('HGETALL is a map either way (the encoder flattens it for RESP2)', () => {
    const r = ks.execute(['HGETALL', 'h'], { db: 0, resp: 2 }).reply;
    expect(r).toBeInstanceOf(MapReply);
    expect(encodeReply(r, 2).toString()).toBe('*2\r\n$1\r\nf\r\n$1\r\nv\r\n');
  });
});
