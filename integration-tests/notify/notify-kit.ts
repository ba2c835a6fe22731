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
