/**
 * The contract between the executor and the command modules (`commands/*.ts`).
 *
 * Representation (documented in docs/keyspace.md): keys, string values, hash fields/values, list
 * elements, set and zset members and every argv element are *binary strings*: JS strings whose
 * char codes are bytes 0..255 (latin1). They cost far less memory than Buffers and are what the
 * RESP decoder yields in `latin1` mode. Replies are `RespValue`s from @replikit/resp, where a plain
 * string is a bulk string.
 */
import type { AccessClock } from './eviction/access-clock';
import type { RespValue } from '@replikit/resp';
import type { KeySpec } from './commands/meta-docs';
import type { ScanCursors } from './util/scan-cursor';
import type { StreamNodeLimits } from './types/stream-value';

export type { KeySpec };

/** A JS string whose char codes are bytes (latin1). */
export type BinaryString = string;

export type ValueType = 'string' | 'list' | 'hash' | 'set' | 'zset' | 'stream';

/**
 * Every non-string value implements this. String values are stored as a bare BinaryString
 * (the memory fast path), so `typeof value === 'string'` means the Redis string type.
 */
export interface CollectionValue {
  readonly type: Exclude<ValueType, 'string'>;
  /** number of elements; a command that leaves it at 0 must delete the key */
  readonly size: number;
  /** deep copy (used by point-in-time snapshots, COPY, adapters that keep history) */
  clone(): CollectionValue;
  /** the OBJECT ENCODING answer, by Redis 7.0's thresholds (listpack, quicklist, hashtable, intset, skiplist, stream) */
  encoding(): string;
}

export type StoredValue = BinaryString | CollectionValue;

/**
 * One database as commands see it. Expiry rules are applied here: on a master an expired key is
 * deleted on access (and a DEL is propagated ahead of the command); on a replica (and for commands
 * applied from the master) nothing is deleted by time, expired keys are only hidden from normal clients.
 */
export interface Db {
  readonly index: number;
  /** Lookup for reading (lookupKeyRead): undefined when missing or logically expired. Counts keyspace_hits/misses. */
  lookupRead(key: BinaryString): StoredValue | undefined;
  /** lookupRead without counting keyspace_hits/misses (LOOKUP_NOSTATS: KEYS, SCAN, existence checks of write commands). */
  lookupReadNoStats(key: BinaryString): StoredValue | undefined;
  /**
   * Lookup for writing: the caller may mutate the returned collection in place. This is what makes
   * snapshots copy the old value first (immediately), and, when the command then calls ctx.dirty(),
   * invalidates WATCH, notifies key-modified listeners and the storage adapter (`changed`) after the
   * command. Every in-place mutation MUST go through a value obtained here (or through setValue).
   * On a replica a normal (writable-replica) client's lookupWrite deletes an expired key unpropagated.
   */
  lookupWrite(key: BinaryString): StoredValue | undefined;
  /** Stores a value, replacing any old one. The TTL is cleared unless keepTtl. */
  setValue(key: BinaryString, value: StoredValue, keepTtl?: boolean): void;
  /** Deletes a key; true if it existed (expired keys count as missing). */
  delete(key: BinaryString): boolean;
  /** Absolute unix ms, or -1 when the key has no TTL (or is missing: check existence first). */
  getExpire(key: BinaryString): number;
  /** Sets an absolute unix-ms TTL on an existing key. */
  setExpire(key: BinaryString, atMs: number): void;
  /** Removes the TTL; true if there was one. */
  removeExpire(key: BinaryString): boolean;
  /** Number of keys (including not yet reclaimed expired ones, like Redis's DBSIZE). */
  size(): number;
  /** Number of keys with a TTL (INFO keyspace `expires=`). */
  expiresSize(): number;
  /** lookupReadNoStats(key) !== undefined (not counted in keyspace_hits/misses) */
  exists(key: BinaryString): boolean;
  /**
   * True when the key exists but its TTL has passed (whatever the role). KEYS uses it to skip
   * keys without deleting them.
   */
  isExpired(key: BinaryString): boolean;
  /** Every stored key (expired but not yet reclaimed ones included); live iterator, SCAN-safe. */
  keys(): Iterator<BinaryString>;
  /** A random stored key (expired ones included), or undefined when empty. */
  randomKey(): BinaryString | undefined;
  /**
   * Raw lookup: no expiry logic, no copy-on-write. For read-only inspection of a key that the
   * caller already looked up in this command (e.g. OBJECT ENCODING after lookupRead).
   */
  peek(key: BinaryString): StoredValue | undefined;
  /**
   * The OBJECT ENCODING of a string value when it is not the default derived from its content
   * (`int` if integer-like and <= 20 bytes, `embstr` if <= 44 bytes, else `raw`): APPEND/SETRANGE
   * results are `raw`, INCRBYFLOAT results never `int`. Cleared by setValue/delete.
   */
  stringEncoding(key: BinaryString): 'raw' | 'embstr' | undefined;
  setStringEncoding(key: BinaryString, encoding: 'raw' | 'embstr'): void;
}

export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'fast'
  | 'no-auth'
  | 'may-replicate'
  | 'no-multi'
  | 'no-mandatory-keys'
  | 'allow-busy'
  | 'touches-arbitrary-keys'
  | 'skip-slowlog'
  | 'skip-monitor'
  | 'movablekeys';

export interface CommandContext {
  /** the database the client has selected */
  readonly db: Db;
  /** every database (MOVE, COPY ... DB, SWAPDB, FLUSHALL) */
  database(index: number): Db;
  readonly databases: number;
  /** the time of this command in unix ms (fixed for the whole command, like Redis's cached time) */
  readonly now: number;
  /** true when applying a command from our master (or replaying): no expiry by time, no rejection */
  readonly fromMaster: boolean;
  /** the client's RESP protocol version: RESP3 gets [member, score] / [field, value] pairs */
  readonly resp: 2 | 3;
  /** Counts changes; a write command that leaves the count at 0 propagates nothing. */
  dirty(n?: number): void;
  /** Propagate `argv` (in this db) instead of the command as received. */
  rewrite(argv: BinaryString[]): void;
  /** Propagate one more command after this one (e.g. SPOP count -> several SREMs). */
  alsoPropagate(argv: BinaryString[], dbIndex?: number): void;
  /** Propagate nothing for this command even if it changed data. */
  preventPropagation(): void;
  /** Propagate this command even if it changed nothing (forceCommandPropagation: FLUSHDB of an empty db). */
  forcePropagation(): void;
  /** 'master' or 'replica' (see Db expiry rules) */
  readonly role: 'master' | 'replica';
  /** the LRU/LFU access table while an LRU or LFU maxmemory policy is selected (OBJECT FREQ / IDLETIME) */
  readonly accessClock?: AccessClock | null;
  /** lazyfree-lazy-user-del: GETDEL propagates UNLINK instead of DEL */
  readonly lazyfreeLazyUserDel: boolean;
  /** lazyfree-lazy-expire: expiry DELs (lazy, active, expire-in-the-past) propagate as UNLINK */
  readonly lazyfreeLazyExpire: boolean;
  /** proto-max-bulk-len (SETRANGE/APPEND limit), 512 MiB by default */
  readonly protoMaxBulkLen: number;
  /** stream-node-max-bytes / stream-node-max-entries: when XADD opens a new stream node */
  readonly streamNodeLimits: StreamNodeLimits;
  /** SCAN/HSCAN/SSCAN/ZSCAN cursor registry */
  readonly scanCursors: ScanCursors;
  /** SELECT: switches the session's database (index already validated by the caller) */
  select(index: number): void;
  /** FLUSHDB on one database; returns the number of keys removed */
  flushDb(index: number): number;
  /** FLUSHALL; returns the number of keys removed */
  flushAll(): number;
  /** SWAPDB a b */
  swapDb(a: number, b: number): void;
  /**
   * notifyKeyspaceEvent: reports event `event` of class `type` (a NOTIFY_* bit of notify.ts) on
   * `key` in database `dbIndex` (the selected one by default). Does nothing unless a keyspace
   * event listener is registered.
   */
  notify(type: number, event: string, key: BinaryString, dbIndex?: number): void;
}

export interface CommandSpec {
  /** lower-case name (for a subcommand: just the subcommand, e.g. `encoding`) */
  readonly name: string;
  /** `object|encoding` for subcommands; the name otherwise (used by arity errors). Filled by the table. */
  readonly fullName?: string;
  /** Redis's command group for COMMAND DOCS ('string', 'generic', 'hash', ...) */
  readonly group?: string;
  /** ACL categories without the @ (COMMAND INFO), e.g. ['write', 'string', 'slow'] */
  readonly aclCategories?: readonly string[];
  /** Redis 7.0 key specifications (COMMAND INFO), from the command JSON */
  readonly keySpecs?: readonly KeySpec[];
  /** COMMAND INFO tips, lower-case (`nondeterministic_output`) */
  readonly tips?: readonly string[];
  /** COMMAND DOCS summary and since */
  readonly summary?: string;
  readonly since?: string;
  /** container commands (OBJECT): subcommands by lower-case name; the container's handler is unused */
  readonly subcommands?: Readonly<Record<string, CommandSpec>>;
  /** Redis arity: N > 0 exactly N arguments including the name; -N at least N */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  /** 1-based position of the first key (0: no keys), last key (-1: last argument), step */
  readonly firstKey: number;
  readonly lastKey: number;
  readonly keyStep: number;
  /** argv[0] is the command name as the client sent it (any case) */
  handler(ctx: CommandContext, argv: readonly BinaryString[]): RespValue;
}
