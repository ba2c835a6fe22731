import type { Keyspace } from '@replikit/keyspace';
import type { ReplicationStreamFramerOptions } from '@replikit/resp';
import type { PayloadPreamble } from '@replikit/resp';
import type { PayloadSink, DisklessLoad } from './payload-sink';
import type { StreamApplier } from './stream-applier';
import type { ReplicaConnector } from './tcp-connector';
import { DEFAULT_REPL_TIMEOUT_MS } from './defaults';
import { ReplicaInvalidOptionError } from './errors';

/**
 * The members of @replikit/master's ReplicationNode the syncer calls: the node owns replid, replid2,
 * offsets and the backlog; the syncer tells it what happened on the upstream link.
 */
export interface UpstreamNode {
  /**
   * the cached master for PSYNC, or undefined (`PSYNC ? -1`); `failover`: send `PSYNC ... FAILOVER`;
   * `streamDb`: the db the master's stream had selected at that offset, when the node knows it (a
   * restart from an RDB's repl-stream-db): a +CONTINUE goes on in it
   */
  psyncTarget(): { replid: string; offset: number; failover?: boolean; streamDb?: number } | undefined;
  /** a `+FULLRESYNC <replid> <offset>` payload was loaded */
  upstreamFullSync(replid: string, offset: number): void;
  /** `+CONTINUE [newReplid]` */
  upstreamContinue(newReplid: string | undefined): void;
  /** the exact bytes just applied from the stream */
  feedUpstream(chunks: readonly Uint8Array[], bytes: number): void;
  /** the upstream link went down (sub-replicas' PSYNC gets `-NOMASTERLINK` until it is back) */
  upstreamDisconnected?(): void;
}

/** Opens the destination of one full-sync snapshot (the keyspace sinks, or a change stream's reader). */
export type PayloadSinkFactory = (preamble: PayloadPreamble) => PayloadSink;

export interface ReplicaDeps {
  /** the dataset to replicate into; its role is set to 'replica' (it never expires keys by itself) */
  keyspace?: Keyspace;
  /** opens a link to the master (see tcpConnector) */
  connect: ReplicaConnector;
  /** the node that holds the replication state (ids, offsets, backlog, sub-replicas) */
  node?: UpstreamNode;
  /** applies the stream; default: createKeyspaceApplier(keyspace) */
  applier?: StreamApplier;
  /** where snapshots go; default: the keyspace sinks of `replDisklessLoad` */
  payload?: PayloadSinkFactory;
  /** told the size of every chunk read from the master, before it is handled (a host's input byte counters) */
  onRead?: (bytes: number) => void;
}

export interface ReplicaOptions {
  /** `masterauth` (AUTH after PING) */
  masterauth?: string;
  /** `masteruser` (AUTH with a user name) */
  masteruser?: string;
  /** the port announced with `REPLCONF listening-port` (`replica-announce-port` or `port`) @default 0 */
  listeningPort?: number;
  /** `replica-announce-ip` (`REPLCONF ip-address`) */
  announceIp?: string;
  /** `repl-timeout`, in ms @default 60000 */
  replTimeoutMs?: number;
  /** `repl-diskless-load` @default 'disabled' */
  replDisklessLoad?: DisklessLoad;
  /** `dir`: where a disk-loaded snapshot is written @default process.cwd() */
  dir?: string;
  /** `dbfilename` @default 'dump.rdb' */
  dbfilename?: string;
  /** first delay before retrying a failed handshake, ms (a lost established link is retried at once) @default 1000 */
  retryMinMs?: number;
  /** the retry delay doubles up to this, ms @default 5000 */
  retryMaxMs?: number;
  /**
   * On a reconnection to a master whose handshake went through before, send PSYNC in the same
   * write as the handshake (`REPLCONF capa pipelined-psync`): a replikit master answers in one
   * round trip; a Redis master refuses it once (one `-ERR ... pending output` in its errorstats),
   * and PSYNC is sent alone from then on. `false`: always alone, as a Redis replica does.
   * @default true
   */
  pipelinePsync?: boolean;
  /** limits of the stream framer (bulk, multibulk, payload length) */
  framer?: Omit<ReplicationStreamFramerOptions, 'rawBytes' | 'keepStreamBytes'>;
  /**
   * Where to continue from when there is no node: the last applied byte of a replication history
   * (`PSYNC <replid> <offset + 1>`); the master answers `+CONTINUE` when it still has the bytes.
   */
  from?: { replid: string; offset: number };
}

/** Throws a ReplicaInvalidOptionError for deps or options a replica cannot run with. */
export function checkReplicaSetup(deps: ReplicaDeps, options: ReplicaOptions): void {
  if (!((options.replTimeoutMs ?? DEFAULT_REPL_TIMEOUT_MS) > 0)) throw new ReplicaInvalidOptionError('replTimeoutMs', options.replTimeoutMs, 'must be > 0');
  if (deps.applier === undefined && deps.keyspace === undefined) throw new ReplicaInvalidOptionError('deps.applier', undefined, 'a keyspace or an applier is required');
  if (deps.payload === undefined && deps.keyspace === undefined) throw new ReplicaInvalidOptionError('deps.payload', undefined, 'a keyspace or a payload sink factory is required');
}
