/** @replikit/replica: the replica side of Redis 7.0 replication, and change streams over any 7.0 master. */
export { createReplica, Replica } from './replica';
export { createChangeStream, ChangeStream } from './change-stream';
export type { ChangeEvent, ChangeStreamEvents, ChangeStreamOptions, ChangeStreamDeps, ChangeStreamPosition } from './change-stream';
export { createMemoryCursorStore, cursorPositionProblem } from './cursor-store';
export type { CursorStore, CursorPosition } from './cursor-store';
export { createFileCursorStore, FileCursorStore, encodeCursorFile, decodeCursorFile } from './cursor-file-store';
export type { FileCursorStoreOptions } from './cursor-file-store';
export { createKeyspaceApplier } from './stream-applier';
export type { StreamApplier, ApplyOutcome, KeyspaceApplierStats } from './stream-applier';
export { tcpConnector } from './tcp-connector';
export { tlsConnector } from './tls-connector';
export type { TlsConnectorOptions } from './tls-connector';
export { waitForOffset } from './wait-for-offset';
export type { ReplicaConnector } from './tcp-connector';
export type { ReplicaDeps, ReplicaOptions, UpstreamNode, PayloadSinkFactory } from './options';
export type { ReplicaEvents, ReplicaState, ReplicaLinkInfo, SyncStartInfo, SyncProgress, SyncDoneInfo } from './events';
export type { DisklessLoad, PayloadSink, PayloadLoadResult } from './payload-sink';
export { HANDSHAKE_STEPS } from './handshake';
export type { HandshakeStep, HandshakeConfig, PsyncOutcome } from './handshake';
export {
  ReplicaError,
  ReplicaHandshakeError,
  ReplicaTryLaterError,
  ReplicaLinkClosedError,
  ReplicaTimeoutError,
  ReplicaLoadError,
  ReplicaClosedError,
  ReplicaInvalidOptionError,
  ReplicaCursorCorruptError,
  ReplicaCursorStoreError,
  ReplicaCursorAckError,
} from './errors';
