/**
 * An end marker for a reconnect + partial resync that needs no polling and applies to
 * redis-server and replikit-server alike: before the cut a client on the replica sends
 * `XREAD BLOCK <ms> STREAMS <fresh key> 0`; right after the kill the master gets
 * `XADD <key> * m 1`. The XREAD answers when the replica has applied that entry from the resumed
 * stream. A fresh key with ID 0 makes the read answer at once with the entry if it arrives after
 * the entry was applied, so a late XREAD can only lengthen the figure.
 */
import { performance } from 'node:perf_hooks';
import type { RawClient } from '@replikit/test-utils';

let seq = 0;

export interface ResyncMarker {
  readonly key: string;
  /** resolves with performance.now() when the replica answered the XREAD with the entry */
  readonly seen: Promise<number>;
}

/** Sends the blocked XREAD on `reader` (a connection to the replica used for nothing else meanwhile). */
export function armResyncMarker(reader: RawClient, timeoutMs = 30000): ResyncMarker {
  const key = `resync:mark:${process.pid}:${seq++}`;
  const seen = reader.call('XREAD', 'BLOCK', timeoutMs, 'STREAMS', key, '0').then((r) => {
    const at = performance.now();
    if (r === null || r instanceof Error) throw new Error(`XREAD on the replica answered ${String(r)}`);
    return at;
  });
  // an unawaited rejection would end the process before the caller awaits it
  seen.catch(() => undefined);
  return { key, seen };
}
