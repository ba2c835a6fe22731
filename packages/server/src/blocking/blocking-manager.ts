import type { RespValue } from '@replikit/resp';
import type { ClientBlock, ServerClient } from '../connection/server-client';

/** One blocked command (BLPOP, BLMOVE, BZPOPMIN ... or a later package's WAIT-like command). */
export interface BlockedRequest {
  readonly client: ServerClient;
  readonly db: number;
  /** keys to wait on (empty for commands woken by other means, such as WAIT) */
  readonly keys: readonly string[];
  /** Tries to serve the client from `key` (which was modified); the reply, or undefined to keep waiting. */
  tryServe(key: string): RespValue | undefined;
  /** The reply sent when the timeout fires (or CLIENT UNBLOCK ... TIMEOUT); a function is called then (WAIT's count). */
  readonly timeoutReply: RespValue | (() => RespValue);
}

interface Blocked extends ClientBlock {
  readonly type: 'command';
  readonly req: BlockedRequest;
  timer: NodeJS.Timeout | undefined;
}

function timeoutValue(req: BlockedRequest): RespValue {
  return typeof req.timeoutReply === 'function' ? req.timeoutReply() : req.timeoutReply;
}

function keyId(db: number, key: string): string {
  return `${db}:${key}`;
}

/**
 * Clients blocked on keys, served in arrival order (FIFO per key) when the keyspace reports a key
 * modified (Redis's blocked.c: signalKeyAsReady / handleClientsBlockedOnKeys).
 */
export class BlockingManager {
  private readonly waiters = new Map<string, Set<Blocked>>();
  private readonly byClient = new Map<ServerClient, Blocked>();
  private readonly ready: string[] = [];
  private readonly readySet = new Set<string>();
  private serving = false;
  private scheduled = false;

  /** How many clients wait (INFO `blocked_clients`). */
  get size(): number {
    return this.byClient.size;
  }

  /** Number of keys with at least one waiter (INFO `total_blocking_keys`). */
  get keyCount(): number {
    return this.waiters.size;
  }

  /** Blocks `req.client` until served, timed out (`timeoutMs` > 0) or unblocked. */
  block(req: BlockedRequest, timeoutMs: number): void {
    const b: Blocked = { type: 'command', req, timer: undefined };
    req.client.blockedOn = b;
    this.byClient.set(req.client, b);
    for (const key of req.keys) {
      const id = keyId(req.db, key);
      let set = this.waiters.get(id);
      if (set === undefined) this.waiters.set(id, (set = new Set()));
      set.add(b);
    }
    if (timeoutMs > 0) b.timer = setTimeout(() => this.finish(b, timeoutValue(req)), timeoutMs);
  }

  /** The keyspace's key-modified hook (`key` null: the whole db changed, FLUSHDB/SWAPDB). */
  signal(db: number, key: string | null): void {
    if (this.waiters.size === 0) return;
    if (key === null) {
      const prefix = `${db}:`;
      for (const id of this.waiters.keys()) if (id.startsWith(prefix)) this.signal(db, id.slice(prefix.length));
      return;
    }
    const id = keyId(db, key);
    if (!this.waiters.has(id) || this.readySet.has(id)) return;
    this.readySet.add(id);
    this.ready.push(id);
    if (!this.scheduled) {
      // Writes that do not come through the dispatcher (a replica applying its master's stream) still wake waiters.
      this.scheduled = true;
      queueMicrotask(() => {
        this.scheduled = false;
        this.serveReadyKeys();
      });
    }
  }

  /** Serves waiters of every ready key; the dispatcher calls this after each command. */
  serveReadyKeys(): void {
    if (this.serving || this.ready.length === 0) return;
    this.serving = true;
    try {
      while (this.ready.length > 0) {
        const id = this.ready.shift() as string;
        this.readySet.delete(id);
        const set = this.waiters.get(id);
        if (set === undefined) continue;
        const key = id.slice(id.indexOf(':') + 1);
        for (const b of [...set]) {
          if (b.req.client.isClosed) continue;
          const reply = b.req.tryServe(key);
          if (reply === undefined) break;
          this.finish(b, reply);
        }
      }
    } finally {
      this.serving = false;
    }
  }

  /** Ends a block with `reply` (served, timeout, CLIENT UNBLOCK); the client's pipeline resumes. */
  finish(b: Blocked, reply: RespValue | undefined): void {
    const client = b.req.client;
    if (this.byClient.get(client) !== b) return;
    this.detach(b);
    if (reply !== undefined) client.reply(reply);
    client.resume();
  }

  /** CLIENT UNBLOCK: answers the timeout reply (or `error`); false if the client is not blocked. */
  unblock(client: ServerClient, error?: RespValue): boolean {
    const b = this.byClient.get(client);
    if (b === undefined) return false;
    this.finish(b, error ?? timeoutValue(b.req));
    return true;
  }

  /**
   * Ends `client`'s block with `reply` (for blocks not woken by keys: WAIT answering once enough
   * replicas acked). False if the client is not blocked.
   */
  serve(client: ServerClient, reply: RespValue): boolean {
    const b = this.byClient.get(client);
    if (b === undefined) return false;
    this.finish(b, reply);
    return true;
  }

  /** A closing client stops waiting, silently. */
  remove(client: ServerClient): void {
    const b = this.byClient.get(client);
    if (b !== undefined) this.detach(b);
  }

  /** Server close: drop every waiter and timer. */
  clear(): void {
    for (const b of [...this.byClient.values()]) this.detach(b);
    this.ready.length = 0;
    this.readySet.clear();
  }

  private detach(b: Blocked): void {
    const req = b.req;
    if (b.timer !== undefined) clearTimeout(b.timer);
    b.timer = undefined;
    this.byClient.delete(req.client);
    req.client.blockedOn = undefined;
    for (const key of req.keys) {
      const id = keyId(req.db, key);
      const set = this.waiters.get(id);
      if (set === undefined) continue;
      set.delete(b);
      if (set.size === 0) this.waiters.delete(id);
    }
  }
}
