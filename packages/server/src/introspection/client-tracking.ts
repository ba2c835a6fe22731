import { NULL_ARRAY, PushReply, type RespValue } from '@replikit/resp';
import { commandKeys } from '../auth/acl-keys';
import type { ServerClient } from '../connection/server-client';
import type { TableEntry } from '../dispatch/command-table';
import type { ServerRuntime } from '../dispatch/server-runtime';

/** CLIENT TRACKING state of one client (the CLIENT_TRACKING_* flags). */
export interface TrackingState {
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  /** 0: the client itself (RESP3 pushes) */
  redirect: number;
  prefixes: string[];
  /** CLIENT CACHING YES/NO: applies to the next command (CLIENT subcommands and MULTI keep it) */
  caching: 'yes' | 'no' | undefined;
}

const CHANNEL = '__redis__:invalidate';

/**
 * Client-side caching (tracking.c): keys read by tracking clients are remembered (key -> client
 * ids, across databases like Redis), BCAST clients register prefixes; a modified key sends one
 * `invalidate` message to each interested client, after the reply of the command that modified it
 * (7.0's pending invalidations). RESP3 clients get a push; with REDIRECT the target gets it, as a
 * `__redis__:invalidate` Pub/Sub message when it speaks RESP2. A flush sends a null key list.
 * `tracking-table-max-keys` bounds the key table: past it, keys are invalidated and forgotten
 * (trackingLimitUsedSlots), oldest first where Redis picks them by a random walk.
 */
export class ClientTracking {
  readonly clients = new Map<ServerClient, TrackingState>();
  private readonly table = new Map<string, Set<number>>();
  private pending: Array<string | null> = [];
  private flushQueued = false;
  private subscribed = false;
  /** tracking-table-max-keys (0: no limit) */
  maxKeys = 1_000_000;
  /** rounds that ended still over the limit: each one allows 100 more evictions (Redis's timeout_counter) */
  private overLimitRounds = 0;

  constructor(private readonly rt: ServerRuntime) {}

  get active(): boolean {
    return this.clients.size > 0;
  }

  enable(c: ServerClient, state: TrackingState): void {
    this.clients.set(c, state);
    if (!this.subscribed) {
      this.subscribed = true;
      this.rt.keyspace.onKeyModified((_db, key) => this.modified(key));
    }
  }

  disable(c: ServerClient): void {
    this.clients.delete(c);
  }

  /** After a command of a tracking client: remember the keys it read; CLIENT CACHING's one-shot. */
  afterCommand(client: ServerClient, e: TableEntry, argv: readonly string[]): void {
    const st = this.clients.get(client);
    if (st !== undefined) {
      const caching = st.caching;
      // resetClient: the flag lasts until a command that is not CLIENT ... runs outside MULTI
      if (!e.fullname.startsWith('client|') && client.multi === undefined) st.caching = undefined;
      if (!st.bcast && e.spec.flags.includes('readonly') && (!st.optin || caching === 'yes') && (!st.optout || caching !== 'no')) {
        const cmd = this.rt.users.index.ofSpec(e.spec);
        if (cmd !== undefined) {
          for (const k of commandKeys(cmd, argv)) {
            const key = argv[k.pos] as string;
            let ids = this.table.get(key);
            if (ids === undefined) {
              ids = new Set();
              this.table.set(key, ids);
            }
            ids.add(client.id);
          }
        }
      }
    }
    if (this.pending.length > 0) this.flush(client);
    if (this.maxKeys > 0 && this.table.size > this.maxKeys) this.limitKeys(client);
  }

  /** INFO's tracking_clients, tracking_total_keys / items / prefixes (a BCAST client without PREFIX has the empty one). */
  infoCounts(): { clients: number; keys: number; items: number; prefixes: number } {
    let items = 0;
    for (const ids of this.table.values()) items += ids.size;
    const prefixes = new Set<string>();
    for (const st of this.clients.values()) {
      if (!st.bcast) continue;
      if (st.prefixes.length === 0) prefixes.add('');
      for (const p of st.prefixes) prefixes.add(p);
    }
    return { clients: this.clients.size, keys: this.table.size, items, prefixes: prefixes.size };
  }

  /**
   * trackingLimitUsedSlots: invalidates tracked keys until the table is back within
   * tracking-table-max-keys, at most 100 x (rounds already over the limit + 1) keys per call. Redis
   * runs it before each command; here it runs right after the command that went over, which puts
   * the invalidations at the same place in a client's stream (between two of its replies).
   */
  private limitKeys(caller: ServerClient): void {
    let effort = 100 * (this.overLimitRounds + 1);
    const byId = new Map<number, ServerClient>();
    for (const c of this.clients.keys()) byId.set(c.id, c);
    for (const [key, ids] of this.table) {
      if (effort-- <= 0) break;
      this.table.delete(key);
      for (const id of ids) {
        const c = byId.get(id);
        const st = c === undefined ? undefined : this.clients.get(c);
        if (c === undefined || st === undefined || st.bcast || (st.noloop && c === caller)) continue;
        this.send(c, st, [key]);
      }
      if (this.table.size <= this.maxKeys) {
        this.overLimitRounds = 0;
        return;
      }
    }
    this.overLimitRounds++;
  }

  private modified(key: string | null): void {
    if (this.clients.size === 0) return;
    this.pending.push(key);
    if (!this.flushQueued) {
      // writes outside a client's command (expiry, the master's stream) are sent at the next tick
      this.flushQueued = true;
      queueMicrotask(() => {
        this.flushQueued = false;
        if (this.pending.length > 0) this.flush(undefined);
      });
    }
  }

  /** Sends the pending invalidations; `caller` is the client whose command modified the keys (NOLOOP). */
  private flush(caller: ServerClient | undefined): void {
    const keys = this.pending;
    this.pending = [];
    let flushed = false;
    const byId = new Map<number, ServerClient>();
    for (const c of this.clients.keys()) byId.set(c.id, c);
    for (const key of keys) {
      if (key === null) {
        // a flush (FLUSHALL reports each db): every tracking client is told once, with a null key list
        if (flushed) continue;
        flushed = true;
        this.table.clear();
        for (const [c, st] of this.clients) this.send(c, st, null);
        continue;
      }
      const ids = this.table.get(key);
      if (ids !== undefined) {
        this.table.delete(key);
        for (const id of ids) {
          const c = byId.get(id);
          if (c === undefined) continue;
          const st = this.clients.get(c) as TrackingState;
          if (st.noloop && c === caller) continue;
          this.send(c, st, [key]);
        }
      }
      for (const [c, st] of this.clients) {
        if (!st.bcast || (st.noloop && c === caller)) continue;
        if (st.prefixes.length === 0 || st.prefixes.some((p) => key.startsWith(p))) this.send(c, st, [key]);
      }
    }
  }

  private send(c: ServerClient, st: TrackingState, keys: string[] | null): void {
    let target = c;
    if (st.redirect !== 0) {
      const t = [...this.rt.clients.all()].find((x) => x.id === st.redirect);
      if (t === undefined) return;
      target = t;
    }
    const payload: RespValue = keys === null ? NULL_ARRAY : keys;
    if (target.protocol === 3) target.pushMessage(new PushReply(['invalidate', payload]));
    else if (target.channels.has(CHANNEL)) target.pushMessage(new PushReply(['message', CHANNEL, payload]));
  }

  /** CLIENT TRACKINGINFO's flags. */
  flagsOf(c: ServerClient): string[] {
    const st = this.clients.get(c);
    if (st === undefined) return ['off'];
    const f = ['on'];
    if (st.bcast) f.push('bcast');
    if (st.optin) f.push('optin');
    if (st.optout) f.push('optout');
    if (st.caching === 'yes') f.push('caching-yes');
    if (st.caching === 'no') f.push('caching-no');
    if (st.noloop) f.push('noloop');
    if (st.redirect !== 0 && ![...this.rt.clients.all()].some((x) => x.id === st.redirect)) f.push('broken_redir');
    return f;
  }
}
