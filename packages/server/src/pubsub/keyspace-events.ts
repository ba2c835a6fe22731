/**
 * Keyspace notifications (Redis 7.0 notify.c): turns the events the keyspace raises while commands
 * run into PUBLISH messages on `__keyspace@<db>__:<key>` (message: the event) and
 * `__keyevent@<db>__:<event>` (message: the key), filtered by `notify-keyspace-events`.
 */
import { type KeyspaceEventListener, NOTIFY_KEYEVENT, NOTIFY_KEYSPACE } from '@replikit/keyspace';
import type { PubSubHub } from './pubsub-hub';

/** What publishing needs from the keyspace (a Keyspace satisfies it). */
export interface KeyspaceEventSource {
  onKeyspaceEvent(listener: KeyspaceEventListener): () => void;
}

const CHANNEL_BITS = NOTIFY_KEYSPACE | NOTIFY_KEYEVENT;

export class KeyspaceEvents {
  private flagBits = 0;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly source: KeyspaceEventSource,
    private readonly hub: PubSubHub,
  ) {}

  /** The NOTIFY_* bits in force. */
  get flags(): number {
    return this.flagBits;
  }

  /**
   * Applies a `notify-keyspace-events` value. The keyspace listener is registered only while some
   * event can be published (a channel kind and at least one class), so commands pay nothing
   * otherwise.
   */
  setFlags(flags: number): void {
    this.flagBits = flags;
    const active = (flags & CHANNEL_BITS) !== 0 && (flags & ~CHANNEL_BITS) !== 0;
    if (active && this.unsubscribe === null) this.unsubscribe = this.source.onKeyspaceEvent(this.listener);
    else if (!active && this.unsubscribe !== null) {
      this.unsubscribe();
      this.unsubscribe = null;
    }
  }

  /** Stops listening to the keyspace. */
  close(): void {
    this.setFlags(0);
  }

  private readonly listener: KeyspaceEventListener = (type, event, db, key) => {
    const flags = this.flagBits;
    if ((flags & type) === 0) return;
    if (flags & NOTIFY_KEYSPACE) this.hub.publish(`__keyspace@${db}__:${key}`, event);
    if (flags & NOTIFY_KEYEVENT) this.hub.publish(`__keyevent@${db}__:${event}`, key);
  };
}
