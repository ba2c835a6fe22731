/**
 * Replication commands and authentication: PSYNC, SYNC and REPLCONF answer -NOAUTH to a client
 * that has not authenticated when `requirepass` is set or the default user is off, exactly as a
 * real redis-server 7.0 does; a replikit replica authenticates as an ACL user (`masteruser` /
 * `masterauth`) against a replikit master, and a wrong password keeps its link down.
 */
import { hasRedis, RawClient, type RawReply, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import Redis from 'ioredis';
import { type StartedReplikit, client, infoMap, linkUp, startReplikit, waitFor } from '../replication/helpers';

const describeRedis = hasRedis() ? describe : describe.skip;

function text(r: RawReply): string {
  if (r instanceof Error) return `-${r.message}`;
  if (Buffer.isBuffer(r)) return r.toString('latin1');
  return String(r);
}

/** The replies to the handshake commands of a client that has not authenticated. */
async function unauthenticatedReplies(port: number): Promise<string[]> {
  const out: string[] = [];
  for (const argv of [['REPLCONF', 'listening-port', '6380'], ['REPLCONF', 'capa', 'psync2'], ['PSYNC', '?', '-1'], ['SYNC']]) {
    const c = await RawClient.connect(port);
    try {
      out.push(text(await c.call(...argv)));
    } finally {
      await c.close();
    }
  }
  return out;
}

describeRedis('replication commands need authentication', () => {
  const ours: StartedReplikit[] = [];
  const theirs: RedisServerHandle[] = [];

  afterEach(async () => {
    for (const s of ours.splice(0)) await s.stop();
    for (const s of theirs.splice(0)) await s.stop();
  });

  it('requirepass: -NOAUTH for REPLCONF, PSYNC and SYNC, like redis-server', async () => {
    const real = await startRedisServer({ config: { requirepass: 'pw' } });
    theirs.push(real);
    const rep = await startReplikit(['--requirepass', 'pw']);
    ours.push(rep);
    const expected = await unauthenticatedReplies(real.port);
    expect(expected.every((r) => r === '-NOAUTH Authentication required.')).toBe(true);
    expect(await unauthenticatedReplies(rep.port)).toEqual(expected);
  });

  it('the default user off and an ACL user: -NOAUTH until AUTH <user> <password>', async () => {
    const rep = await startReplikit(['--user', 'default off', '--user', 'repl on >replpw allcommands allkeys']);
    ours.push(rep);
    expect(await unauthenticatedReplies(rep.port)).toEqual(Array(4).fill('-NOAUTH Authentication required.'));
    const c = await RawClient.connect(rep.port);
    try {
      expect(text(await c.call('AUTH', 'repl', 'replpw'))).toBe('OK');
      expect(text(await c.call('REPLCONF', 'listening-port', '6380'))).toBe('OK');
    } finally {
      await c.close();
    }
  });

  it('no password anywhere: the handshake commands are served', async () => {
    const rep = await startReplikit();
    ours.push(rep);
    const replies = await unauthenticatedReplies(rep.port);
    expect(replies[0]).toBe('OK');
    expect(replies[1]).toBe('OK');
  });

  it('a replikit replica authenticates as an ACL user (masteruser + masterauth) against a replikit master', async () => {
    const master = await startReplikit(['--repl-diskless-sync-delay', '0', '--requirepass', 'adminpw', '--user', 'repl on >replpw allcommands allkeys']);
    ours.push(master);
    const mc = new Redis({ port: master.port, host: '127.0.0.1', password: 'adminpw', maxRetriesPerRequest: 0 });
    await mc.set('guarded', 'value');
    const good = await startReplikit(['--replicaof', '127.0.0.1', String(master.port), '--masteruser', 'repl', '--masterauth', 'replpw']);
    ours.push(good);
    const bad = await startReplikit(['--replicaof', '127.0.0.1', String(master.port), '--masteruser', 'repl', '--masterauth', 'adminpw']);
    ours.push(bad);
    const gc = client(good.port);
    const bc = client(bad.port);
    try {
      await linkUp(gc);
      await waitFor('the key', async () => (await gc.get('guarded')) === 'value');
      await mc.set('later', '1');
      await waitFor('the stream', async () => (await gc.get('later')) === '1');
      // the master sees the replica by the user it authenticated as
      expect(String(await mc.client('LIST'))).toMatch(/flags=S[^\n]*user=repl/);
      // the same user with another password: refused at AUTH, no sync
      await waitFor('the refused attempt logged', () => bad.logs.some((l) => /WRONGPASS|AUTH/i.test(l)));
      expect(infoMap(await bc.info('replication')).get('master_link_status')).toBe('down');
      expect(await bc.exists('guarded')).toBe(0);
    } finally {
      mc.disconnect();
      gc.disconnect();
      bc.disconnect();
    }
  });
});
