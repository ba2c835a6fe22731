import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { connectAttempt } from './connect-attempt';

/** How the replica reaches its master: a fresh Duplex per attempt; `signal` aborts a pending connect. */
export type ReplicaConnector = (signal: AbortSignal) => Promise<Duplex>;

/** The default connector: TCP to `host:port` with Nagle off (every ACK and stream byte leaves at once). */
export function tcpConnector(host: string, port: number): ReplicaConnector {
  return (signal) => connectAttempt(signal, 'connect', () => connect({ host, port, noDelay: true }));
}
