import { type ConnectionOptions, connect } from 'node:tls';
import { connectAttempt } from './connect-attempt';
import type { ReplicaConnector } from './tcp-connector';

/**
 * TLS options of {@link tlsConnector}: node:tls's `ConnectionOptions` (`ca`, `cert`, `key`,
 * `passphrase`, `minVersion`, `ciphers`, `checkServerIdentity`, ...), or a function called at
 * every attempt, so certificate files replaced on disk are read again by the next reconnect.
 * `host` and `port` come from the connector's arguments.
 */
export type TlsConnectorOptions = ConnectionOptions | (() => ConnectionOptions);

/**
 * A connector over TLS to `host:port`: the handshake completes (the master's certificate checked
 * against `ca`, our `cert` presented when the master asks for one) before the Duplex is handed to
 * the replica, with Nagle off like the TCP connector. A failed verification rejects the attempt
 * with node's error (`UNABLE_TO_VERIFY_LEAF_SIGNATURE`, `ERR_TLS_CERT_ALTNAME_INVALID`, ...).
 */
export function tlsConnector(host: string, port: number, options: TlsConnectorOptions = {}): ReplicaConnector {
  return (signal) =>
    connectAttempt(signal, 'secureConnect', () => {
      const opts = typeof options === 'function' ? options() : options;
      // an IP address is not a valid SNI name (RFC 6066), so none is sent for one
      const servername = opts.servername ?? (/^[\d.]+$|:/.test(host) ? undefined : host);
      return connect({ ...opts, host, port, servername });
    });
}
