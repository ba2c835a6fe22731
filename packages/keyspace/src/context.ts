/**
 * The execution context: the CommandContext every handler gets and the DbHost of every Db.
 * It collects what one top-level execution propagates (Redis 7.0 call() + alsoPropagate +
 * propagatePendingCommands) and the keys it modified (WATCH, listeners, adapter notifications).
 */
import type { BinaryString, CollectionValue, CommandContext } from './command-api';
import type { CommandEntry } from './command-table';
import { type DbHost, DbImpl, type KeyspaceStatsCounters } from './db';
import { type KeyspaceEventListener, NOTIFY_EXPIRED } from './notify';
import type { DbStore, StorageAdapter } from './storage/adapter';
import type { AccessClock } from './eviction/access-clock';
import { NOTOUCH_COMMANDS } from './eviction/notouch';
import type { ScanCursors } from './util/scan-cursor';
import type { StreamNodeLimits } from './types/stream-value';

/** One command to send to replicas, in database `db`. */
export interface PropagatedCommand {
  readonly db: number;
  readonly argv: BinaryString[];
}

export interface Session {
  /** the selected database; SELECT updates it */
  db: number;
  /** true for commands applied from our master */
  fromMaster?: boolean;
  /** the client's protocol (HELLO 3): shapes a few replies, e.g. WITHSCORES pairs @default 2 */
  resp?: 2 | 3;
}

export type KeyModifiedListener = (db: number, key: BinaryString | null) => void;

export interface ContextConfig {
  role: 'master' | 'replica';
  lazyfreeLazyUserDel: boolean;
  lazyfreeLazyExpire: boolean;
  protoMaxBulkLen: number;
  streamNodeLimits: StreamNodeLimits;
}

const NO_OPS = Object.freeze([]) as unknown as PropagatedCommand[];
const MULTI: BinaryString[] = ['MULTI'];
const EXEC: BinaryString[] = ['EXEC'];

export class ExecContext implements CommandContext, DbHost {
  db!: DbImpl;
  now = 0;
  expireNow = 0;
  /** set while a script runs: the time expiry is judged at (see DbHost.expireNow) */
  frozenExpiry: number | undefined = undefined;
  fromMaster = false;
  resp: 2 | 3 = 2;
  session!: Session;
  /** pending propagation of the current top-level execution (NO_OPS until the first push) */
  ops: PropagatedCommand[] = NO_OPS;
  /** per command */
  private dirtyCount = 0;
  private rewritten: BinaryString[] | null = null;
  private prevented = false;
  private forced = false;
  /** total dirty of the current top-level execution */
  totalDirty = 0;
  /** keys touched during the execution: db, key, maybe (lookupWrite) triples */
  private touchedDbs: DbImpl[] = [];
  private touchedKeys: BinaryString[] = [];
  private touchedMaybe: boolean[] = [];
  private touchedMaybeDirty: number[] = [];
  /** per touch: the store written, and the collection handed out (lookupWrite), null (set/delete) or undefined (TTL) */
  private touchedStores: DbStore[] = [];
  private touchedValues: Array<CollectionValue | null | undefined> = [];
  /**
   * The lists of the previous flush, emptied with pop() (which keeps their backing stores), taken
   * back by the next flush: six fresh arrays per command were most of a SET's garbage.
   */
  private spareTouched = { dbs: [] as DbImpl[], keys: [] as BinaryString[], maybe: [] as boolean[], maybeDirty: [] as number[], stores: [] as DbStore[], values: [] as Array<CollectionValue | null | undefined> };
  private flushingTouched = false;
  tracking = false;
  /** some store has DbStore.changed: in-place mutations are handed back after each command */
  writeBack = false;
  countReads = true;
  readonly stats: KeyspaceStatsCounters = { keyspaceHits: 0, keyspaceMisses: 0, expiredKeys: 0, dirty: 0 };
  readonly listeners: KeyModifiedListener[] = [];
  /**
   * The predicates of the listeners that need modified keys only while one holds (the server's
   * blocked clients: while a client waits). They are asked at the start of each execution; while
   * all are false and nothing else tracks, writes skip the per-key bookkeeping.
   */
  readonly listenerGates: Array<() => boolean> = [];
  /** tracking whatever the gates say: ungated listeners, WATCHed keys, adapter notifications */
  private alwaysTracking = false;
  /** keyspace notifications (notify-keyspace-events): null while nobody listens */
  eventListener: KeyspaceEventListener | null = null;
  keyMissEvents = true;
  /** LRU/LFU access tracking (null while no such maxmemory policy); `access` is null for LOOKUP_NOTOUCH commands */
  accessClock: AccessClock | null = null;
  access: AccessClock | null = null;
  readonly dbs: DbImpl[] = [];

  constructor(
    readonly config: ContextConfig,
    readonly adapter: StorageAdapter,
    readonly scanCursors: ScanCursors,
  ) {
    for (let i = 0; i < adapter.databases; i++) this.dbs.push(new DbImpl(i, adapter.db(i), this));
    this.updateTracking();
  }

  get role(): 'master' | 'replica' {
    return this.config.role;
  }
  get lazyfreeLazyUserDel(): boolean {
    return this.config.lazyfreeLazyUserDel;
  }
  get lazyfreeLazyExpire(): boolean {
    return this.config.lazyfreeLazyExpire;
  }
  get streamNodeLimits(): StreamNodeLimits {
    return this.config.streamNodeLimits;
  }
  get protoMaxBulkLen(): number {
    return this.config.protoMaxBulkLen;
  }
  get databases(): number {
    return this.dbs.length;
  }

  database(index: number): DbImpl {
    return this.dbs[index];
  }

  /** Recomputes whether Db writes must report modified keys. */
  updateTracking(): void {
    let t = this.listeners.length > this.listenerGates.length;
    let w = false;
    for (const d of this.dbs) if (d.store.changed !== undefined) w = true;
    if (!t) for (const d of this.dbs) if (d.watched.size !== 0) t = true;
    this.writeBack = w;
    this.alwaysTracking = t || w;
    this.tracking = this.alwaysTracking || this.gateOpen();
  }

  /** Asks the listeners' gates again: whether the writes about to run report modified keys. */
  refreshTracking(): void {
    if (this.listenerGates.length !== 0) this.tracking = this.alwaysTracking || this.gateOpen();
  }

  private gateOpen(): boolean {
    const gates = this.listenerGates;
    for (let i = 0; i < gates.length; i++) if ((gates[i] as () => boolean)()) return true;
    return false;
  }

  // ---- top-level execution -------------------------------------------------------------------

  beginExecution(session: Session, now: number): void {
    if (this.listenerGates.length !== 0) this.refreshTracking();
    this.session = session;
    this.now = now;
    this.expireNow = this.frozenExpiry === undefined ? now : this.frozenExpiry;
    this.fromMaster = session.fromMaster === true;
    this.resp = session.resp === 3 ? 3 : 2;
    this.ops = NO_OPS;
    this.totalDirty = 0;
    this.db = this.dbs[session.db];
  }

  /** Runs one command inside the current execution; returns its reply. */
  runCommand(cmd: CommandEntry, argv: BinaryString[]) {
    this.db = this.dbs[this.session.db];
    this.dirtyCount = 0;
    this.rewritten = null;
    this.prevented = false;
    this.forced = false;
    this.countReads = cmd.countsReads;
    if (this.eventListener !== null) this.keyMissEvents = cmd.parent?.name !== 'object';
    if (this.accessClock !== null) {
      this.access = NOTOUCH_COMMANDS.has(cmd.fullName) ? null : this.accessClock;
      this.accessClock.beginCommand();
    }
    const start = this.touchedKeys.length;
    const reply = cmd.handler(this, argv);
    if (this.dirtyCount > 0) {
      this.totalDirty += this.dirtyCount;
      this.stats.dirty += this.dirtyCount;
      if (!this.prevented) this.pushOp({ db: this.db.index, argv: this.rewritten ?? argv });
    } else if (this.forced && !this.prevented) this.pushOp({ db: this.db.index, argv: this.rewritten ?? argv });
    if (this.touchedKeys.length !== 0) {
      this.settleMaybe(this.dirtyCount > 0);
      if (this.writeBack && this.touchedKeys.length !== start) this.writeBackChanged(start);
    }
    return reply;
  }

  /**
   * Ends the execution: the commands to propagate (wrapped in MULTI/EXEC when more than one,
   * unless `noWrap`), after notifying modified keys.
   */
  endExecution(noWrap: boolean): PropagatedCommand[] {
    if (this.touchedKeys.length !== 0) this.flushTouched();
    const ops = this.ops;
    this.ops = NO_OPS;
    if (ops.length <= 1 || noWrap) return ops;
    const out: PropagatedCommand[] = [{ db: ops[0].db, argv: MULTI }];
    for (const op of ops) out.push(op);
    out.push({ db: ops[ops.length - 1].db, argv: EXEC });
    return out;
  }

  // ---- CommandContext ------------------------------------------------------------------------

  dirty(n = 1): void {
    this.dirtyCount += n;
  }

  rewrite(argv: BinaryString[]): void {
    this.rewritten = argv;
  }

  alsoPropagate(argv: BinaryString[], dbIndex?: number): void {
    this.pushOp({ db: dbIndex ?? this.db.index, argv });
  }

  private pushOp(op: PropagatedCommand): void {
    if (this.ops === NO_OPS) this.ops = [op];
    else this.ops.push(op);
  }

  preventPropagation(): void {
    this.prevented = true;
  }

  forcePropagation(): void {
    this.forced = true;
  }

  select(index: number): void {
    this.session.db = index;
    this.db = this.dbs[index];
  }

  flushDb(index: number): number {
    const d = this.dbs[index];
    const removed = d.size();
    if (d.watched.size !== 0) d.bumpAllVersions();
    d.clear();
    this.scanCursors.clear();
    this.notifyAll(index);
    return removed;
  }

  flushAll(): number {
    let removed = 0;
    for (let i = 0; i < this.dbs.length; i++) removed += this.flushDb(i);
    return removed;
  }

  swapDb(a: number, b: number): void {
    if (a === b) return;
    const da = this.dbs[a];
    const db = this.dbs[b];
    if (da.watched.size !== 0) da.bumpAllVersions(db);
    if (db.watched.size !== 0) db.bumpAllVersions(da);
    this.adapter.swap(a, b);
    const obs = da.observers;
    da.observers = db.observers;
    db.observers = obs;
    const enc = da.stringEnc;
    da.stringEnc = db.stringEnc;
    db.stringEnc = enc;
    da.store = this.adapter.db(a);
    db.store = this.adapter.db(b);
    this.scanCursors.clear();
    this.notifyAll(a);
    this.notifyAll(b);
  }

  notify(type: number, event: string, key: BinaryString, dbIndex?: number): void {
    if (this.eventListener !== null) this.eventListener(type, event, dbIndex ?? this.db.index, key);
  }

  // ---- DbHost ---------------------------------------------------------------------------------

  lazyExpired(db: DbImpl, key: BinaryString): void {
    if (this.eventListener !== null) this.eventListener(NOTIFY_EXPIRED, 'expired', db.index, key);
    this.pushOp({ db: db.index, argv: [this.config.lazyfreeLazyExpire ? 'UNLINK' : 'DEL', key] });
  }

  modified(db: DbImpl, key: BinaryString, maybe: boolean, value?: CollectionValue | null): void {
    this.touchedDbs.push(db);
    this.touchedKeys.push(key);
    this.touchedMaybe.push(maybe);
    this.touchedMaybeDirty.push(0);
    this.touchedStores.push(db.store);
    this.touchedValues.push(value);
  }

  /**
   * After a command: hands every collection it mutated in place back to its store (DbStore.changed),
   * the object the command mutated, not a re-read (a store that decodes on get() would return the
   * old contents). That includes a collection stored with set() and filled in afterwards. A key
   * set to a string or deleted later in the same command was already written: skipped. Walks the
   * command's touches backwards so the last word on each key wins.
   */
  private writeBackChanged(start: number): void {
    const keys = this.touchedKeys;
    const stores = this.touchedStores;
    const values = this.touchedValues;
    const state = this.touchedMaybeDirty;
    const maybe = this.touchedMaybe;
    const end = keys.length;
    let settled: Map<DbStore, Set<BinaryString>> | null = null;
    for (let i = end - 1; i >= start; i--) {
      const v = values[i];
      if (v === undefined) continue;
      const store = stores[i];
      const key = keys[i];
      if (end - start > 1) {
        if (settled === null) settled = new Map();
        let s = settled.get(store);
        if (s === undefined) settled.set(store, (s = new Set()));
        if (s.has(key)) continue;
        if (v === null || !maybe[i] || state[i] === 1) s.add(key);
      }
      if (v !== null && (!maybe[i] || state[i] === 1) && store.changed !== undefined) store.changed(key, v);
    }
  }

  /** After each command: lookupWrite touches count only if the command changed something. */
  private settleMaybe(changed: boolean): void {
    const m = this.touchedMaybe;
    const d = this.touchedMaybeDirty;
    for (let i = 0; i < m.length; i++) {
      if (m[i] && d[i] === 0) d[i] = changed ? 1 : -1;
    }
  }

  private flushTouched(): void {
    const dbs = this.touchedDbs;
    const keys = this.touchedKeys;
    const maybe = this.touchedMaybe;
    const state = this.touchedMaybeDirty;
    const stores = this.touchedStores;
    const values = this.touchedValues;
    // a listener may run a command (its touches go to the other lists); a nested flush, or a long
    // list not worth keeping, gets fresh lists
    const spare = this.spareTouched;
    const reuse = !this.flushingTouched && keys.length <= 1024;
    this.touchedDbs = reuse ? spare.dbs : [];
    this.touchedKeys = reuse ? spare.keys : [];
    this.touchedMaybe = reuse ? spare.maybe : [];
    this.touchedMaybeDirty = reuse ? spare.maybeDirty : [];
    this.touchedStores = reuse ? spare.stores : [];
    this.touchedValues = reuse ? spare.values : [];
    this.flushingTouched = true;
    try {
      // in-place writes already reached their stores after each command (writeBackChanged)
      for (let i = 0; i < keys.length; i++) {
        if (maybe[i] && state[i] !== 1) continue;
        const d = dbs[i];
        const key = keys[i];
        if (d.watched.size !== 0) d.bumpVersion(key);
        for (const l of this.listeners) l(d.index, key);
      }
    } finally {
      this.flushingTouched = false;
    }
    if (!reuse) return;
    for (let i = keys.length; i > 0; i--) {
      dbs.pop();
      keys.pop();
      maybe.pop();
      state.pop();
      stores.pop();
      values.pop();
    }
    spare.dbs = dbs;
    spare.keys = keys;
    spare.maybe = maybe;
    spare.maybeDirty = state;
    spare.stores = stores;
    spare.values = values;
  }

  private notifyAll(index: number): void {
    for (const l of this.listeners) l(index, null);
  }
}
