/**
 * The `# Replication` section and the replication aux fields of dumps, behind one seam the
 * replication wave replaces (`ReplicationInfoProvider`). The default, `StandaloneReplicationInfo`,
 * is a master without replicas: its own random replid, and, after loading a dump that carried
 * `repl-id`/`repl-offset`, Redis 7.0's restart rule for a master (protocol.md §5.4): replid2 and
 * second_repl_offset from the dump, master_repl_offset rebased, a backlog created.
 */
import { randomBytes } from 'node:crypto';
import type { RdbReplicationInfo } from '@replikit/rdb';
import type { ServerConfig } from '../config/server-config';
import type { ReplicationState } from '../dispatch/replication-state';
import type { PersistenceReplicationHooks } from '../persistence/rdb-persistence';
import type { RdbReplicationAux } from '../persistence/rdb-load';

export type InfoField = readonly [string, string | number];

/** What INFO replication and the RDB files need from the replication layer. */
export interface ReplicationInfoProvider extends PersistenceReplicationHooks {
  /** Every line of `# Replication`, in Redis's order (protocol.md §8.1). */
  replicationFields(): InfoField[];
}

const ZERO_ID = '0'.repeat(40);

export class StandaloneReplicationInfo implements ReplicationInfoProvider {
  replid = randomBytes(20).toString('hex');
  replid2 = ZERO_ID;
  secondReplOffset = -1;
  /** our own offset when the state has none (a restart rebased it) */
  private baseOffset = 0;
  private backlogActive = false;

  constructor(
    private readonly config: ServerConfig,
    private readonly state: () => ReplicationState,
  ) {}

  get role(): 'master' | 'replica' {
    return this.state().role;
  }

  private get offset(): number {
    return this.baseOffset + this.state().replicationOffset;
  }

  rdbSaveInfo(): RdbReplicationInfo | undefined {
    // rdbPopulateSaveInfo: a master writes them only when it has a backlog
    if (this.role === 'master' && !this.backlogActive) return undefined;
    return { streamDb: 0, replId: this.replid, offset: this.offset };
  }

  rdbLoaded(aux: RdbReplicationAux): void {
    if (this.role !== 'master') {
      this.replid = aux.replId;
      this.baseOffset = aux.offset;
      return;
    }
    this.replid2 = aux.replId;
    this.secondReplOffset = aux.offset + 1;
    this.baseOffset = aux.offset;
    this.backlogActive = true;
  }

  replicationFields(): InfoField[] {
    const st = this.state();
    const f: Array<[string, string | number]> = [];
    if (st.role === 'replica') {
      const m = st.master;
      f.push(['role', 'slave']);
      f.push(['master_host', m?.host ?? '']);
      f.push(['master_port', m?.port ?? 0]);
      f.push(['master_link_status', st.masterLinkUp ? 'up' : 'down']);
      f.push(['master_last_io_seconds_ago', -1]);
      f.push(['master_sync_in_progress', m?.linkState === 'sync' ? 1 : 0]);
      f.push(['slave_read_repl_offset', m && m.offset >= 0 ? m.offset : 1]);
      f.push(['slave_repl_offset', m && m.offset >= 0 ? m.offset : 1]);
      if (!st.masterLinkUp) f.push(['master_link_down_since_seconds', -1]);
      f.push(['slave_priority', this.config.getNumber('replica-priority')]);
      f.push(['slave_read_only', this.config.getBool('replica-read-only') ? 1 : 0]);
      f.push(['replica_announced', this.config.getBool('replica-announced') ? 1 : 0]);
    } else {
      f.push(['role', 'master']);
    }
    const replicas = st.role === 'master' ? st.onlineReplicas() : [];
    f.push(['connected_slaves', replicas.length]);
    if (this.config.getNumber('min-replicas-to-write') > 0 && this.config.getNumber('min-replicas-max-lag') > 0) {
      f.push(['min_slaves_good_slaves', st.goodReplicas]);
    }
    replicas.forEach((r, i) => {
      f.push([`slave${i}`, `ip=${r.ip},port=${r.port},state=online,offset=${r.ackOffset},lag=0`]);
    });
    const offset = this.offset;
    f.push(['master_failover_state', 'no-failover']);
    f.push(['master_replid', this.replid]);
    f.push(['master_replid2', this.replid2]);
    f.push(['master_repl_offset', offset]);
    f.push(['second_repl_offset', this.secondReplOffset]);
    f.push(['repl_backlog_active', this.backlogActive ? 1 : 0]);
    f.push(['repl_backlog_size', this.config.getNumber('repl-backlog-size')]);
    f.push(['repl_backlog_first_byte_offset', this.backlogActive ? offset + 1 : 0]);
    f.push(['repl_backlog_histlen', 0]);
    return f;
  }
}
