/**
 * FUNCTION libraries in RDB streams. The libraries are code for a scripting engine this package
 * does not know: whoever owns them (the server) attaches an RdbFunctionHost to the keyspace, and
 * every snapshot of that keyspace writes the host's library sources as FUNCTION2 records, every
 * load into it hands the FUNCTION2 records to the host. Without a host, snapshots carry no
 * libraries and loads ignore them.
 *
 * A load compiles the libraries into a staging set and installs it when the RDB is complete, in
 * place of the libraries there were (what Redis does: the functions are emptied with the data
 * before a reload or a full sync, or kept aside in a temporary context by a swapdb load). A failed
 * load leaves the current libraries as they were.
 */
import type { Keyspace } from '@replikit/keyspace';

/** One load in progress, as the host runs it. */
export interface RdbFunctionLoad {
  /**
   * A FUNCTION2 record: the full library source. Throws to fail the load; the error's message is
   * the reason Redis gives after "Failed loading library, " (e.g. "Library 'x' already exists").
   */
  add(source: Buffer): void;
  /** The RDB was read completely: the staged libraries replace the current ones. */
  commit(): void;
  /** The load failed or was abandoned: the staged libraries are dropped. */
  discard(): void;
}

export interface RdbFunctionHost {
  /** The library sources to write, read synchronously when a snapshot's RDB starts. */
  librarySources(): ReadonlyArray<Buffer>;
  /** Starts a load into an empty staging set. */
  beginLoad(): RdbFunctionLoad;
  /**
   * A FUNCTION command (LOAD, DELETE, FLUSH, RESTORE) read from an AOF, applied as the server
   * applies it (an AOF carries the libraries as the commands that made them). Errors are ignored,
   * as Redis ignores a replayed command's error reply.
   */
  replay?(argv: readonly string[]): void;
}

const hosts = new WeakMap<Keyspace, RdbFunctionHost>();

/** Attaches (or with undefined, detaches) the function libraries that go with `keyspace` in RDB streams. */
export function attachRdbFunctions(keyspace: Keyspace, host: RdbFunctionHost | undefined): void {
  if (host === undefined) hosts.delete(keyspace);
  else hosts.set(keyspace, host);
}

/** The host attached to `keyspace`, if any. */
export function rdbFunctionsOf(keyspace: Keyspace): RdbFunctionHost | undefined {
  return hosts.get(keyspace);
}

/** The library sources a snapshot of `keyspace` carries now (none without a host). */
export function rdbFunctionSources(keyspace: Keyspace): ReadonlyArray<Buffer> {
  return hosts.get(keyspace)?.librarySources() ?? [];
}
