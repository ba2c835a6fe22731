/**
 * Keyspace notifications of the issue-12 families compared with redis-server 7.0: the same
 * commands run on redis-server and on replikit-server with `notify-keyspace-events KEA`, and the
 * messages a PSUBSCRIBE client receives must be the same list in the same order.
 */
import { hasRedis } from '@replikit/test-utils';
import { redisAndReplikit } from '../replication/helpers';
import { notificationsOf, runLines } from '../notify/notify-kit';

const describeRedis = hasRedis() ? describe : describe.skip;

const FAMILIES: Record<string, string[]> = {
  bitmaps: ['SETBIT b 7 1', 'SETBIT b 7 1', 'SETBIT b 100 0', 'BITFIELD b SET u8 0 255 GET u4 0', 'BITFIELD b SET u8 0 255', 'BITFIELD nb OVERFLOW FAIL INCRBY u2 0 9', 'BITOP OR d b nb', 'BITOP AND d missing1 missing2', 'BITOP NOT d2 b'],
  hll: ['PFADD h a b c', 'PFADD h a', 'PFCOUNT h', 'PFMERGE h2 h', 'PFADD h3', 'PFMERGE h h3'],
  sort: ['RPUSH l 3 1 2', 'SORT l STORE out', 'SORT l LIMIT 0 0 STORE out', 'SORT missing STORE out2'],
  geo: ['GEOADD g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania', 'GEOADD g CH 13.361389 38.115556 Palermo', 'GEOSEARCHSTORE gs g FROMLONLAT 15 37 BYRADIUS 200 km', 'GEORADIUS g 15 37 200 km STORE gr', 'GEOSEARCHSTORE gs g FROMLONLAT 0 0 BYRADIUS 1 m', 'GEORADIUS nokey 15 37 200 km STORE gr'],
  lmpop: ['RPUSH l1 a b c', 'LMPOP 2 l0 l1 LEFT COUNT 2', 'LMPOP 1 l1 RIGHT COUNT 5'],
};

function run(port: number, lines: readonly string[]): Promise<string[]> {
  return notificationsOf(port, 'KEA', (c) => runLines(c, lines));
}

describeRedis('keyspace notifications of the new families vs redis-server 7.0', () => {
  const servers = redisAndReplikit();

  for (const [family, lines] of Object.entries(FAMILIES)) {
    it(`${family}: the same messages in the same order`, async () => {
      const expected = await run(servers.redis.port, lines);
      const actual = await run(servers.rk.port, lines);
      expect(expected.length).toBeGreaterThan(0);
      expect(actual).toEqual(expected);
    });
  }
});
