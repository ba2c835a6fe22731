import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * The connection to one replica as the node sees it. `serve(duplex)` builds one over any Duplex
 * ({@link duplexTransport}); a host server that owns its sockets implements it over its own
 * connection objects and hands it to `replconf`/`psync`/`sync`.
 */
export interface ReplicaTransport {
  /**
   * Writes the chunks in order. The node never modifies them and may pass the same Buffer objects
   * to several transports. Returns false when the peer is behind (the node then waits for
   * {@link onDrain} before it sends more snapshot bytes). Must not pause reading from the peer.
   */
  write(chunks: readonly Uint8Array[]): boolean;
  /** Calls `cb` once, at the next drain of the write side (or at close). */
  onDrain(cb: () => void): void;
  /** Calls `cb` once when the connection is closed (by either side). */
  onClose(cb: () => void): void;
  /** Closes the connection; `reason` is for logs. Idempotent. */
  close(reason: string): void;
  /** Bytes written but not yet taken by the peer (the output buffer). */
  readonly bufferedBytes: number;
  /** True once closed. */
  readonly closed: boolean;
  /**
   * True when the transport keeps no reference to the chunks it was given once
   * {@link bufferedBytes} is 0 (a socket: the kernel has copied them). The node then writes the
   * next stream bytes into the same memory; otherwise (an in-memory Duplex hands the Buffer
   * objects to its peer) it never writes into memory it handed over.
   * @default false
   */
  readonly releasesWrittenChunks?: boolean;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  /**
   * True when replies to earlier commands of this connection are not written yet: PSYNC and SYNC
   * then fail with `-ERR SYNC and PSYNC are invalid with pending output`, unless the replica
   * announced `capa pipelined-psync`: then the transport's first `write` must put those replies
   * on the wire before the chunks it is given.
   * @default bufferedBytes > 0
   */
  hasPendingReplies?(): boolean;
}

interface SocketLike {
  remoteAddress?: string;
  remotePort?: number;
}

/**
 * A {@link ReplicaTransport} over a Duplex (a net.Socket, a TLS socket, an in-memory pair). The
 * chunks of one `write` are corked together; reading is never paused.
 */
export function duplexTransport(duplex: Duplex, options: { hasPendingReplies?: () => boolean } = {}): ReplicaTransport {
  let closed = duplex.destroyed;
  const closeListeners: Array<() => void> = [];
  const drainListeners: Array<() => void> = [];
  const onClosed = () => {
    closed = true;
    for (const cb of drainListeners.splice(0)) cb();
    for (const cb of closeListeners.splice(0)) cb();
  };
  duplex.once('close', onClosed);
  duplex.on('error', () => {
    // the close that follows tells the node
  });
  duplex.on('drain', () => {
    for (const cb of drainListeners.splice(0)) cb();
  });
  const socket = duplex as unknown as SocketLike;
  return {
    write(chunks) {
      if (closed || duplex.destroyed) return false;
      let ok = true;
      if (chunks.length > 1) duplex.cork();
      for (let i = 0; i < chunks.length; i++) ok = duplex.write(chunks[i]);
      if (chunks.length > 1) duplex.uncork();
      return ok && duplex.writableLength < duplex.writableHighWaterMark;
    },
    onDrain(cb) {
      if (closed) cb();
      else drainListeners.push(cb);
    },
    onClose(cb) {
      if (closed) cb();
      else closeListeners.push(cb);
    },
    close() {
      if (!duplex.destroyed) duplex.destroy();
      // an in-memory Duplex emits 'close' asynchronously: mark it now so that no more writes happen
      if (!closed) {
        closed = true;
        queueMicrotask(onClosed);
      }
    },
    get bufferedBytes() {
      return duplex.writableLength;
    },
    get closed() {
      return closed || duplex.destroyed;
    },
    releasesWrittenChunks: duplex instanceof Socket,
    get remoteAddress() {
      return socket.remoteAddress;
    },
    get remotePort() {
      return socket.remotePort;
    },
    hasPendingReplies: options.hasPendingReplies,
  };
}
