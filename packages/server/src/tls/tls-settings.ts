/**
 * The `tls-*` directives as node:tls options, built the way Redis 7.0's tlsConfigure builds its
 * SSL contexts: one for the TLS port (server side) and one for links it opens (a replica's link
 * to its master), with the same checks and log lines when something is missing. Files are read
 * each time a context is built, so replaced certificates apply to the next connections.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type ConnectionOptions, DEFAULT_CIPHERS, type SecureVersion, type TlsOptions } from 'node:tls';
import type { ServerConfig } from '../config/server-config';
import { TlsConfigError } from '../errors';

export type TlsAuthClients = 'yes' | 'no' | 'optional';

/** The `tls-*` directives, read from a ServerConfig (empty strings are "not set"). */
export interface TlsSettings {
  readonly port: number;
  readonly certFile: string;
  readonly keyFile: string;
  readonly keyFilePass: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  readonly clientKeyFilePass: string;
  readonly caCertFile: string;
  readonly caCertDir: string;
  readonly authClients: TlsAuthClients;
  readonly replication: boolean;
  readonly protocols: readonly string[];
  readonly ciphers: string;
  readonly ciphersuites: string;
  readonly preferServerCiphers: boolean;
}

export function tlsSettingsFromConfig(config: ServerConfig): TlsSettings {
  return {
    port: config.getNumber('tls-port'),
    certFile: config.getString('tls-cert-file'),
    keyFile: config.getString('tls-key-file'),
    keyFilePass: config.getString('tls-key-file-pass'),
    clientCertFile: config.getString('tls-client-cert-file'),
    clientKeyFile: config.getString('tls-client-key-file'),
    clientKeyFilePass: config.getString('tls-client-key-file-pass'),
    caCertFile: config.getString('tls-ca-cert-file'),
    caCertDir: config.getString('tls-ca-cert-dir'),
    authClients: config.getString('tls-auth-clients') as TlsAuthClients,
    replication: config.getBool('tls-replication'),
    protocols: config.get<string[]>('tls-protocols'),
    ciphers: config.getString('tls-ciphers'),
    ciphersuites: config.getString('tls-ciphersuites'),
    preferServerCiphers: config.getBool('tls-prefer-server-ciphers'),
  };
}

const VERSION_ORDER: readonly SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/**
 * `tls-protocols` as node's version range. Redis switches each version on or off; node takes a
 * minimum and a maximum, so a set with a hole (`TLSv1 TLSv1.3`) allows the versions between too.
 * Empty means Redis's default, TLSv1.2 and TLSv1.3.
 */
export function tlsVersionRange(protocols: readonly string[]): { minVersion: SecureVersion; maxVersion: SecureVersion } {
  if (protocols.length === 0) return { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' };
  const idx = protocols.map((p) => VERSION_ORDER.findIndex((v) => v.toLowerCase() === p.toLowerCase())).filter((i) => i >= 0);
  if (idx.length === 0) throw new TlsConfigError("Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.");
  return { minVersion: VERSION_ORDER[Math.min(...idx)] as SecureVersion, maxVersion: VERSION_ORDER[Math.max(...idx)] as SecureVersion };
}

/**
 * `tls-ciphers` (TLSv1.2 and below) and `tls-ciphersuites` (TLSv1.3) as node's single `ciphers`
 * string. node disables TLSv1.3 when the string names no TLSv1.3 suite (and the reverse), so the
 * half that is not configured keeps node's default, as each directive alone does in Redis.
 */
export function tlsCipherString(ciphers: string, ciphersuites: string): string | undefined {
  if (ciphers === '' && ciphersuites === '') return undefined;
  const defaults = DEFAULT_CIPHERS.split(':');
  const suites = ciphersuites !== '' ? ciphersuites : defaults.filter((c) => c.startsWith('TLS_')).join(':');
  const list = ciphers !== '' ? ciphers : defaults.filter((c) => !c.startsWith('TLS_')).join(':');
  return `${suites}:${list}`;
}

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new TlsConfigError(`Failed to load ${what}: ${file}: ${(err as Error).message}`, err);
  }
}

/** `tls-ca-cert-file` and every certificate file of `tls-ca-cert-dir`; undefined when neither is set. */
export function readCaCertificates(settings: Pick<TlsSettings, 'caCertFile' | 'caCertDir'>): Buffer[] | undefined {
  if (settings.caCertFile === '' && settings.caCertDir === '') return undefined;
  const out: Buffer[] = [];
  if (settings.caCertFile !== '') out.push(readPem(settings.caCertFile, 'CA certificate(s) file'));
  if (settings.caCertDir !== '') {
    let names: string[];
    try {
      names = readdirSync(settings.caCertDir).sort();
    } catch (err) {
      throw new TlsConfigError(`Failed to configure CA certificate(s) file/directory: ${settings.caCertDir}: ${(err as Error).message}`, err);
    }
    for (const name of names) {
      const p = join(settings.caCertDir, name);
      if (!statSync(p).isFile()) continue;
      const pem = readFileSync(p);
      // c_rehash directories hold links and other files next to the certificates
      if (pem.includes('-----BEGIN CERTIFICATE-----')) out.push(pem);
    }
  }
  return out;
}

function common(settings: TlsSettings): Pick<TlsOptions, 'minVersion' | 'maxVersion' | 'ciphers' | 'ca'> {
  const ciphers = tlsCipherString(settings.ciphers, settings.ciphersuites);
  return { ...tlsVersionRange(settings.protocols), ...(ciphers === undefined ? {} : { ciphers }), ca: readCaCertificates(settings) };
}

function requireCertAndKey(settings: TlsSettings): void {
  if (settings.certFile === '') throw new TlsConfigError('No tls-cert-file configured!');
  if (settings.keyFile === '') throw new TlsConfigError('No tls-key-file configured!');
  if ((settings.authClients !== 'no' || settings.replication) && settings.caCertFile === '' && settings.caCertDir === '') {
    throw new TlsConfigError('Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or tls-auth-clients are enabled!');
  }
}

/**
 * Options of the TLS port's `tls.Server` (and of `setSecureContext` on CONFIG SET). Client
 * certificates: `yes` requests and requires one, `optional` requests one and leaves the check to
 * the listener (a certificate that is sent must verify), `no` requests none.
 */
export function tlsServerOptions(settings: TlsSettings): TlsOptions {
  requireCertAndKey(settings);
  return {
    ...common(settings),
    cert: readPem(settings.certFile, 'certificate'),
    key: readPem(settings.keyFile, 'private key'),
    ...(settings.keyFilePass === '' ? {} : { passphrase: settings.keyFilePass }),
    honorCipherOrder: settings.preferServerCiphers,
    requestCert: settings.authClients !== 'no',
    rejectUnauthorized: settings.authClients === 'yes',
  };
}

/**
 * Options of a link this server opens (tls-replication): the client certificate when both
 * tls-client-cert-file and tls-client-key-file are set, else tls-cert-file, as Redis picks its
 * client context. The master's certificate must chain to the CA; like Redis, its host name is not
 * compared with the certificate's names.
 */
export function tlsClientOptions(settings: TlsSettings): ConnectionOptions {
  requireCertAndKey(settings);
  const own = settings.clientCertFile !== '' && settings.clientKeyFile !== '';
  const pass = own ? settings.clientKeyFilePass : settings.keyFilePass;
  return {
    ...common(settings),
    cert: readPem(own ? settings.clientCertFile : settings.certFile, 'certificate'),
    key: readPem(own ? settings.clientKeyFile : settings.keyFile, 'private key'),
    ...(pass === '' ? {} : { passphrase: pass }),
    rejectUnauthorized: true,
    checkServerIdentity: () => undefined,
  };
}
