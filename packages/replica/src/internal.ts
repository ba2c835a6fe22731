/** Internals for sibling packages (server) and tests. */
export { runHandshake, HandshakeReader, parsePsyncReply } from './handshake';
export type { HandshakeIo } from './handshake';
export { StreamTracker } from './stream-tracker';
export { openPayloadSink } from './payload-sink';
export type { PayloadSinkOptions } from './payload-sink';
