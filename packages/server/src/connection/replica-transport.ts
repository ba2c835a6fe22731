import type { ReplicaTransport } from '@replikit/master';
import type { ClientConnection } from './client-connection';

/**
 * A client connection as the ReplicationNode's ReplicaTransport: PSYNC, SYNC and REPLCONF arrive
 * as ordinary commands on the server's port, and the node writes the payload and the stream
 * through the connection (after any reply already queued), which keeps parsing the replica's
 * REPLCONF ACKs while it streams. A class rather than an object of closures: one is built per
 * replica connection, on the path of every reconnection.
 */
class ConnectionTransport implements ReplicaTransport {
  constructor(private readonly client: ClientConnection) {}

  write(chunks: readonly Uint8Array[]): boolean {
    // the node writes only once PSYNC/SYNC made the connection a replica (+FULLRESYNC onwards);
    // that first write (+CONTINUE and the backlog) leaves at once, the stream after it is
    // gathered per event-loop turn
    const client = this.client;
    const first = client.kind !== 'replica';
    client.markReplica();
    return client.writeRaw(chunks, first);
  }

  onDrain(cb: () => void): void {
    this.client.onDrainOnce(cb);
  }

  onClose(cb: () => void): void {
    this.client.onCloseOnce(cb);
  }

  close(reason: string): void {
    this.client.close(reason);
  }

  get bufferedBytes(): number {
    return this.client.outputBytes;
  }

  get closed(): boolean {
    return this.client.isClosed || this.client.socket.destroyed;
  }

  // a socket: once its output buffer is empty the kernel has the bytes
  readonly releasesWrittenChunks = true;

  get remoteAddress(): string | undefined {
    const a = this.client.socket.remoteAddress;
    return a?.startsWith('::ffff:') ? a.slice(7) : a;
  }

  get remotePort(): number | undefined {
    return this.client.socket.remotePort;
  }

  hasPendingReplies(): boolean {
    return this.client.hasPendingReplies;
  }
}

export function connectionTransport(client: ClientConnection): ReplicaTransport {
  return new ConnectionTransport(client);
}
