import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CIPHERS } from 'node:tls';
import { ServerConfig } from '../config/server-config';
import { readCaCertificates, tlsCipherString, tlsClientOptions, tlsServerOptions, tlsSettingsFromConfig, tlsVersionRange } from './tls-settings';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('tls-settings', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'replikit-tls-settings-'));
    for (const f of ['server.crt', 'server.key', 'client.crt', 'client.key', 'ca.crt']) writeFileSync(join(dir, f), `${f}\n`);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function config(pairs: Record<string, string>): ServerConfig {
    const c = new ServerConfig();
    for (const [k, v] of Object.entries(pairs)) c.set(k, [v]);
    return c;
  }

  it('tls-protocols: Redis default TLSv1.2 + TLSv1.3; a set becomes its lowest..highest range', () => {
    expect(tlsVersionRange([])).toEqual({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' });
    expect(tlsVersionRange(['TLSv1.3'])).toEqual({ minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' });
    expect(tlsVersionRange(['tlsv1.2', 'TLSv1'])).toEqual({ minVersion: 'TLSv1', maxVersion: 'TLSv1.2' });
  });

  it('tls-protocols: unknown names are refused with Redis reason', () => {
    const c = new ServerConfig();
    expect(() => c.set('tls-protocols', ['TLSv1.2 SSLv3'], 'runtime')).toThrow(/Invalid tls-protocols specified/);
    c.set('tls-protocols', ['TLSv1.2 TLSv1.3']);
    expect(c.getText('tls-protocols')).toBe('TLSv1.2 TLSv1.3');
  });

  it('tls-ciphers and tls-ciphersuites each keep the default of the other half', () => {
    expect(tlsCipherString('', '')).toBeUndefined();
    const suitesOnly = tlsCipherString('', 'TLS_CHACHA20_POLY1305_SHA256') as string;
    expect(suitesOnly.startsWith('TLS_CHACHA20_POLY1305_SHA256:')).toBe(true);
    expect(suitesOnly).toContain('ECDHE-RSA-AES128-GCM-SHA256');
    expect(suitesOnly).not.toContain('TLS_AES_256_GCM_SHA384');
    const listOnly = tlsCipherString('ECDHE-RSA-AES256-GCM-SHA384', '') as string;
    expect(listOnly.endsWith(':ECDHE-RSA-AES256-GCM-SHA384')).toBe(true);
    for (const s of DEFAULT_CIPHERS.split(':').filter((c) => c.startsWith('TLS_'))) expect(listOnly).toContain(s);
  });

  it('server options: tls-auth-clients yes / optional / no', () => {
    const base = { 'tls-port': '6380', 'tls-cert-file': join(dir, 'server.crt'), 'tls-key-file': join(dir, 'server.key'), 'tls-ca-cert-file': join(dir, 'ca.crt') };
    const yes = tlsServerOptions(tlsSettingsFromConfig(config(base)));
    expect([yes.requestCert, yes.rejectUnauthorized]).toEqual([true, true]);
    expect(String(yes.cert)).toBe('server.crt\n');
    const optional = tlsServerOptions(tlsSettingsFromConfig(config({ ...base, 'tls-auth-clients': 'optional' })));
    expect([optional.requestCert, optional.rejectUnauthorized]).toEqual([true, false]);
    const no = tlsServerOptions(tlsSettingsFromConfig(config({ ...base, 'tls-auth-clients': 'no', 'tls-prefer-server-ciphers': 'yes', 'tls-key-file-pass': 'pw' })));
    expect([no.requestCert, no.rejectUnauthorized, no.honorCipherOrder, no.passphrase]).toEqual([false, false, true, 'pw']);
  });

  it('Redis tlsConfigure checks: no certificate, no key, no CA where one is required', () => {
    const s = (p: Record<string, string>) => () => tlsServerOptions(tlsSettingsFromConfig(config(p)));
    expect(s({})).toThrow('No tls-cert-file configured!');
    expect(s({ 'tls-cert-file': join(dir, 'server.crt') })).toThrow('No tls-key-file configured!');
    expect(s({ 'tls-cert-file': join(dir, 'server.crt'), 'tls-key-file': join(dir, 'server.key') })).toThrow(/Either tls-ca-cert-file or tls-ca-cert-dir must be specified/);
    expect(s({ 'tls-cert-file': join(dir, 'server.crt'), 'tls-key-file': join(dir, 'server.key'), 'tls-auth-clients': 'no' })).not.toThrow();
    expect(s({ 'tls-cert-file': join(dir, 'missing.crt'), 'tls-key-file': join(dir, 'server.key'), 'tls-auth-clients': 'no' })).toThrow(
      expect.objectContaining({ code: 'ERR_SERVER_TLS_CONFIG' }),
    );
  });

  it('client options: the client certificate when both client files are set, else the server one', () => {
    const base = { 'tls-cert-file': join(dir, 'server.crt'), 'tls-key-file': join(dir, 'server.key'), 'tls-ca-cert-file': join(dir, 'ca.crt'), 'tls-replication': 'yes' };
    const own = tlsClientOptions(tlsSettingsFromConfig(config({ ...base, 'tls-client-cert-file': join(dir, 'client.crt'), 'tls-client-key-file': join(dir, 'client.key') })));
    expect([String(own.cert), String(own.key), own.rejectUnauthorized]).toEqual(['client.crt\n', 'client.key\n', true]);
    // like Redis, the master's host name is not compared with its certificate
    expect(own.checkServerIdentity?.('anything', {} as never)).toBeUndefined();
    const shared = tlsClientOptions(tlsSettingsFromConfig(config({ ...base, 'tls-client-cert-file': join(dir, 'client.crt') })));
    expect(String(shared.cert)).toBe('server.crt\n');
  });

  it('tls-ca-cert-dir: every certificate file, not other files or directories', () => {
    const ca = join(dir, 'cas');
    mkdirSync(ca);
    mkdirSync(join(ca, 'sub'));
    writeFileSync(join(ca, 'a.pem'), PEM);
    writeFileSync(join(ca, 'notes.txt'), 'not a certificate');
    symlinkSync(join(ca, 'a.pem'), join(ca, '0a1b2c3d.0'));
    const all = readCaCertificates({ caCertFile: '', caCertDir: ca }) as Buffer[];
    expect(all).toHaveLength(2);
    expect(readCaCertificates({ caCertFile: '', caCertDir: '' })).toBeUndefined();
    expect(() => readCaCertificates({ caCertFile: '', caCertDir: join(dir, 'nope') })).toThrow(/Failed to configure CA certificate/);
  });
});
