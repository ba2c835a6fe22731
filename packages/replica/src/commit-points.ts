/**
 * The replica's commit points on its keyspace's storage adapter (StorageAdapter.commit): after
 * each chunk read from the master, everything applied so far becomes one durable unit together
 * with the replication position it reached (`{ replid, offset, streamDb }`). A full sync's load
 * places no commit point: the flush, the whole snapshot and the stream up to the end of the chunk
 * that finished it are one unit, committed with the position the load brought (a half-loaded
 * dataset belongs to no history: a durable adapter killed while it writes the load restarts from
 * what it held before with that position, or empty without a position, never from part of the
 * load; the LMDB adapter writes a large load in slices across event-loop turns and takes the
 * second way). An unfinished
 * MULTI block was not applied yet, so its bytes are not in the position either. A durable adapter
 * thus restarts at a position it really holds, and the node's restore rule (restoreFromRdb with
 * the committed position) lets the syncer continue with a partial resync from there.
 */
import type { Keyspace, KeyspaceCommits, ReplicationPosition } from '@replikit/keyspace';

export class ReplicaCommitPoints {
  private readonly previous: KeyspaceCommits | undefined;
  /** the position the keyspace held when the syncer started (its stream db is restored on +CONTINUE) */
  private restart: ReplicationPosition | undefined;

  constructor(private readonly keyspace: Keyspace | undefined) {
    if (keyspace === undefined) return;
    this.previous = keyspace.commits;
    keyspace.commits = 'manual';
    this.restart = keyspace.committedPosition();
  }

  /**
   * After a chunk was processed: a unit with the position reached, or nothing while a snapshot
   * loads (see above). A link that just failed commits nothing: what it applied joins the next
   * unit, whose position covers it.
   */
  afterChunk(state: string, legacy: boolean, tracker: { replid: string; reploff: number; db: number }): void {
    const ks = this.keyspace;
    if (ks === undefined || state === 'sync') return;
    if (state === 'connected' && (legacy || tracker.replid === '')) ks.commit(null);
    else if (state === 'connected') ks.commit({ replid: tracker.replid, offset: tracker.reploff, streamDb: tracker.db });
  }

  /**
   * `+CONTINUE` of the history the keyspace was restarted at: the stream continues in the db it
   * had selected (Redis selects rsi.repl_stream_db on the cached master). Once, at the first CONTINUE.
   */
  resumeStreamDb(tracker: { replid: string; reploff: number; db: number }, applier: { reset(db: number): void }): void {
    const r = this.restart;
    this.restart = undefined;
    if (r === undefined || r.replid !== tracker.replid || r.offset !== tracker.reploff) return;
    tracker.db = r.streamDb ?? 0;
    applier.reset(tracker.db);
  }

  /** The syncer stopped: the keyspace places its own commit points again. */
  close(): void {
    if (this.keyspace === undefined || this.previous === undefined) return;
    this.keyspace.commits = this.previous;
  }
}
