import type { ClientConnection } from './client-connection';

/** Every connected client by id, in connection order (CLIENT LIST order). */
export class ClientRegistry {
  private readonly byId = new Map<number, ClientConnection>();
  private lastId = 0;

  /** Redis client ids start at 1 and are never reused. */
  nextId(): number {
    return ++this.lastId;
  }

  add(c: ClientConnection): void {
    this.byId.set(c.id, c);
  }

  remove(c: ClientConnection): void {
    this.byId.delete(c.id);
  }

  get(id: number): ClientConnection | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  all(): IterableIterator<ClientConnection> {
    return this.byId.values();
  }

  /** INFO clients `connected_clients` excludes replicas (Redis: listLength(clients) - replicas). */
  count(kind?: ClientConnection['kind']): number {
    if (kind === undefined) return this.byId.size;
    let n = 0;
    for (const c of this.byId.values()) if (c.kind === kind) n++;
    return n;
  }

  /** INFO clients `blocked_clients` */
  blockedCount(): number {
    let n = 0;
    for (const c of this.byId.values()) if (c.blocked) n++;
    return n;
  }
}
