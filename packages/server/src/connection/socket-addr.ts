/**
 * The addresses CLIENT LIST shows. A connection reads them on first use, not when it is accepted:
 * getpeername and getsockname are two syscalls on the path of every new connection (a replica
 * reconnecting among them), and most connections never need them. Node keeps the peer address
 * once read; read only after the socket closed, it is `:0`.
 */
import type { Socket } from 'node:net';

function formatAddr(host: string | undefined, port: number | undefined, fallback: string): string {
  if (host === undefined) return fallback;
  const h = host.startsWith('::ffff:') ? host.slice(7) : host;
  return `${h}:${port ?? 0}`;
}

/** `addr` of CLIENT LIST: the peer's `ip:port` (getpeername). */
export function peerAddr(socket: Socket): string {
  return formatAddr(socket.remoteAddress, socket.remotePort, `${socket.localAddress ?? ''}:0`);
}

/** `laddr` of CLIENT LIST: the local `ip:port` the connection came in on (getsockname). */
export function localAddr(socket: Socket): string {
  const server = (socket as unknown as { server?: { address(): unknown } }).server;
  return formatAddr(socket.localAddress, socket.localPort, `${server?.address() ?? ''}:0`);
}
