/**
 * Pieces of the TLS tests: replikit-server in this process with the `tls-*` directives pointing
 * at generated certificates, ioredis and redis-cli over TLS (redis-cli runs asynchronously: the
 * server under test shares this event loop), and a bare TLS handshake probe.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type ConnectionOptions, connect } from 'node:tls';
import { findRedisCli, getFreePort } from '@replikit/test-utils';
import Redis, { type RedisOptions } from 'ioredis';
import { type StartedReplikit, startReplikit } from '../replication/helpers';
import type { TestCertificates } from './certs';

export interface TlsReplikit extends StartedReplikit {
  readonly tlsPort: number;
}

/** `tls-port`, `tls-cert-file`, `tls-key-file`, `tls-ca-cert-file` as CLI arguments. */
export function tlsArgs(certs: TestCertificates, tlsPort: number): string[] {
  return ['--tls-port', String(tlsPort), '--tls-cert-file', certs.serverCert, '--tls-key-file', certs.serverKey, '--tls-ca-cert-file', certs.caCert];
}

/**
 * Starts replikit-server with a TLS port; `tcp: false` sets `port 0` (TLS only). `args` come after
 * the TLS ones, so they can override them.
 */
export async function startTlsReplikit(certs: TestCertificates, args: string[] = [], opts: { tcp?: boolean } = {}): Promise<TlsReplikit> {
  const tlsPort = await getFreePort();
  const started = await startReplikit([...tlsArgs(certs, tlsPort), ...args], opts.tcp === false ? { port: 0 } : {});
  return Object.assign(started, { tlsPort });
}

export interface ClientCert {
  readonly cert: string;
  readonly key: string;
}

/** node:tls options trusting the test CA (host names are not checked, as in Redis). */
export function tlsOptions(certs: TestCertificates, client: ClientCert | null): ConnectionOptions {
  return {
    ca: readFileSync(certs.caCert),
    ...(client === null ? {} : { cert: readFileSync(client.cert), key: readFileSync(client.key) }),
    checkServerIdentity: () => undefined,
  };
}

/** ioredis over TLS with the test client certificate (or `client`). */
export function tlsClient(
  port: number,
  certs: TestCertificates,
  client: ClientCert | null = { cert: certs.clientCert, key: certs.clientKey },
  extra: RedisOptions = {},
): Redis {
  return new Redis({ port, host: '127.0.0.1', tls: tlsOptions(certs, client), maxRetriesPerRequest: 0, retryStrategy: () => null, ...extra });
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `redis-cli --tls --cacert <ca> [--cert --key] -p <port> args...`, without blocking the event loop. */
export function redisCliTls(port: number, certs: TestCertificates, client: ClientCert | null, ...args: string[]): Promise<CliResult> {
  const bin = findRedisCli() ?? 'redis-cli';
  const tls = ['--tls', '--cacert', certs.caCert, ...(client === null ? [] : ['--cert', client.cert, '--key', client.key])];
  return new Promise((resolve) => {
    execFile(bin, ['-h', '127.0.0.1', '-p', String(port), ...tls, ...args], { timeout: 20000, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1;
      resolve({ code, stdout: stdout.replace(/\n$/, ''), stderr });
    });
  });
}

/**
 * Connects over TLS, sends PING and resolves with the first reply line, or with `refused: <reason>`
 * when the handshake fails or the server closes the connection before answering.
 */
export function tlsPing(port: number, options: ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ ...options, host: '127.0.0.1', port });
    let done = false;
    const finish = (v: string) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve(v);
    };
    socket.once('secureConnect', () => socket.write('PING\r\n'));
    socket.on('data', (d: Buffer) => finish(d.toString('latin1').split('\r\n')[0] ?? ''));
    socket.once('error', (e) => finish(`refused: ${e.message}`));
    socket.once('close', () => finish('refused: closed'));
  });
}
