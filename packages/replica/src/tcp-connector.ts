import { connect } from 'node:net';
import type { Duplex } from 'node:stream';

/** How the replica reaches its master: a fresh Duplex per attempt; `signal` aborts a pending connect. */
export type ReplicaConnector = (signal: AbortSignal) => Promise<Duplex>;

/** The default connector: TCP to `host:port` with Nagle off (every ACK and stream byte leaves at once). */
export function tcpConnector(host: string, port: number): ReplicaConnector {
  return (signal) =>
    new Promise<Duplex>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const socket = connect({ host, port });
      const onAbort = (): void => {
        socket.destroy();
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', () => {
        signal.removeEventListener('abort', onAbort);
        socket.removeListener('error', onError);
        socket.setNoDelay(true);
        resolve(socket);
      });
      const onError = (err: Error): void => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      };
      socket.once('error', onError);
    });
}
