/**
 * The two ends of a full sync's payload as the replica sees them: which sink the snapshot bytes go
 * to, and finishing that sink with any failure reported as a ReplicaLoadError; the transfer's
 * progress; the framer that splits a link's bytes into payload and commands.
 */
import { type PayloadPreamble, ReplicationStreamFramer } from '@replikit/resp';
import { DEFAULT_DBFILENAME, DEFAULT_REPL_DISKLESS_LOAD } from './defaults';
import { ReplicaLoadError } from './errors';
import type { ReplicaDeps, ReplicaOptions } from './options';
import { openPayloadSink, type PayloadSink } from './payload-sink';
import type { StreamTracker } from './stream-tracker';

/**
 * The sink of the payload announced by `preamble`: the caller's `deps.payload` factory when there is
 * one, else a loader into `deps.keyspace` (through a file or diskless, per `replDisklessLoad`);
 * `onLoadProgress` is called while a load keeps the replica busy.
 */
export function openSyncPayloadSink(deps: ReplicaDeps, options: ReplicaOptions, preamble: PayloadPreamble, onLoadProgress: () => void): PayloadSink {
  if (deps.payload !== undefined) return deps.payload(preamble);
  return openPayloadSink(deps.keyspace!, {
    mode: options.replDisklessLoad ?? DEFAULT_REPL_DISKLESS_LOAD,
    dir: options.dir ?? process.cwd(),
    dbfilename: options.dbfilename ?? DEFAULT_DBFILENAME,
    onLoadProgress,
  });
}

/** Ends `sink`; an error without the code ERR_REPLICA_LOAD is wrapped in a ReplicaLoadError. */
export function endSyncPayloadSink(sink: PayloadSink): ReturnType<PayloadSink['end']> {
  try {
    return sink.end();
  } catch (err) {
    throw (err as { code?: string }).code === 'ERR_REPLICA_LOAD' ? err : new ReplicaLoadError(`the snapshot from the master could not be loaded: ${(err as Error).message}`, { cause: err });
  }
}

/** What sync:progress reports. */
export interface SyncProgress {
  readonly bytes: number;
  readonly keys: number;
  readonly percent: number | undefined;
}

/**
 * One full sync's payload as it arrives: the sink it goes to, and the progress INFO replication
 * (master_sync_*) and `sync:progress` show. Created at `+FULLRESYNC` (or SYNC) with the master's
 * replid and offset; the sink opens at the payload's preamble.
 */
export class SyncTransfer {
  total = -1;
  read = 0;
  lastIo = Date.now();
  eof = false;
  private sink: PayloadSink | null = null;

  constructor(
    readonly replid: string,
    readonly offset: number,
  ) {}

  /** the payload is loaded in memory (diskless), which keeps the replica busy: `\n` to the master meanwhile */
  get loadingInMemory(): boolean {
    return this.sink?.kind === 'memory';
  }

  start(deps: ReplicaDeps, options: ReplicaOptions, preamble: PayloadPreamble, onLoadProgress: () => void): void {
    this.total = preamble.kind === 'length' ? preamble.length : -1;
    this.eof = preamble.kind === 'eof';
    this.sink = openSyncPayloadSink(deps, options, preamble, onLoadProgress);
  }

  /** Hands `chunk` to the sink; the progress after it, or undefined when no sink is open. */
  write(chunk: Buffer): SyncProgress | undefined {
    const sink = this.sink;
    if (sink === null) return undefined;
    sink.write(chunk);
    this.read += chunk.length;
    const t = this.total;
    return { bytes: this.read, keys: sink.keys, percent: t > 0 ? (this.read * 100) / t : t === 0 ? 100 : undefined };
  }

  /** Ends the sink (see endSyncPayloadSink); undefined when no sink is open. */
  end(): ReturnType<PayloadSink['end']> | undefined {
    const sink = this.sink;
    if (sink === null) return undefined;
    this.sink = null;
    return endSyncPayloadSink(sink);
  }

  /** Drops a transfer in progress (a lost link). */
  abort(): void {
    const sink = this.sink;
    this.sink = null;
    sink?.abort();
  }
}

/** What one link's framer reports besides the commands: the payload of a full sync and keepalives. */
export interface LinkFramerHandlers {
  payloadStart(p: PayloadPreamble): void;
  payloadChunk(chunk: Buffer): void;
  payloadEnd(): void;
  keepalive(): void;
}

/**
 * The framer of one link's bytes after the PSYNC reply: payload events to `handlers`, commands to
 * `tracker` while `current()` (the link was not replaced). With `keepStreamBytes` the exact bytes
 * of the applied commands are kept for the node (backlog, sub-replicas): the tracker takes them
 * from the framer once per chunk.
 */
export function linkFramer(
  tracker: StreamTracker,
  current: () => boolean,
  handlers: LinkFramerHandlers,
  options: ReplicaOptions['framer'],
  keepStreamBytes: boolean,
): ReplicationStreamFramer {
  const framer = new ReplicationStreamFramer(
    {
      onPayloadStart: (p) => handlers.payloadStart(p),
      onPayloadChunk: (c) => handlers.payloadChunk(c),
      onPayloadEnd: () => handlers.payloadEnd(),
      onCommand: (argv, bytes) => {
        if (current()) tracker.command(argv, bytes);
      },
      onKeepalive: () => handlers.keepalive(),
    },
    { ...options, rawBytes: false, keepStreamBytes },
  );
  tracker.useSource(framer);
  return framer;
}
