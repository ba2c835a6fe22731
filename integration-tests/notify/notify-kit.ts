/**
 * Shared pieces of the keyspace notification tests: a PSUBSCRIBE '__key*__:*' listener that
 * records every message it gets, and a way to wait until everything published so far arrived
 * (a marker PUBLISH on a channel the same pattern matches: one connection delivers in order).
 */
import type Redis from 'ioredis';
import { client, waitFor } from '../replication/helpers';

export const PATTERN = '__key*__:*';
const MARKER_CHANNEL = '__keymarker__:end';

export interface EventRecorder {
  /** `channel message` lines in arrival order (markers left out) */
  readonly messages: string[];
  /** Publishes a marker through `via` and resolves once the recorder got it. */
  settle(via: Redis): Promise<void>;
  close(): void;
}

export async function recordEvents(port: number): Promise<EventRecorder> {
  const sub = client(port);
  const messages: string[] = [];
  let markers = 0;
  sub.on('pmessage', (_pattern: string, channel: string, message: string) => {
    if (channel === MARKER_CHANNEL) markers++;
    else messages.push(`${channel} ${message}`);
  });
  await sub.psubscribe(PATTERN);
  let sent = 0;
  return {
    messages,
    async settle(via: Redis) {
      sent++;
      const want = sent;
      await via.publish(MARKER_CHANNEL, String(want));
      await waitFor('the marker message', () => markers >= want);
    },
    close() {
      sub.disconnect();
    },
  };
}

/** Splits `SET k v` style lines into argv (no quoting: tests use plain words). */
export function words(line: string): string[] {
  return line.split(' ');
}

/** Runs each line as a command on `c`; a command's error reply is ignored (the events are compared). */
export async function runLines(c: Redis, lines: readonly string[]): Promise<void> {
  for (const line of lines) await c.call(...(words(line) as [string, ...string[]])).catch(() => undefined);
}

export interface NotificationRun {
  /** Runs before `notify-keyspace-events` is set: its writes publish nothing. */
  prepare?: (c: Redis) => Promise<void>;
}

/**
 * The messages a PSUBSCRIBE '__key*__:*' client receives while `body` runs on a flushed server with
 * `notify-keyspace-events` set to `flags` (reset to '' afterwards), in arrival order.
 */
export async function notificationsOf(port: number, flags: string, body: (c: Redis) => Promise<void>, run: NotificationRun = {}): Promise<string[]> {
  const c = client(port);
  const rec = await recordEvents(port);
  try {
    await c.flushall();
    await run.prepare?.(c);
    await c.config('SET', 'notify-keyspace-events', flags);
    await body(c);
    await rec.settle(c);
    await c.config('SET', 'notify-keyspace-events', '');
    return [...rec.messages];
  } finally {
    rec.close();
    c.disconnect();
  }
}
