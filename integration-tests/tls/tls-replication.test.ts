/**
 * Replication over TLS against a real redis-server 7.0 in both directions (tls-replication, the
 * replica's certificate checked by the master), replikit to replikit over TLS with masteruser /
 * masterauth, and refusals: a replica whose certificate the master does not trust never syncs.
 */
import { getFreePort, hasOpenssl, hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import type Redis from 'ioredis';
import { client, dumpDataset, infoMap, linkUp, waitFor } from '../replication/helpers';
import { type TestCertificates, generateCertificates } from './certs';
import { type TlsReplikit, startTlsReplikit, tlsClient } from './tls-helpers';

const describeTls = hasOpenssl() && hasRedis() ? describe : describe.skip;

async function fill(c: Redis, tag: string): Promise<void> {
  await c.set(`s:${tag}`, `value ${tag}`);
  await c.set(`ttl:${tag}`, 'v', 'EX', 1000);
  await c.rpush(`l:${tag}`, 'a', 'b', 'c');
  await c.sadd(`set:${tag}`, 'x', 'y');
  await c.hset(`h:${tag}`, 'f1', 'v1', 'f2', 'v2');
  await c.zadd(`z:${tag}`, 1, 'one', 2, 'two');
  for (let i = 0; i < 200; i++) await c.set(`n:${tag}:${i}`, String(i));
}

async function sameData(a: Redis, b: Redis): Promise<boolean> {
  return JSON.stringify(await dumpDataset(a, [0])) === JSON.stringify(await dumpDataset(b, [0]));
}

/** redis-server's own TLS directives: it presents the server certificate when it connects out. */
function redisTlsConfig(certs: TestCertificates): Record<string, string> {
  return { 'tls-cert-file': certs.serverCert, 'tls-key-file': certs.serverKey, 'tls-ca-cert-file': certs.caCert, 'repl-diskless-sync-delay': '0' };
}

describeTls('replication over TLS', () => {
  let certs: TestCertificates;
  const ours: TlsReplikit[] = [];
  const theirs: RedisServerHandle[] = [];
  const clients: Redis[] = [];
  const keep = <T extends Redis>(c: T): T => {
    clients.push(c);
    return c;
  };

  beforeAll(() => {
    certs = generateCertificates();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    for (const s of ours.splice(0)) await s.stop();
    for (const s of theirs.splice(0)) await s.stop();
  });
  afterAll(() => certs?.remove());

  it('a real redis-server replicates from a replikit master over TLS (its certificate verified, repl-disable-tcp-nodelay yes)', async () => {
    const master = await startTlsReplikit(certs, ['--repl-diskless-sync-delay', '0', '--repl-disable-tcp-nodelay', 'yes']);
    ours.push(master);
    // setNoDelay calls on the TLS connections the master accepts (forwarded to the TCP socket under TLS)
    const noDelayCalls: boolean[] = [];
    master.s.server.on('client:connect', (c) => {
      const socket = (c as unknown as { socket: { setNoDelay(v?: boolean): unknown } }).socket;
      const original = socket.setNoDelay.bind(socket);
      socket.setNoDelay = (v?: boolean) => {
        noDelayCalls.push(v !== false);
        return original(v);
      };
    });
    const mc = keep(tlsClient(master.tlsPort, certs));
    await fill(mc, 'before');
    const replica = await startRedisServer({ config: { ...redisTlsConfig(certs), 'tls-replication': 'yes', replicaof: `127.0.0.1 ${master.tlsPort}` } });
    theirs.push(replica);
    const rc = keep(client(replica.port));
    await linkUp(rc);
    await waitFor('the snapshot over TLS', () => sameData(mc, rc));
    await fill(mc, 'after');
    await mc.del('s:before');
    await waitFor('the stream over TLS', () => sameData(mc, rc));
    // the replica came in through the TLS port: nothing reached the TCP one
    const info = infoMap(await mc.info('replication'));
    expect(info.get('connected_slaves')).toBe('1');
    expect(infoMap(await rc.info('replication')).get('master_port')).toBe(String(master.tlsPort));
    const list = String(await mc.client('LIST'));
    expect(list).toMatch(/flags=S/);
    expect(list).toContain(`laddr=127.0.0.1:${master.tlsPort}`);
    // repl-disable-tcp-nodelay yes: the full sync turned Nagle back on for the replica's TLS link
    expect(noDelayCalls).toEqual([false]);
  });

  it('a replikit replica of a real redis-server master over TLS, with its own client certificate', async () => {
    const port = await getFreePort();
    const master = await startRedisServer({ config: { ...redisTlsConfig(certs), 'tls-port': String(port), 'tls-auth-clients': 'yes' } });
    theirs.push(master);
    const mc = keep(tlsClient(port, certs));
    await fill(mc, 'before');
    const replica = await startTlsReplikit(certs, [
      '--tls-replication', 'yes',
      '--tls-client-cert-file', certs.clientCert,
      '--tls-client-key-file', certs.clientKey,
      '--replicaof', '127.0.0.1', String(port),
    ]);
    ours.push(replica);
    const rc = keep(client(replica.port));
    await linkUp(rc);
    await waitFor('the snapshot over TLS', () => sameData(mc, rc));
    await fill(mc, 'after');
    await mc.hdel('h:before', 'f1');
    await waitFor('the stream over TLS', () => sameData(mc, rc));
    // with tls-replication, Redis announces its TLS port as the listening port
    const slave0 = infoMap(await mc.info('replication')).get('slave0') ?? '';
    expect(slave0).toContain(`port=${replica.tlsPort},state=online`);
  });

  it('a replikit replica of a redis-server master over TLS as an ACL user with only +psync +replconf +ping', async () => {
    const port = await getFreePort();
    const master = await startRedisServer({ config: { ...redisTlsConfig(certs), 'tls-port': String(port), requirepass: 'adminpw' } });
    theirs.push(master);
    const mc = keep(tlsClient(port, certs, undefined, { password: 'adminpw' }));
    await mc.call('ACL', 'SETUSER', 'repl', 'on', '>replpw', '+psync', '+replconf', '+ping');
    await fill(mc, 'acl');
    const replica = await startTlsReplikit(certs, ['--tls-replication', 'yes', '--masteruser', 'repl', '--masterauth', 'replpw', '--replicaof', '127.0.0.1', String(port)]);
    ours.push(replica);
    const rc = keep(client(replica.port));
    await linkUp(rc);
    await waitFor('the snapshot', () => sameData(mc, rc));
    await mc.set('later', '1');
    await waitFor('the stream', async () => (await rc.get('later')) === '1');
    expect(String(await mc.client('LIST'))).toMatch(/flags=S[^\n]*user=repl/);
  });

  it('a replica whose certificate the master does not trust never syncs (tls-auth-clients yes)', async () => {
    const master = await startTlsReplikit(certs, ['--repl-diskless-sync-delay', '0']);
    ours.push(master);
    const mc = keep(tlsClient(master.tlsPort, certs));
    await mc.set('guarded', 'x');
    const replica = await startTlsReplikit(certs, [
      '--tls-replication', 'yes',
      '--tls-client-cert-file', certs.rogueCert,
      '--tls-client-key-file', certs.rogueKey,
      '--replicaof', '127.0.0.1', String(master.tlsPort),
    ]);
    ours.push(replica);
    await waitFor('the master refused the handshake', () => master.logs.some((l) => l.includes('Error accepting a client connection')));
    const rc = keep(client(replica.port));
    expect(infoMap(await rc.info('replication')).get('master_link_status')).toBe('down');
    expect(await rc.exists('guarded')).toBe(0);
    expect(infoMap(await mc.info('replication')).get('connected_slaves')).toBe('0');
  });

  it('a real redis-server master refuses a replikit replica with an untrusted certificate', async () => {
    const port = await getFreePort();
    const master = await startRedisServer({ config: { ...redisTlsConfig(certs), 'tls-port': String(port) } });
    theirs.push(master);
    const mc = keep(client(master.port));
    await mc.set('guarded', 'x');
    const replica = await startTlsReplikit(certs, [
      '--tls-replication', 'yes',
      '--tls-client-cert-file', certs.rogueCert,
      '--tls-client-key-file', certs.rogueKey,
      '--replicaof', '127.0.0.1', String(port),
    ]);
    ours.push(replica);
    await master.waitForLog(/Error accepting a client connection/);
    const rc = keep(client(replica.port));
    expect(infoMap(await rc.info('replication')).get('master_link_status')).toBe('down');
    expect(await rc.exists('guarded')).toBe(0);
  });

  it('a replica without tls-replication cannot sync from a TLS-only master, until CONFIG SET tls-replication yes', async () => {
    const master = await startTlsReplikit(certs, [], { tcp: false });
    ours.push(master);
    const replica = await startTlsReplikit(certs, ['--replicaof', '127.0.0.1', String(master.tlsPort)]);
    ours.push(replica);
    await waitFor('the plain-text attempt failed', () => replica.logs.some((l) => /Connection with master lost|Error condition on socket for SYNC/.test(l)));
    const rc = keep(client(replica.port));
    expect(infoMap(await rc.info('replication')).get('master_link_status')).toBe('down');
    // CONFIG SET tls-replication yes: the next attempt is TLS and syncs
    const mc = keep(tlsClient(master.tlsPort, certs));
    await mc.set('after-switch', '1');
    expect(await rc.config('SET', 'tls-replication', 'yes')).toBe('OK');
    await linkUp(rc);
    await waitFor('the key', async () => (await rc.get('after-switch')) === '1');
  });

  it('replikit to replikit over TLS, authenticating as an ACL user (masteruser / masterauth)', async () => {
    const master = await startTlsReplikit(certs, ['--repl-diskless-sync-delay', '0', '--user', 'default off', '--user', 'repl on >replpw allcommands allkeys'], { tcp: false });
    ours.push(master);
    const mc = keep(tlsClient(master.tlsPort, certs, undefined, { username: 'repl', password: 'replpw' }));
    await fill(mc, 'acl');
    const replica = await startTlsReplikit(certs, [
      '--tls-replication', 'yes',
      '--masteruser', 'repl',
      '--masterauth', 'replpw',
      '--replicaof', '127.0.0.1', String(master.tlsPort),
    ]);
    ours.push(replica);
    const rc = keep(client(replica.port));
    await linkUp(rc);
    await waitFor('the snapshot', () => sameData(mc, rc));
    await mc.set('later', '1');
    await waitFor('the stream', async () => (await rc.get('later')) === '1');
  });
});
