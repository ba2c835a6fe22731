/**
 * The link to our master while `replicaof` is set: the replica syncer from @replikit/replica over
 * TCP, applying the stream through the dispatcher as the master client and feeding the server's
 * ReplicationNode (ids, offsets, backlog, sub-replicas).
 */
import type { Keyspace } from '@replikit/keyspace';
import type { ReplicationNode } from '@replikit/master';
import type { ServerConfig } from '../config/server-config';
import type { Logger } from '../logger';
import type { ReplikitServer } from '../server';

/** What INFO, ROLE and the processCommand checks read from the upstream link. */
export interface Upstream {
  /** `connect`, `connecting`, `handshake`, `sync`, `connected` */
  readonly linkState: string;
  /** a snapshot from the master is being loaded (clients get -LOADING) */
  readonly loading: boolean;
  readonly lastIoSecondsAgo: number;
  readonly readOffset: number | undefined;
  readonly appliedOffset: number | undefined;
  readonly linkDownSinceSeconds: number;
  readonly transfer: { readonly totalBytes: number; readonly readBytes: number; readonly lastIoSecondsAgo: number } | undefined;
  /** the db the master client has selected (`repl-stream-db` of a replica's dumps) */
  readonly streamDb: number;
  close(): void;
}

export interface UpstreamDeps {
  readonly host: string;
  readonly port: number;
  readonly node: ReplicationNode;
  readonly server: ReplikitServer;
  readonly keyspace: Keyspace;
  readonly config: ServerConfig;
  readonly logger: Logger;
}

export function startUpstream(_deps: UpstreamDeps): Upstream {
  throw new Error('not yet');
}
