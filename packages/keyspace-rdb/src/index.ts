/** @replikit/keyspace-rdb: stored values <-> RDB values, keyspace snapshots -> RDB streams, RDB streams -> keyspace. */
export { storedToRdbValue, rdbValueToStored } from './values';
export { snapshotToRdbChunks, snapshotToRdbChunksSync, writeSnapshotRdb } from './snapshot-rdb';
export type { SnapshotRdbOptions, SnapshotRdbProgress } from './snapshot-rdb';
export { RdbKeyspaceLoader, loadRdbStream, loadRdbFile, loadRdbFileSync } from './loader';
export type { RdbLoadResult, RdbReplicationAux, RdbKeyspaceLoaderOptions, RdbLoaderProgress } from './loader';
export { KeyspaceRdbError, UnsupportedValueTypeError, DatabaseCountError, LoaderStateError, SnapshotOutputError, FunctionLibraryLoadError } from './errors';
export { attachRdbFunctions, rdbFunctionsOf, rdbFunctionSources } from './functions';
export type { RdbFunctionHost, RdbFunctionLoad } from './functions';
export type { KeyspaceRdbErrorCode } from './errors';
