/**
 * createKeyspace: databases, the command executor with Redis 7.0 propagation, expiry, WATCH
 * versions, snapshots and the storage adapter, behind one object.
 */
import { ErrorReply as ImportedErrorReply, type RespValue } from '@replikit/resp';
import type { BinaryString, StoredValue } from './command-api';
import { type CommandEntry, CommandTable } from './command-table';
import { allCommands } from './commands/index';
import type { KeyspaceEventListener } from './notify';
import { ExecContext, type KeyModifiedListener, type PropagatedCommand, type Session } from './context';
import type { DbImpl, KeyspaceStatsCounters } from './db';
import {
  DEFAULT_ACTIVE_EXPIRE_BUDGET_MS,
  DEFAULT_DATABASES,
  DEFAULT_HZ,
  DEFAULT_MAX_SCAN_CURSORS,
  DEFAULT_PROTO_MAX_BULK_LEN,
} from './defaults';
import { DbIndexError, InvalidOptionError, KeyspaceClosedError } from './errors';
import { ActiveExpire } from './expiry/active-expire';
import { KeyspaceEviction } from './eviction/keyspace-eviction';
import { directLoadDone, directLoadStore, loadKey } from './load-key';
import { unknownCommand, unknownSubcommand, wrongArity } from './reply-errors';
import { PointInTimeSnapshot, type Snapshot } from './snapshot/snapshot';
import type { DbStore, ReplicationPosition, StorageAdapter, StorageCapabilities } from './storage/adapter';
import { MemoryStorageAdapter } from './storage/memory-adapter';
import { type PlainValue, toPlain } from './types/plain';
import { ScanCursors } from './util/scan-cursor';
import type { DbInfo, ExecResult, KeyspaceCommits, KeyspaceOptions, KeyspaceRole, LoadOptions, PropagateListener, TransactionResult } from './keyspace-options';
import { STREAM_NODE_LIMITS } from './types/stream-value';

export type { DbInfo, ExecResult, KeyspaceCommits, KeyspaceOptions, KeyspaceRole, LoadOptions, PropagateListener, TransactionResult } from './keyspace-options';

// A module-level alias: the CJS build reads cross-package imports through an export getter on
// every use, and ErrorReply is tested on every command.
const ErrorReply = ImportedErrorReply;
type ErrorReply = ImportedErrorReply;


const EMPTY: ReadonlyArray<PropagatedCommand> = Object.freeze([]);
const NO_CAPABILITIES: StorageCapabilities = Object.freeze({});

export class Keyspace {
  readonly commandTable: CommandTable;
  readonly databases: number;
  private readonly ctx: ExecContext;
  private readonly adapter: StorageAdapter;
  private readonly clock: () => number;
  /**
   * No custom clock: executeInto calls Date.now() itself. Through the `clock` field the call is
   * not inlined and its double result is boxed (a 16-byte heap number per command).
   */
  private readonly systemClock: boolean;
  private readonly activeExpire: ActiveExpire;
  /** maxmemory support: LRU/LFU access tracking, key sampling and evictions (propagated like expiry DELs) */
  readonly eviction: KeyspaceEviction;
  private readonly propagateListeners: PropagateListener[] = [];
  private readonly snapshots = new Set<PointInTimeSnapshot>();
  private closed = false;
  private commitMode: KeyspaceCommits;
  /** the adapter has commit points and they are the keyspace's to place */
  private autoCommit: boolean;

  constructor(options: KeyspaceOptions = {}) {
    const databases = options.databases ?? DEFAULT_DATABASES;
    if (!Number.isInteger(databases) || databases < 1) throw new InvalidOptionError('databases', 'must be an integer >= 1');
    const storage = options.storage;
    this.adapter = storage === undefined ? new MemoryStorageAdapter(databases) : typeof storage === 'function' ? storage(databases) : storage;
    if (this.adapter.databases !== databases) throw new InvalidOptionError('storage', `adapter has ${this.adapter.databases} databases, expected ${databases}`);
    this.databases = databases;
    this.clock = options.clock ?? Date.now;
    this.systemClock = options.clock === undefined;
    this.commitMode = options.commits ?? 'auto';
    if (this.commitMode !== 'auto' && this.commitMode !== 'manual') throw new InvalidOptionError('commits', "must be 'auto' or 'manual'");
    this.autoCommit = this.commitMode === 'auto' && this.adapter.commit !== undefined;
    this.commandTable = new CommandTable(allCommands);
    this.ctx = new ExecContext(
      {
        role: options.role ?? 'master',
        lazyfreeLazyUserDel: options.lazyfreeLazyUserDel ?? false,
        lazyfreeLazyExpire: options.lazyfreeLazyExpire ?? false,
        protoMaxBulkLen: options.protoMaxBulkLen ?? DEFAULT_PROTO_MAX_BULK_LEN,
        streamNodeLimits: { maxBytes: options.streamNodeMaxBytes ?? STREAM_NODE_LIMITS.maxBytes, maxEntries: options.streamNodeMaxEntries ?? STREAM_NODE_LIMITS.maxEntries },
      },
      this.adapter,
      new ScanCursors(DEFAULT_MAX_SCAN_CURSORS),
    );
    this.activeExpire = new ActiveExpire(
      { dbs: this.ctx.dbs, runExpiry: (fn) => this.runExpiry(fn) },
      { hz: options.activeExpire?.hz ?? DEFAULT_HZ, budgetMs: options.activeExpire?.budgetMs ?? DEFAULT_ACTIVE_EXPIRE_BUDGET_MS },
    );
    this.eviction = new KeyspaceEviction(this.ctx, this.clock, (ops) => {
      if (this.autoCommit) this.adapter.commit!();
      for (const l of this.propagateListeners) l(ops);
    });
  }

  /** 'master' expires keys (lazily and actively); 'replica' never deletes by time. */
  get role(): KeyspaceRole {
    return this.ctx.config.role;
  }
  set role(r: KeyspaceRole) {
    this.ctx.config.role = r;
  }

  /** `stream-node-max-bytes` / `stream-node-max-entries` at run time (CONFIG SET): streams' next nodes follow them. */
  setStreamNodeLimits(limits: { maxBytes?: number; maxEntries?: number }): void {
    const l = this.ctx.config.streamNodeLimits;
    if (limits.maxBytes !== undefined) l.maxBytes = limits.maxBytes;
    if (limits.maxEntries !== undefined) l.maxEntries = limits.maxEntries;
  }

  /**
   * Executes one command. `session.db` is updated by SELECT. Unknown commands and wrong arity
   * get Redis's error replies; nothing throws for client input.
   */
  execute(argv: BinaryString[], session: Session): ExecResult {
    const out = { reply: null as RespValue, propagate: EMPTY };
    this.executeInto(argv, session, out);
    return out;
  }

  /**
   * execute() writing into `out` instead of allocating a result: for callers on a hot path (the
   * server reuses one object). `out.propagate` is a fresh array (or a shared empty one) each time.
   */
  executeInto(argv: BinaryString[], session: Session, out: { reply: RespValue; propagate: ReadonlyArray<PropagatedCommand> }): void {
    if (this.closed) throw new KeyspaceClosedError();
    const cmd = this.resolve(argv);
    if (cmd instanceof ErrorReply) {
      out.reply = cmd;
      out.propagate = EMPTY;
      return;
    }
    const ctx = this.ctx;
    ctx.beginExecution(session, this.systemClock ? Date.now() : this.clock());
    out.reply = ctx.runCommand(cmd, argv);
    out.propagate = ctx.ops.length === 0 && !ctx.tracking ? EMPTY : ctx.endExecution(cmd.touchesArbitraryKeys);
    if (this.autoCommit) this.adapter.commit!();
  }

  /**
   * Executes a queued MULTI block atomically (the server validated and queued it). One write
   * propagates bare; two or more are wrapped in MULTI/EXEC. All commands share one time.
   */
  executeTransaction(queued: BinaryString[][], session: Session): TransactionResult {
    if (this.closed) throw new KeyspaceClosedError();
    const ctx = this.ctx;
    ctx.beginExecution(session, this.clock());
    const replies: RespValue[] = [];
    for (const argv of queued) {
      const cmd = this.resolve(argv);
      replies.push(cmd instanceof ErrorReply ? cmd : ctx.runCommand(cmd, argv));
    }
    const propagate = ctx.endExecution(false);
    if (this.autoCommit) this.adapter.commit!();
    return { replies, propagate, db: session.db };
  }

  /** The table entry for argv, or the error reply (unknown command/subcommand, arity). */
  private resolve(argv: readonly BinaryString[]): CommandEntry | ErrorReply {
    if (argv.length === 0) return unknownCommand(['']);
    let cmd = this.commandTable.lookup(argv[0]);
    if (cmd === undefined) return unknownCommand(argv);
    if (cmd.subcommandEntries !== undefined && argv.length >= 2) {
      const sub = cmd.subcommandEntries.get(argv[1].toLowerCase());
      if (sub === undefined) return unknownSubcommand(argv[1], argv[0]);
      cmd = sub;
    }
    const a = cmd.arity;
    if ((a > 0 && a !== argv.length) || argv.length < -a) return wrongArity(cmd.fullName);
    return cmd;
  }

  private runExpiry(fn: (now: number) => void): void {
    if (this.ctx.config.role !== 'master') return;
    const ctx = this.ctx;
    ctx.beginExecution({ db: 0 }, this.clock());
    fn(ctx.now);
    const ops = ctx.endExecution(true);
    if (this.autoCommit) this.adapter.commit!();
    if (ops.length !== 0) for (const l of this.propagateListeners) l(ops);
  }

  // ---- commit points -------------------------------------------------------------------------------

  /** Who places the storage adapter's commit points (see {@link KeyspaceCommits}). */
  get commits(): KeyspaceCommits {
    return this.commitMode;
  }
  set commits(mode: KeyspaceCommits) {
    if (mode !== 'auto' && mode !== 'manual') throw new InvalidOptionError('commits', "must be 'auto' or 'manual'");
    this.commitMode = mode;
    this.autoCommit = mode === 'auto' && this.adapter.commit !== undefined;
  }

  /**
   * A commit point: every change since the previous one becomes one durable unit with `position`
   * (undefined keeps the stored position, null removes it). Call it between commands, never from
   * inside one. A no-op when the adapter has no commit points, and once the keyspace is closed.
   */
  commit(position?: ReplicationPosition | null): void {
    if (this.closed) return;
    this.adapter.commit?.(position);
  }

  /** The replication position stored with the adapter's last committed unit, or undefined. */
  committedPosition(): ReplicationPosition | undefined {
    return this.adapter.committedPosition?.();
  }

  /**
   * The storage adapter the keyspace writes through. For the layers that keep dataset-level
   * records next to the keys (`putAux` / `getAux`) or need to know whether the store is durable
   * (`committedPosition`); keys are read and written through the keyspace, never through it.
   */
  get storageAdapter(): StorageAdapter {
    return this.adapter;
  }

  /** The adapter's capabilities (see StorageCapabilities). */
  get storageCapabilities(): StorageCapabilities {
    return this.adapter.capabilities ?? NO_CAPABILITIES;
  }

  /**
   * Stops the clock for key expiry at `ms` (unix ms) until called with undefined: commands still
   * take their own time for TTL arithmetic (SET PX, PTTL), but a key is judged expired or not at
   * `ms`. Redis 7.0 does this while a script runs (its start time), so a script that reads a key
   * twice sees it both times even if its TTL runs out in between.
   */
  freezeExpiryClock(ms: number | undefined): void {
    this.ctx.frozenExpiry = ms;
  }

  // ---- WATCH and notifications -----------------------------------------------------------------

  /**
   * WATCH support: a number that changes whenever `key` in `db` is modified (writes, deletes,
   * expiry, FLUSHDB/FLUSHALL, SWAPDB) or becomes logically expired. Registers the key; call
   * releaseKeyVersion once per call when the client unwatches.
   */
  keyVersion(db: number, key: BinaryString): number {
    const v = this.dbAt(db).keyVersion(key, this.clock());
    this.ctx.updateTracking();
    return v;
  }

  releaseKeyVersion(db: number, key: BinaryString): void {
    this.dbAt(db).releaseKeyVersion(key);
    this.ctx.updateTracking();
  }

  /**
   * Called after each execution for every modified key (`key` null: the whole db was flushed or
   * swapped). For the server's blocking commands. `wanted`, when given, tells whether the listener
   * needs the keys of the executions to come (asked as each one starts): while it and every other
   * gate say no, and nothing else tracks keys, writes skip the bookkeeping that collects them.
   * Returns an unsubscribe function.
   */
  onKeyModified(listener: KeyModifiedListener, wanted?: () => boolean): () => void {
    const ctx = this.ctx;
    ctx.listeners.push(listener);
    if (wanted !== undefined) ctx.listenerGates.push(wanted);
    ctx.updateTracking();
    return () => {
      const i = ctx.listeners.indexOf(listener);
      if (i >= 0) ctx.listeners.splice(i, 1);
      const j = wanted === undefined ? -1 : ctx.listenerGates.indexOf(wanted);
      if (j >= 0) ctx.listenerGates.splice(j, 1);
      ctx.updateTracking();
    };
  }

  /** Keyspace notifications, synchronously; one listener (replaces the last). Returns the unsubscribe. */
  onKeyspaceEvent(listener: KeyspaceEventListener): () => void {
    this.ctx.eventListener = listener;
    return () => {
      if (this.ctx.eventListener === listener) this.ctx.eventListener = null;
    };
  }

  /** Commands to propagate that no client command produced (active expiry DELs). */
  onPropagate(listener: PropagateListener): () => void {
    this.propagateListeners.push(listener);
    return () => {
      const i = this.propagateListeners.indexOf(listener);
      if (i >= 0) this.propagateListeners.splice(i, 1);
    };
  }

  // ---- expiry ----------------------------------------------------------------------------------

  startActiveExpire(): void {
    if (this.closed) throw new KeyspaceClosedError();
    this.activeExpire.start();
  }

  stopActiveExpire(): void {
    this.activeExpire.stop();
  }

  /** Runs one active expiry cycle now (tests, manual drivers); returns the keys deleted. */
  activeExpireCycle(budgetMs = DEFAULT_ACTIVE_EXPIRE_BUDGET_MS): number {
    return this.activeExpire.cycle(budgetMs);
  }

  // ---- introspection ---------------------------------------------------------------------------

  /**
   * INFO counters, live (read the fields when needed; nothing is allocated per command):
   * `keyspaceHits`, `keyspaceMisses`, `expiredKeys` (lazy and active) and `dirty`, the changes
   * made by executed commands (server.dirty: MSET a 1 b 2 counts 2; expiry does not count).
   */
  get stats(): Readonly<KeyspaceStatsCounters> {
    return this.ctx.stats;
  }

  /** CONFIG RESETSTAT: zeroes keyspace_hits/misses and expired_keys (`dirty` is the persistence layer's). */
  resetStats(): void {
    const s = this.ctx.stats;
    s.keyspaceHits = 0;
    s.keyspaceMisses = 0;
    s.expiredKeys = 0;
  }

  /** DBSIZE of one database (expired keys not yet reclaimed included). */
  size(db: number): number {
    return this.dbAt(db).size();
  }

  expiresSize(db: number): number {
    return this.dbAt(db).expiresSize();
  }

  /** INFO keyspace: one entry per database. */
  info(): DbInfo[] {
    return this.ctx.dbs.map((d) => ({ keys: d.size(), expires: d.expiresSize() }));
  }

  /** A point-in-time snapshot of every database (record the replication offset when you call it). */
  snapshot(): Snapshot {
    if (this.closed) throw new KeyspaceClosedError();
    const pointInTime = this.adapter.capabilities?.pointInTimeReads === true;
    const s = new PointInTimeSnapshot(this.ctx.dbs, this.clock(), (x) => this.snapshots.delete(x), pointInTime);
    this.snapshots.add(s);
    return s;
  }

  /** Open snapshots. */
  get openSnapshots(): number {
    return this.snapshots.size;
  }

  // ---- RDB glue ----------------------------------------------------------------------------------

  /**
   * Stores a value outside any command: an RDB loader, RESTORE, DEBUG POPULATE. Replaces the key
   * (and its TTL), with no expiry check and no propagation (the caller propagates what it must),
   * and notifies the key as modified at once: WATCH versions, `onKeyModified` listeners (blocked
   * clients), the adapter's change hook, like signalModifiedKey. `countChange` adds one change to
   * `stats.dirty` (RESTORE does, a loader and DEBUG POPULATE do not). Must not be called from
   * inside a command handler.
   */
  load(db: number, key: BinaryString, value: PlainValue | StoredValue, expireAt = -1, options?: LoadOptions): void {
    loadKey(this.ctx, this.dbAt(db), db, key, value, expireAt, options);
    if (this.autoCommit) this.adapter.commit!();
  }

  /**
   * The store of `db` when a bulk load may write it itself instead of calling load() (else
   * undefined); after writing, before yielding to the event loop, it calls directLoadDone(db).
   */
  directLoadStore(db: number): DbStore | undefined {
    return directLoadStore(this.ctx, this.dbAt(db), this.autoCommit);
  }

  /** A bulk load wrote keys of `db` through directLoadStore: WATCHes and listeners hear of it as of a flush. */
  directLoadDone(db: number): void {
    directLoadDone(this.ctx, this.dbAt(db));
  }

  /** Raises a keyspace event from outside the executor (RESTORE's `new` and `restore`). */
  notifyKeyspaceEvent(type: number, event: string, db: number, key: BinaryString): void {
    this.ctx.eventListener?.(type, event, db, key);
  }

  /**
   * lookupKeyWrite for commands outside the executor (RESTORE): whether `key` exists in `db` for a
   * normal client. A master deletes an expired key and returns its DEL to propagate. Counts no
   * keyspace_hits/misses.
   */
  existsForWrite(db: number, key: BinaryString): { readonly exists: boolean; readonly propagate: ReadonlyArray<PropagatedCommand> } {
    if (this.closed) throw new KeyspaceClosedError();
    const d = this.dbAt(db);
    const ctx = this.ctx;
    ctx.beginExecution({ db }, this.clock());
    const exists = d.lookupReadNoStats(key) !== undefined;
    const propagate = ctx.endExecution(true);
    if (this.autoCommit) this.adapter.commit!();
    return { exists, propagate };
  }

  /** The raw stored value and TTL of a key (no expiry logic), or undefined. */
  peek(db: number, key: BinaryString): { value: StoredValue; expireAt: number } | undefined {
    const d = this.dbAt(db);
    const value = d.peek(key);
    return value === undefined ? undefined : { value, expireAt: d.getExpire(key) };
  }

  /** A key as a plain value (no expiry logic), or undefined. */
  dump(db: number, key: BinaryString): { value: PlainValue; expireAt: number } | undefined {
    const p = this.peek(db, key);
    return p === undefined ? undefined : { value: toPlain(p.value), expireAt: p.expireAt };
  }

  /** Empties every database (a replica before loading a full sync). Not propagated. */
  flushAll(): void {
    this.ctx.flushAll();
    this.activeExpire.reset();
    if (this.autoCommit) this.adapter.commit!();
  }

  /** Command-level access to one database (internal use: server, master, tests). */
  database(index: number): DbImpl {
    return this.dbAt(index);
  }

  private dbAt(index: number): DbImpl {
    const d = this.ctx.dbs[index];
    if (d === undefined) throw new DbIndexError(index, this.databases);
    return d;
  }

  /** Stops timers, closes open snapshots and the adapter. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.activeExpire.stop();
    for (const s of [...this.snapshots]) s.close();
    this.ctx.scanCursors.clear();
    this.adapter.close?.();
  }
}

/** Creates a keyspace (16 in-memory databases, master role by default). */
export function createKeyspace(options?: KeyspaceOptions): Keyspace {
  return new Keyspace(options);
}
