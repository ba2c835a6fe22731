/**
 * A master's commit points on a durable store (`storage lmdb`): every unit of writes is committed
 * together with the replication position it brings the stream to (`{ replid, offset, streamDb }`,
 * what an RDB's repl aux fields would say: none while the master has no backlog), in one
 * transaction. A master killed at any moment then restarts from a dataset and a position that
 * match, and the restart rule for an RDB with repl aux fields (old id as replid2, accepted up to
 * offset + 1) lets its replicas continue with a partial resync.
 *
 * The keyspace's own commit points (one per command, with no position) are replaced by manual
 * ones placed here: each time bytes enter the stream (a propagated unit: a command, an EXEC, an
 * expiry DEL; or the node's own PING / GETACK), after the backlog took them and before any replica
 * is written to, so a replica never holds bytes the committed position does not cover; after a
 * propagated unit that did not enter a stream (no backlog yet: the position is none); and after a
 * role switch to master (the ids changed). While the server is a replica, the replica's syncer
 * places them instead (with its master's position) and this object stays quiet.
 */
import type { Keyspace } from '@replikit/keyspace';
import type { ReplicationNode } from '@replikit/master';

export class MasterCommitPoints {
  /** set when the stream took bytes during {@link around} */
  private appended = false;

  constructor(
    private readonly keyspace: Keyspace,
    private readonly node: () => ReplicationNode | undefined,
  ) {
    keyspace.commits = 'manual';
  }

  /** A commit point with the master's current position (none while the node is a replica). */
  commit(): void {
    const node = this.node();
    if (node === undefined || node.role !== 'master') return;
    const info = node.rdbSaveInfo();
    this.keyspace.commit(info === undefined ? null : { replid: info.replId, offset: Number(info.offset), streamDb: info.streamDb });
  }

  /** The node's hook: bytes entered the stream, none was sent yet. */
  streamAppended(): void {
    this.appended = true;
    this.commit();
  }

  /** Runs a propagation; commits afterwards when it put nothing into the stream. */
  around(propagate: () => void): void {
    this.appended = false;
    propagate();
    if (!this.appended) this.commit();
  }
}
