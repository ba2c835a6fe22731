import type { ReplicaTransport } from '@replikit/master';
import type { ClientConnection } from './client-connection';

/**
 * A client connection as the ReplicationNode's ReplicaTransport: PSYNC, SYNC and REPLCONF arrive
 * as ordinary commands on the server's port, and the node writes the payload and the stream
 * through the connection (after any reply already queued), which keeps parsing the replica's
 * REPLCONF ACKs while it streams.
 */
export function connectionTransport(client: ClientConnection): ReplicaTransport {
  const socket = client.socket;
  return {
    write(chunks) {
      // the node writes only once PSYNC/SYNC made the connection a replica (+FULLRESYNC onwards);
      // that first write (+CONTINUE and the backlog) leaves at once, the stream after it is
      // gathered per event-loop turn
      const first = client.kind !== 'replica';
      client.markReplica();
      return client.writeRaw(chunks, first);
    },
    onDrain: (cb) => client.onDrainOnce(cb),
    onClose: (cb) => client.onCloseOnce(cb),
    close: (reason) => client.close(reason),
    get bufferedBytes() {
      return client.outputBytes;
    },
    get closed() {
      return client.isClosed || socket.destroyed;
    },
    // a socket: once its output buffer is empty the kernel has the bytes
    releasesWrittenChunks: true,
    get remoteAddress() {
      const a = socket.remoteAddress;
      return a?.startsWith('::ffff:') ? a.slice(7) : a;
    },
    get remotePort() {
      return socket.remotePort;
    },
    hasPendingReplies: () => client.hasPendingReplies,
  };
}
