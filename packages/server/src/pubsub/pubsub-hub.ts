import { PushReply, type RespValue } from '@replikit/resp';
import { globMatch } from '@replikit/keyspace/internal';

/** What the hub needs from a connection. */
export interface Subscriber {
  readonly id: number;
  /** channels subscribed with SUBSCRIBE */
  readonly channels: Set<string>;
  /** patterns subscribed with PSUBSCRIBE */
  readonly patterns: Set<string>;
  /** shard channels subscribed with SSUBSCRIBE */
  readonly shardChannels: Set<string>;
  /** Queues an out-of-band message (RESP3 push, RESP2 array). */
  pushMessage(message: PushReply): void;
}

/** Total subscriptions as Redis counts them in (un)subscribe replies: channels + patterns. */
export function subscriptionCount(s: Subscriber): number {
  return s.channels.size + s.patterns.size;
}

/**
 * The server-wide Pub/Sub registry (Redis's `server.pubsub_channels` / `pubsub_patterns`).
 * Subscribers of a channel are kept in subscription order, and so messages reach them in that order.
 */
export class PubSubHub {
  private readonly channels = new Map<string, Set<Subscriber>>();
  private readonly patterns = new Map<string, Set<Subscriber>>();
  private readonly shardChannels = new Map<string, Set<Subscriber>>();

  /** SUBSCRIBE one channel; false if already subscribed. */
  subscribe(s: Subscriber, channel: string): boolean {
    return add(this.channels, s.channels, s, channel);
  }
  unsubscribe(s: Subscriber, channel: string): boolean {
    return remove(this.channels, s.channels, s, channel);
  }
  psubscribe(s: Subscriber, pattern: string): boolean {
    return add(this.patterns, s.patterns, s, pattern);
  }
  punsubscribe(s: Subscriber, pattern: string): boolean {
    return remove(this.patterns, s.patterns, s, pattern);
  }
  ssubscribe(s: Subscriber, channel: string): boolean {
    return add(this.shardChannels, s.shardChannels, s, channel);
  }
  sunsubscribe(s: Subscriber, channel: string): boolean {
    return remove(this.shardChannels, s.shardChannels, s, channel);
  }

  /** Drops every subscription of a closing (or RESET) client without replies. */
  removeAll(s: Subscriber): void {
    for (const c of [...s.channels]) this.unsubscribe(s, c);
    for (const p of [...s.patterns]) this.punsubscribe(s, p);
    for (const c of [...s.shardChannels]) this.sunsubscribe(s, c);
  }

  /** PUBLISH: delivers to channel then pattern subscribers; returns the receiver count. */
  publish(channel: string, message: string): number {
    let receivers = 0;
    const subs = this.channels.get(channel);
    if (subs) {
      const push = new PushReply(['message', channel, message]);
      for (const s of subs) {
        s.pushMessage(push);
        receivers++;
      }
    }
    for (const [pattern, psubs] of this.patterns) {
      if (!globMatch(pattern, channel)) continue;
      const push = new PushReply(['pmessage', pattern, channel, message]);
      for (const s of psubs) {
        s.pushMessage(push);
        receivers++;
      }
    }
    return receivers;
  }

  /** SPUBLISH (standalone: a channel namespace of its own). */
  spublish(channel: string, message: string): number {
    const subs = this.shardChannels.get(channel);
    if (!subs) return 0;
    const push = new PushReply(['smessage', channel, message]);
    for (const s of subs) s.pushMessage(push);
    return subs.size;
  }

  /** PUBSUB CHANNELS [pattern] */
  channelNames(pattern?: string): RespValue[] {
    return [...this.channels.keys()].filter((c) => pattern === undefined || globMatch(pattern, c));
  }
  shardChannelNames(pattern?: string): RespValue[] {
    return [...this.shardChannels.keys()].filter((c) => pattern === undefined || globMatch(pattern, c));
  }
  numsub(channel: string): number {
    return this.channels.get(channel)?.size ?? 0;
  }
  shardNumsub(channel: string): number {
    return this.shardChannels.get(channel)?.size ?? 0;
  }
  /** PUBSUB NUMPAT: number of distinct patterns (Redis 7.0 counts unique patterns). */
  numpat(): number {
    return this.patterns.size;
  }
  /** INFO stats `pubsub_channels` */
  get channelCount(): number {
    return this.channels.size;
  }
}

function add(index: Map<string, Set<Subscriber>>, own: Set<string>, s: Subscriber, name: string): boolean {
  if (own.has(name)) return false;
  own.add(name);
  let set = index.get(name);
  if (!set) index.set(name, (set = new Set()));
  set.add(s);
  return true;
}

function remove(index: Map<string, Set<Subscriber>>, own: Set<string>, s: Subscriber, name: string): boolean {
  if (!own.delete(name)) return false;
  const set = index.get(name);
  if (set) {
    set.delete(s);
    if (set.size === 0) index.delete(name);
  }
  return true;
}
