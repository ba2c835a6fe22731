/**
 * The replikit-server CLI with TLS, as a process: TLS only (`--port 0 --tls-port N`) served to
 * redis-cli --tls, INFO's tcp_port, and a TLS set-up without a certificate refused at start with
 * redis-server's log lines and exit code.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRedisServer, getFreePort, hasOpenssl, hasRedis, hasRedisCli } from '@replikit/test-utils';
import { runCli } from '../server/ops-helpers';
import { type TestCertificates, generateCertificates } from './certs';
import { redisCliTls } from './tls-helpers';

const describeTls = hasOpenssl() && hasRedis() && hasRedisCli() ? describe : describe.skip;

describeTls('replikit-server CLI with TLS', () => {
  let certs: TestCertificates;
  let dir: string;
  beforeAll(() => {
    certs = generateCertificates();
    dir = mkdtempSync(join(tmpdir(), 'replikit-tls-cli-'));
  });
  afterAll(() => {
    certs?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('--port 0 --tls-port N: TLS only, INFO tcp_port is the TLS port', async () => {
    const tlsPort = await getFreePort();
    const run = await runCli(
      ['--port', '0', '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--tls-port', String(tlsPort), '--tls-cert-file', certs.serverCert, '--tls-key-file', certs.serverKey, '--tls-ca-cert-file', certs.caCert],
      { port: null },
    );
    try {
      await run.waitForOutput(/Ready to accept connections/);
      expect(run.output()).toContain(`Running mode=standalone, port=${tlsPort}.`);
      const me = { cert: certs.clientCert, key: certs.clientKey };
      expect((await redisCliTls(tlsPort, certs, me, 'PING')).stdout).toBe('PONG');
      const info = (await redisCliTls(tlsPort, certs, me, 'INFO', 'server')).stdout;
      expect(info).toMatch(new RegExp(`^tcp_port:${tlsPort}\\r?$`, 'm'));
      expect((await redisCliTls(tlsPort, certs, null, 'PING')).stdout).not.toBe('PONG');
    } finally {
      expect(await run.stop()).toBe(0);
    }
  });

  it('no tls-cert-file: the same log lines and exit code 1 as redis-server', async () => {
    const tlsPort = await getFreePort();
    const args = ['--port', '0', '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--tls-port', String(tlsPort), '--tls-key-file', certs.serverKey];
    const theirs = spawnSync(findRedisServer() as string, args, { encoding: 'utf8', timeout: 20000 });
    expect(theirs.status).toBe(1);
    expect(theirs.stdout).toContain('No tls-cert-file configured!');
    expect(theirs.stdout).toContain('Failed to configure TLS. Check logs for more info.');
    const run = await runCli(args, { port: null });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('No tls-cert-file configured!');
    expect(run.output()).toContain('Failed to configure TLS. Check logs for more info.');
  });
});
