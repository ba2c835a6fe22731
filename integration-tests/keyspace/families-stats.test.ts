/**
 * keyspace_hits / keyspace_misses of the issue-12 commands against redis-server 7.0: Redis counts
 * the lookupKeyRead()s of write commands too (BITOP and PFMERGE sources, SORT and its BY/GET keys,
 * the GEORADIUS/GEOSEARCHSTORE source, a GET-only BITFIELD), never their lookupKeyWrite()s.
 */
import { hasRedis } from '@replikit/test-utils';
import { client, infoMap, redisAndReplikit } from '../replication/helpers';
import { words } from '../notify/notify-kit';

const describeRedis = hasRedis() ? describe : describe.skip;

const LINES = [
  'SETBIT b 3 1', 'GETBIT b 3', 'GETBIT nob 3', 'BITCOUNT b', 'BITPOS nob 1', 'BITOP OR d b nob', 'BITFIELD b GET u4 0', 'BITFIELD nob GET u4 0', 'BITFIELD b SET u4 0 1',
  'PFADD h a', 'PFCOUNT h', 'PFCOUNT h noh', 'PFMERGE h2 h noh', 'LCS b nob', 'SUBSTR b 0 1',
  'RPUSH l 2 1', 'SET w_1 5', 'SORT l BY w_* GET # GET nokey_*', 'SORT l STORE out', 'SORT_RO nol',
  'GEOADD g 13.361389 38.115556 P', 'GEODIST g P Q', 'GEOPOS nog P', 'GEOHASH g P', 'GEORADIUS g 13 38 100 km', 'GEORADIUSBYMEMBER nog P 1 km', 'GEOSEARCHSTORE gs g FROMMEMBER P BYRADIUS 1 km', 'GEOSEARCH nog FROMLONLAT 1 1 BYRADIUS 1 km',
  'LMPOP 2 nol l LEFT',
];

async function stats(port: number): Promise<Record<string, string | undefined>> {
  const c = client(port);
  try {
    await c.flushall();
    await c.config('RESETSTAT');
    const out: Record<string, string | undefined> = {};
    for (const line of LINES) {
      await c.call(...(words(line) as [string, ...string[]])).catch(() => undefined);
      const m = infoMap(await c.info('stats'));
      out[line] = `${m.get('keyspace_hits')}/${m.get('keyspace_misses')}`;
    }
    return out;
  } finally {
    c.disconnect();
  }
}

describeRedis('keyspace_hits/misses of the new families vs redis-server 7.0', () => {
  const servers = redisAndReplikit();

  it('counts after every command are equal', async () => {
    expect(await stats(servers.rk.port)).toEqual(await stats(servers.redis.port));
  });
});
