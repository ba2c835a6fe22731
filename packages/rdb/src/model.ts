/**
 * The value model of @replikit/rdb: what the reader yields and the writer takes.
 * Binary data is always a Buffer. Integers that Redis stores in integer encodings
 * (intset, listpack ints, INT8/16/32 strings) come back as their decimal text in a Buffer,
 * exactly as Redis would return them to a client.
 */

export type RdbString = Buffer;

export interface StreamId {
  ms: bigint;
  seq: bigint;
}

export interface StreamEntry {
  id: StreamId;
  /** field, value pairs in order */
  fields: Array<[Buffer, Buffer]>;
}

export interface StreamPendingEntry {
  id: StreamId;
  deliveryTime: bigint; // unix ms
  deliveryCount: bigint;
}

export interface StreamConsumer {
  name: Buffer;
  /** unix ms of the consumer's last attempted interaction (XINFO `seen-time`) */
  seenTime: bigint;
  /**
   * unix ms of the consumer's last successful interaction (XINFO `active-time`, Redis 7.2+): read
   * from STREAM_LISTPACKS_3 (type 21, RDB 11/12); absent for older types. The writer writes
   * STREAM_LISTPACKS_2 (type 19, which has no such field) whatever the RDB version, so it ignores it.
   */
  activeTime?: bigint;
  /** ids of this consumer's pending entries (each also present in the group's pel) */
  pending: StreamId[];
}

export interface StreamGroup {
  name: Buffer;
  lastId: StreamId;
  /** entries_read (RDB 10+); -1 when unknown (older versions) */
  entriesRead: bigint;
  pel: StreamPendingEntry[];
  consumers: StreamConsumer[];
}

export interface StreamValue {
  /** live (non-deleted) entries in id order */
  entries: StreamEntry[];
  length: bigint;
  lastId: StreamId;
  firstId: StreamId;
  maxDeletedId: StreamId;
  entriesAdded: bigint;
  groups: StreamGroup[];
}

export type RdbValue =
  | { type: 'string'; value: Buffer }
  | { type: 'list'; value: Buffer[] }
  | { type: 'set'; value: Buffer[] }
  /** member, score pairs */
  | { type: 'zset'; value: Array<[Buffer, number]> }
  /** field, value pairs */
  | { type: 'hash'; value: Array<[Buffer, Buffer]> }
  | { type: 'stream'; value: StreamValue }
  /** a MODULE_2 value kept as its raw serialized bytes (only when skipping modules was requested) */
  | { type: 'module'; moduleId: bigint; raw: Buffer };

export interface RdbEntry {
  db: number;
  key: Buffer;
  value: RdbValue;
  /** absolute unix time in ms, or -1 when the key has no TTL */
  expireAtMs: number;
  /** LRU idle seconds (0xF8) or LFU counter (0xF9) when present */
  idleSeconds?: number;
  lfuFreq?: number;
}
