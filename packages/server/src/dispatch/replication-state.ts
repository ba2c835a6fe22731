import type { PropagatedCommand } from '@replikit/keyspace';
import type { ServerClient } from '../connection/server-client';

/** An ONLINE replica as ROLE lists it. */
export interface ReplicaRoleEntry {
  readonly ip: string;
  readonly port: number;
  readonly ackOffset: number;
}

/**
 * The inputs of processCommand's replication checks (NOREPLICAS, READONLY, MASTERDOWN, LOADING)
 * and of ROLE. The server starts with a default (a plain master with no replicas); the replication
 * glue installs one read from the ReplicationNode with `server.setReplicationState(state)`. Read on every command: keep getters cheap.
 */
export interface ReplicationState {
  /** `master`, or `replica` while `replicaof` is set */
  readonly role: 'master' | 'replica';
  /** replica: the link to the master is up (repl_state CONNECTED) */
  readonly masterLinkUp: boolean;
  /** master: replicas ONLINE with lag <= min-replicas-max-lag (protocol.md §7.2) */
  readonly goodReplicas: number;
  /** a dataset is being loaded (startup RDB load, replica full sync load) */
  readonly loading: boolean;
  /** `master_repl_offset` */
  readonly replicationOffset: number;
  /** master ROLE: ONLINE replicas */
  onlineReplicas(): readonly ReplicaRoleEntry[];
  /** replica: the client that applies the master's stream (CLIENT LIST flag M, CLIENT KILL TYPE master) */
  readonly masterClient?: ServerClient;
  /** replica ROLE: master host, port, link state (`connect`, `connecting`, `handshake`, `sync`, `connected`), offset (-1 when no master client) */
  readonly master?: { readonly host: string; readonly port: number; readonly linkState: string; readonly offset: number };
}

/** The default state: a master with no replicas, nothing loading. */
export function standaloneMasterState(): ReplicationState {
  return {
    role: 'master',
    masterLinkUp: false,
    goodReplicas: 0,
    loading: false,
    replicationOffset: 0,
    onlineReplicas: () => [],
  };
}

/**
 * Where executed writes go: the master package attaches one with `server.setPropagationSink(sink)`.
 * Called synchronously after each command (or after EXEC, with the whole transaction), in
 * execution order, before the reply is flushed. `writes` is never empty.
 */
export interface PropagationSink {
  propagate(writes: readonly PropagatedCommand[], origin: ServerClient | undefined): void;
}
