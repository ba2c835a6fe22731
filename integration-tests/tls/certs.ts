/**
 * Test certificates made with the openssl CLI in a temp dir: a CA, a server certificate for
 * 127.0.0.1 / localhost, a client certificate, the same server key encrypted with a passphrase,
 * and a client certificate from a second, untrusted CA. EC P-256 keys keep generation fast.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOpenssl } from '@replikit/test-utils';

export interface TestCertificates {
  readonly dir: string;
  readonly caCert: string;
  /** a directory holding only the CA certificate (tls-ca-cert-dir) */
  readonly caDir: string;
  readonly serverCert: string;
  readonly serverKey: string;
  /** serverKey encrypted with `keyPassphrase` */
  readonly serverKeyEncrypted: string;
  readonly keyPassphrase: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** a client certificate signed by a CA nobody trusts */
  readonly rogueCert: string;
  readonly rogueKey: string;
  remove(): void;
}

export function generateCertificates(): TestCertificates {
  const bin = findOpenssl();
  if (bin === null) throw new Error('openssl is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'replikit-tls-'));
  const p = (name: string) => join(dir, name);
  const run = (...args: string[]) => execFileSync(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const ca = (name: string, cn: string) => run('req', '-x509', ...ec, '-keyout', p(`${name}.key`), '-out', p(`${name}.crt`), '-days', '2', '-subj', `/CN=${cn}`);
  const leaf = (name: string, cn: string, caName: string, ext: string) => {
    writeFileSync(p(`${name}.ext`), ext);
    run('req', ...ec, '-keyout', p(`${name}.key`), '-out', p(`${name}.csr`), '-subj', `/CN=${cn}`);
    run('x509', '-req', '-in', p(`${name}.csr`), '-CA', p(`${caName}.crt`), '-CAkey', p(`${caName}.key`), '-CAcreateserial', '-out', p(`${name}.crt`), '-days', '2', '-extfile', p(`${name}.ext`));
  };
  ca('ca', 'replikit test CA');
  ca('rogue-ca', 'untrusted test CA');
  leaf('server', '127.0.0.1', 'ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  leaf('client', 'replikit test client', 'ca', 'extendedKeyUsage=clientAuth\n');
  leaf('rogue', 'rogue client', 'rogue-ca', 'extendedKeyUsage=clientAuth\n');
  run('pkey', '-in', p('server.key'), '-aes256', '-passout', 'pass:key-secret', '-out', p('server-encrypted.key'));
  const caDir = p('ca-dir');
  mkdirSync(caDir);
  copyFileSync(p('ca.crt'), join(caDir, 'replikit-ca.pem'));
  return {
    dir,
    caCert: p('ca.crt'),
    caDir,
    serverCert: p('server.crt'),
    serverKey: p('server.key'),
    serverKeyEncrypted: p('server-encrypted.key'),
    keyPassphrase: 'key-secret',
    clientCert: p('client.crt'),
    clientKey: p('client.key'),
    rogueCert: p('rogue.crt'),
    rogueKey: p('rogue.key'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
