/**
 * The `# Replication` section of INFO (protocol.md §8.1), built from the ReplicationNode (ids,
 * offsets, backlog, downstream replicas) and, on a replica, from the upstream link's state.
 */
import type { ReplicationNode } from '@replikit/master';
import type { ServerConfig } from '../config/server-config';
import type { PersistenceReplicationHooks } from '../persistence/rdb-persistence';

export type InfoField = readonly [string, string | number];

/** What INFO replication and the RDB files read from the replication layer. */
export interface ReplicationInfoProvider extends PersistenceReplicationHooks {
  /** Every line of `# Replication`, in Redis's order (protocol.md §8.1). */
  replicationFields(): InfoField[];
}

/** The upstream link of a replica as INFO and ROLE show it. */
export interface UpstreamView {
  readonly host: string;
  readonly port: number;
  /** `connect`, `connecting`, `handshake`, `sync`, `connected` */
  readonly linkState: string;
  /** seconds since data was last read from the master; -1 without a master client */
  readonly lastIoSecondsAgo: number;
  /** bytes of the stream read (`read_reploff`) and applied (`reploff`); undefined without a master client */
  readonly readOffset: number | undefined;
  readonly appliedOffset: number | undefined;
  /** seconds since the link went down; -1 when it never was up */
  readonly linkDownSinceSeconds: number;
  /** the payload transfer while `linkState` is `sync` */
  readonly transfer: { readonly totalBytes: number; readonly readBytes: number; readonly lastIoSecondsAgo: number } | undefined;
}

/** `# Replication` fields for `node`, with `upstream` set while `replicaof` is. */
export function replicationInfoFields(node: ReplicationNode, upstream: UpstreamView | undefined, config: ServerConfig, failoverState = 'no-failover'): InfoField[] {
  const f: InfoField[] = [];
  if (upstream !== undefined) {
    const up = upstream.linkState === 'connected';
    // with neither a master client nor a cached master, Redis shows 1 for both offsets
    const cached = node.psyncTarget();
    const fallback = cached !== undefined ? node.masterReplOffset : 1;
    f.push(['role', 'slave']);
    f.push(['master_host', upstream.host]);
    f.push(['master_port', upstream.port]);
    f.push(['master_link_status', up ? 'up' : 'down']);
    f.push(['master_last_io_seconds_ago', upstream.lastIoSecondsAgo]);
    f.push(['master_sync_in_progress', upstream.linkState === 'sync' ? 1 : 0]);
    f.push(['slave_read_repl_offset', upstream.readOffset ?? fallback]);
    f.push(['slave_repl_offset', upstream.appliedOffset ?? fallback]);
    const t = upstream.transfer;
    if (upstream.linkState === 'sync' && t !== undefined) {
      const perc = t.totalBytes > 0 ? (t.readBytes * 100) / t.totalBytes : 0;
      f.push(['master_sync_total_bytes', t.totalBytes]);
      f.push(['master_sync_read_bytes', t.readBytes]);
      f.push(['master_sync_left_bytes', t.totalBytes - t.readBytes]);
      f.push(['master_sync_perc', perc.toFixed(2)]);
      f.push(['master_sync_last_io_seconds_ago', t.lastIoSecondsAgo]);
    }
    if (!up) f.push(['master_link_down_since_seconds', upstream.linkDownSinceSeconds]);
    f.push(['slave_priority', config.getNumber('replica-priority')]);
    f.push(['slave_read_only', config.getBool('replica-read-only') ? 1 : 0]);
    f.push(['replica_announced', config.getBool('replica-announced') ? 1 : 0]);
  } else {
    f.push(['role', 'master']);
  }
  const replicas = node.replicas();
  f.push(['connected_slaves', replicas.length]);
  const toWrite = config.getNumber('min-replicas-to-write');
  const maxLag = config.getNumber('min-replicas-max-lag');
  if (toWrite > 0 && maxLag > 0) f.push(['min_slaves_good_slaves', node.goodReplicas(maxLag)]);
  replicas.forEach((r, i) => {
    f.push([`slave${i}`, `ip=${r.ip},port=${r.port},state=${r.state},offset=${r.offset},lag=${r.lag}`]);
  });
  const backlog = node.backlog;
  f.push(['master_failover_state', failoverState]);
  f.push(['master_replid', node.replid]);
  f.push(['master_replid2', node.replid2]);
  f.push(['master_repl_offset', node.masterReplOffset]);
  f.push(['second_repl_offset', node.secondReplOffset]);
  f.push(['repl_backlog_active', backlog !== null ? 1 : 0]);
  f.push(['repl_backlog_size', config.getNumber('repl-backlog-size')]);
  f.push(['repl_backlog_first_byte_offset', backlog !== null ? backlog.firstByteOffset : 0]);
  f.push(['repl_backlog_histlen', backlog !== null ? backlog.histlen : 0]);
  return f;
}
