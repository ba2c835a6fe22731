/**
 * Read-your-writes on a replica: after a write on the master at replication offset `o` (the
 * master's `master_repl_offset` once the write returned, or `WriteAck.offset` from
 * @replikit/master), `await waitForOffset(replica, o, ms)` resolves true once the replica applied
 * the stream up to `o`, false at the timeout. A read made after `true` sees the write.
 *
 * Offsets belong to one replication history: after the replica full-synced from a different master
 * history the comparison says nothing; compare `replica.masterReplid` too when that matters.
 */
import type { Replica } from './replica';

/** Resolves true once `replica.offset >= offset`, false after `timeoutMs` (0 waits without limit). */
export function waitForOffset(replica: Replica, offset: number, timeoutMs: number): Promise<boolean> {
  if (replica.offset >= offset) return Promise.resolve(true);
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const check = (): void => {
      if (replica.offset >= offset) done(true);
    };
    const done = (ok: boolean): void => {
      if (timer !== undefined) clearTimeout(timer);
      replica.off('command:applied', check);
      replica.off('sync:done', check);
      resolve(ok);
    };
    replica.on('command:applied', check);
    replica.on('sync:done', check);
    if (timeoutMs > 0) timer = setTimeout(() => done(replica.offset >= offset), timeoutMs);
  });
}
