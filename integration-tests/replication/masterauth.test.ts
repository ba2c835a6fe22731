/**
 * masterauth / masteruser: replikit-server replicating from a real redis-server that requires
 * authentication (a requirepass, and an ACL user), and failing to sync with a wrong password.
 */
import Redis from 'ioredis';
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { type StartedReplikit, client, infoMap, linkUp, startReplikit, waitFor } from './helpers';

const describeRedis = hasRedis() ? describe : describe.skip;

describeRedis('replikit-server replica of a redis-server that requires AUTH', () => {
  let master: RedisServerHandle;
  const started: StartedReplikit[] = [];

  beforeAll(async () => {
    master = await startRedisServer({ config: { requirepass: 'topsecret', 'repl-diskless-sync-delay': 0 } });
    const m = new Redis({ port: master.port, host: '127.0.0.1', password: 'topsecret', maxRetriesPerRequest: 0 });
    await m.call('ACL', 'SETUSER', 'repl', 'on', '>replpw', '~*', '&*', '+@all');
    await m.set('guarded', 'value');
    m.disconnect();
  });

  afterEach(async () => {
    for (const s of started.splice(0)) await s.stop();
  });

  afterAll(async () => {
    await master?.stop();
  });

  it('masterauth: AUTH <password> before the REPLCONFs', async () => {
    const rep = await startReplikit(['--replicaof', '127.0.0.1', String(master.port), '--masterauth', 'topsecret']);
    started.push(rep);
    const c = client(rep.port);
    try {
      await linkUp(c);
      await waitFor('the key', async () => (await c.get('guarded')) === 'value');
    } finally {
      c.disconnect();
    }
  });

  it('masteruser + masterauth: AUTH <user> <password>', async () => {
    const rep = await startReplikit(['--replicaof', '127.0.0.1', String(master.port), '--masteruser', 'repl', '--masterauth', 'replpw']);
    started.push(rep);
    const c = client(rep.port);
    try {
      await linkUp(c);
      expect(await c.get('guarded')).toBe('value');
    } finally {
      c.disconnect();
    }
  });

  it('a wrong masterauth never brings the link up', async () => {
    const rep = await startReplikit(['--replicaof', '127.0.0.1', String(master.port), '--masterauth', 'wrong']);
    started.push(rep);
    const c = client(rep.port);
    try {
      // the attempt fails at AUTH; the link stays down and the dataset empty
      await waitFor('a failed attempt logged', () => rep.logs.some((l) => /SYNC|AUTH|auth/i.test(l) && /rror|WRONGPASS|denied/i.test(l)));
      const info = infoMap(await c.info('replication'));
      expect(info.get('master_link_status')).toBe('down');
      expect(await c.exists('guarded')).toBe(0);
    } finally {
      c.disconnect();
    }
  });
});
