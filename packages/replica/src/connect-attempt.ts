/**
 * One connection attempt of a connector: resolves with the socket once it is ready, with Nagle off
 * (every ACK and stream byte leaves at once); rejects with the socket's first error, or with
 * `signal.reason` when the signal aborts first. A failed or aborted socket is destroyed.
 */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * Calls `open` (unless `signal` is already aborted) and waits for `readyEvent`: `connect` for a TCP
 * socket, `secureConnect` for a TLS one, whose handshake then is complete. A throw from `open`
 * rejects the attempt.
 */
export function connectAttempt(signal: AbortSignal, readyEvent: 'connect' | 'secureConnect', open: () => Socket): Promise<Duplex> {
  return new Promise<Duplex>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const socket = open();
    const onAbort = (): void => {
      socket.destroy();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once(readyEvent, () => {
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
