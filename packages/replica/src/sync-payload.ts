/**
 * The two ends of a full sync's payload as the replica sees them: which sink the snapshot bytes go
 * to, and finishing that sink with any failure reported as a ReplicaLoadError.
 */
import type { PayloadPreamble } from '@replikit/resp';
import { DEFAULT_DBFILENAME, DEFAULT_REPL_DISKLESS_LOAD } from './defaults';
import { ReplicaLoadError } from './errors';
import type { ReplicaDeps, ReplicaOptions } from './options';
import { openPayloadSink, type PayloadSink } from './payload-sink';

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
