import type { Duplex } from 'node:stream';
import { type ConnectionOptions, connect } from 'node:tls';
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
    new Promise<Duplex>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      let opts: ConnectionOptions;
      try {
        opts = typeof options === 'function' ? options() : options;
      } catch (err) {
        reject(err);
        return;
      }
      // an IP address is not a valid SNI name (RFC 6066), so none is sent for one
      const servername = opts.servername ?? (/^[\d.]+$|:/.test(host) ? undefined : host);
      const socket = connect({ ...opts, host, port, servername });
      const onAbort = (): void => {
        socket.destroy();
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('secureConnect', () => {
        signal.removeEventListener('abort', onAbort);
        socket.removeListener('error', onError);
        socket.setNoDelay(true);
        resolve(socket);
      });
      const onError = (err: Error): void => {
        signal.removeEventListener('abort', onAbort);
        socket.destroy();
        reject(err);
      };
      socket.once('error', onError);
    });
}
