/**
 * Keyspace notifications on a replica: a replikit-server replica of a real redis-server 7.0 master
 * publishes the events of the commands it applies from the master's stream (as the master
 * propagates them: SET ... PXAT, SREM for SPOP, DEL for expiry). Compared with a redis-server
 * replica of the same master, message for message.
 */
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import type Redis from 'ioredis';
import { type StartedReplikit, client, infoMap, linkUp, startReplikit, waitFor } from '../replication/helpers';
import { FAMILIES } from './notify-families';
import { type EventRecorder, recordEvents, words } from './notify-kit';

const describeRedis = hasRedis() ? describe : describe.skip;

describeRedis('keyspace notifications on a replica of redis-server', () => {
  let master: RedisServerHandle;
  let redisReplica: RedisServerHandle;
  let rk: StartedReplikit;
  let m: Redis;
  let rr: Redis;
  let rkc: Redis;

  beforeAll(async () => {
    master = await startRedisServer({ config: { 'repl-diskless-sync-delay': 0 } });
    redisReplica = await startRedisServer();
    m = client(master.port);
    rr = client(redisReplica.port);
    await rr.call('REPLICAOF', '127.0.0.1', String(master.port));
    // the directive from the command line (the config loader path)
    rk = await startReplikit(['--replicaof', `127.0.0.1 ${master.port}`, '--notify-keyspace-events', 'KEA']);
    rkc = client(rk.port);
    await rr.config('SET', 'notify-keyspace-events', 'KEA');
    await linkUp(rr);
    await linkUp(rkc);
  });

  afterAll(async () => {
    rkc?.disconnect();
    rr?.disconnect();
    m?.disconnect();
    await rk?.stop();
    await redisReplica?.stop();
    await master?.stop();
  });

  it('the directive given at start-up is in force', async () => {
    expect(await rkc.config('GET', 'notify-keyspace-events')).toEqual(['notify-keyspace-events', 'AKE']);
  });

  for (const [family, lines] of Object.entries(FAMILIES)) {
    it(`${family}: commands applied from the master's stream publish what a redis-server replica publishes`, async () => {
      await m.flushall();
      const ours: EventRecorder = await recordEvents(rk.port);
      const theirs: EventRecorder = await recordEvents(redisReplica.port);
      try {
        for (const line of lines) await m.call(...(words(line) as [string, ...string[]])).catch(() => undefined);
        await m.select(0);
        // PUBLISH is propagated: the marker arrives after every write before it
        await waitFor('the replicas to catch up', async () => {
          const want = infoMap(await m.info('replication')).get('master_repl_offset');
          const a = infoMap(await rkc.info('replication')).get('slave_repl_offset');
          const b = infoMap(await rr.info('replication')).get('slave_repl_offset');
          return a === want && b === want;
        });
        await Promise.all([ours.settle(m), theirs.settle(m)]);
        expect(theirs.messages.length).toBeGreaterThan(0);
        expect(ours.messages).toEqual(theirs.messages);
      } finally {
        ours.close();
        theirs.close();
      }
    });
  }
});
