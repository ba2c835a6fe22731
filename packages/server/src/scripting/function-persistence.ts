/**
 * Function libraries in a durable storage adapter (`storage lmdb`): the adapter's aux record
 * `functions` holds the FUNCTION DUMP payload of every library (RDB version and CRC64 included; no
 * record: no libraries). It is rewritten after every change of the libraries, whatever made it:
 * FUNCTION LOAD / DELETE / FLUSH / RESTORE from a client or from a master's stream, a full sync's
 * or DEBUG RELOAD's RDB (its FUNCTION2 records; a full sync without any empties them). The write is
 * a change of the current unit, so it reaches the file with the keys and replication position of
 * that unit, at its commit point:
 * - the keyspace's own commit points (`commits` 'auto', one per command): a change outside the
 *   keyspace (FUNCTION LOAD touches no key) commits at once;
 * - a master's commit points (the propagated FUNCTION command enters the stream) and a replica's
 *   (after the chunk that held it, or with the full sync's load) end the unit in the same turn;
 *   a change nobody propagates (DEBUG RELOAD on a master) gets a commit point on the next turn,
 *   keeping the stored position (the stream did not move), when `idleCommit()` allows one.
 * At start the record is compiled before the server serves (so full syncs it serves, and the
 * libraries-only snapshots of `rdb-filter-only functions`, carry them); a record that does not
 * parse or compile refuses the start (RdbLoadError), as a corrupt RDB does.
 */
import type { Keyspace, StorageAdapter } from '@replikit/keyspace';
import { createFunctionDumpPayload, parseFunctionDumpPayload } from '@replikit/rdb';
import { ErrorReply } from '@replikit/resp';
import type { ServerRuntime } from '../dispatch/server-runtime';
import { RdbLoadError } from '../errors';
import { existingFunctionRegistry, FunctionRegistry, functionRegistryOf, onFunctionsChanged } from './function-library';
import { scriptEngineOf } from './script-commands';

/** The aux record name of the function libraries. */
export const FUNCTIONS_AUX_RECORD = 'functions';

/** The part of a storage adapter the libraries need. */
export type FunctionStore = Required<Pick<StorageAdapter, 'putAux' | 'getAux'>>;

export interface FunctionStoreOptions {
  /** `rdbcompression`: library sources LZF-compressed in the record @default true */
  compress?: () => boolean;
  /**
   * Whether a change nobody committed in its turn may get a commit point of its own on the next
   * turn (see the module comment): a master not loading a dataset @default () => false
   */
  idleCommit?: () => boolean;
  /** what to name in the error of a corrupt record @default 'the storage' */
  where?: string;
}

/** The store of `adapter` when it keeps aux records, else undefined. */
export function functionStoreOf(adapter: StorageAdapter | undefined): FunctionStore | undefined {
  if (adapter?.putAux === undefined || adapter.getAux === undefined) return undefined;
  return adapter as FunctionStore;
}

/**
 * Installs the libraries `store` holds (none when it has no record) and writes the libraries to it
 * after every change from then on. Returns the number of libraries installed and the unbinding.
 * Throws RdbLoadError for a record that does not parse or a library that does not compile.
 */
export function bindFunctionStore(rt: ServerRuntime, keyspace: Keyspace, store: FunctionStore, options: FunctionStoreOptions = {}): { libraries: number; unbind: () => void } {
  const libraries = restoreFunctions(rt, store, options.where ?? 'the storage');
  let timer: NodeJS.Immediate | null = null;
  let unbound = false;
  const idleCommit = () => {
    timer = null;
    if (!unbound && options.idleCommit?.() === true) keyspace.commit();
  };
  onFunctionsChanged(rt, () => {
    const reg = existingFunctionRegistry(rt);
    const sources = reg === undefined ? [] : [...reg.libraries.values()].map((l) => Buffer.from(l.code, 'latin1'));
    store.putAux(FUNCTIONS_AUX_RECORD, sources.length === 0 ? null : createFunctionDumpPayload(sources, { compress: options.compress?.() ?? true }));
    if (keyspace.commits === 'auto') keyspace.commit();
    else if (timer === null) timer = setImmediate(idleCommit);
  });
  const unbind = () => {
    unbound = true;
    onFunctionsChanged(rt, undefined);
    if (timer !== null) clearImmediate(timer);
    timer = null;
  };
  return { libraries, unbind };
}

/** The libraries of the record, compiled into the runtime's registry (which they replace). */
function restoreFunctions(rt: ServerRuntime, store: FunctionStore, where: string): number {
  const record = store.getAux(FUNCTIONS_AUX_RECORD);
  if (record === undefined) return 0;
  const corrupt = (reason: string) => {
    const line = `The function libraries stored in ${where} cannot be loaded: ${reason}`;
    return new RdbLoadError(line, [line]);
  };
  const parsed = parseFunctionDumpPayload(Buffer.from(record.buffer, record.byteOffset, record.byteLength));
  if (!parsed.ok) throw corrupt(parsed.reason);
  if (parsed.sources.length === 0) return 0;
  const staged = new FunctionRegistry(scriptEngineOf(rt));
  for (const s of parsed.sources) {
    const r = staged.load(s.toString('latin1'), false);
    if (r instanceof ErrorReply) {
      staged.flush();
      throw corrupt(r.message);
    }
  }
  // installed before the change hook is bound: the record is not written back
  functionRegistryOf(rt).adopt(staged);
  return parsed.sources.length;
}
