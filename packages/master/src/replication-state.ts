/**
 * Replication ids, offset, backlog and stream db of one node, and how they change with role
 * changes (protocol.md §5): a master's promotion shift, a replica's full and partial resyncs, the
 * restart rule from RDB aux fields, and the aux fields a save writes.
 */
import { ReplicationBacklog, ReplicationIdentity, isValidReplid, replidEquals } from '@replikit/backlog';
import type { RdbReplicationInfo } from '@replikit/rdb';

/** The aux fields of an RDB that belong to a replication history (`repl-id`, `repl-offset`, `repl-stream-db`). */
export interface RdbReplicationAux {
  replId: string;
  offset: number;
  streamDb: number;
}

export class ReplicationState {
  readonly ids = new ReplicationIdentity();
  /** `master_repl_offset`: offset of the last stream byte produced or applied */
  offset = 0;
  backlog: ReplicationBacklog | null = null;
  /** the db last selected in the stream (`slaveseldb`), -1 forces a SELECT */
  streamDb = -1;
  /** the dataset belongs to a replication history, so a replica may PSYNC with it */
  hasHistory: boolean;
  /** on a replica: the link to its master is up */
  upstreamUp = false;
  /** the next PSYNC carries `FAILOVER` (a master handing over with the FAILOVER command) */
  psyncFailover = false;
  /**
   * On a replica restarted from an RDB: its `repl-stream-db`, the db the master's stream had
   * selected at the restored offset. A +CONTINUE of that history goes on in it (Redis selects it
   * on the cached master); consumed by the first CONTINUE or full sync.
   */
  restoredStreamDb: number | undefined = undefined;

  constructor(
    public role: 'master' | 'replica',
    private backlogSize: number,
  ) {
    this.hasHistory = role === 'master';
  }

  /** CONFIG SET repl-backlog-size: the ring keeps its newest bytes (resizeReplicationBacklog). */
  resizeBacklog(size: number): void {
    this.backlogSize = size;
    this.backlog?.resize(size);
  }

  /** A new empty backlog whose first byte is `offset + 1`. */
  newBacklog(): void {
    this.backlog = new ReplicationBacklog({ size: this.backlogSize, startOffset: this.offset });
  }

  /** The first replica of a master without a backlog: new backlog, new history (protocol.md §2.4). */
  createMasterBacklog(): boolean {
    if (this.role !== 'master' || this.backlog !== null) return false;
    this.ids.changeReplid();
    this.ids.clearReplid2();
    this.newBacklog();
    return true;
  }

  /**
   * `repl-backlog-ttl` (seconds, 0 = never) on a master without replicas for `idleMs`: backlog
   * freed, new id, replid2 cleared. Replicas keep theirs. @returns true when it was freed
   */
  expireBacklog(idleMs: number, ttl: number): boolean {
    if (this.role !== 'master' || this.backlog === null || ttl === 0 || idleMs < ttl * 1000) return false;
    this.backlog = null;
    this.ids.changeReplid();
    this.ids.clearReplid2();
    return true;
  }

  /** Appends stream bytes. */
  append(chunks: readonly Uint8Array[], bytes: number): void {
    this.backlog?.appendChunks(chunks);
    this.offset += bytes;
  }

  psyncTarget(): { replid: string; offset: number; failover?: boolean; streamDb?: number } | undefined {
    if (!this.hasHistory) return undefined;
    const target: { replid: string; offset: number; failover?: boolean; streamDb?: number } = { replid: this.ids.replid, offset: this.offset + 1 };
    if (this.psyncFailover) target.failover = true;
    if (this.restoredStreamDb !== undefined && this.role === 'replica') target.streamDb = this.restoredStreamDb;
    return target;
  }

  /** REPLICAOF host port: data and ids kept as a cached master (replicationCacheMasterUsingMyself). */
  toReplica(): void {
    if (this.role === 'master') this.hasHistory = true;
    this.role = 'replica';
    this.upstreamUp = false;
  }

  /** REPLICAOF NO ONE: shiftReplicationId, SELECT forced, backlog kept. @returns false if already a master */
  toMaster(): boolean {
    if (this.role === 'master') return false;
    this.ids.shiftReplid(this.offset);
    this.role = 'master';
    this.hasHistory = true;
    this.upstreamUp = false;
    this.streamDb = -1;
    return true;
  }

  /** A `+FULLRESYNC <replid> <offset>` payload was loaded. */
  upstreamFullSync(replid: string, offset: number): void {
    this.ids.setReplid(replid);
    this.ids.clearReplid2();
    this.offset = offset;
    this.newBacklog();
    this.hasHistory = true;
    this.upstreamUp = true;
    this.restoredStreamDb = undefined;
  }

  /** `+CONTINUE [newReplid]`. @returns true when the id changed */
  upstreamContinue(newReplid: string | undefined): boolean {
    this.hasHistory = true;
    this.upstreamUp = true;
    this.restoredStreamDb = undefined;
    if (this.backlog === null) this.newBacklog();
    if (newReplid === undefined || replidEquals(newReplid, this.ids.replid)) return false;
    this.ids.shiftReplid(this.offset, newReplid);
    return true;
  }

  /** protocol.md §5.4. @returns false when the fields are not a valid replication history */
  restoreFromRdb(aux: RdbReplicationAux | undefined): boolean {
    if (!aux || !isValidReplid(aux.replId) || !Number.isSafeInteger(aux.offset) || aux.offset < 0 || !(aux.streamDb >= 0)) return false;
    if (this.role === 'replica') {
      this.ids.setReplid(aux.replId);
      this.ids.clearReplid2();
      this.offset = aux.offset;
      this.hasHistory = true;
      this.restoredStreamDb = aux.streamDb;
    } else {
      this.ids.setReplid2(aux.replId, aux.offset + 1);
      this.offset = aux.offset;
      this.newBacklog();
    }
    return true;
  }

  /** rdbPopulateSaveInfo: the aux fields a save writes, or undefined outside a replication chain. */
  rdbSaveInfo(replicaStreamDb: number): RdbReplicationInfo | undefined {
    if (this.role === 'master') {
      if (this.backlog === null) return undefined;
      return { streamDb: this.streamDb === -1 ? 0 : this.streamDb, replId: this.ids.replid, offset: this.offset };
    }
    if (!this.hasHistory) return undefined;
    // restored from an RDB and not yet continued: the stream db is still the restored one (Redis
    // keeps it on the cached master), whatever the link that is not up yet has selected
    return { streamDb: this.restoredStreamDb ?? replicaStreamDb, replId: this.ids.replid, offset: this.offset };
  }
}
