/**
 * Replica catch-up after a write load (issue 8 §7, target <= 10 ms): the time from the end of the
 * load (the redis-benchmark process exited, right after its last reply) until every replica's
 * applied offset (`slave_repl_offset` in its INFO) equals the master's final `master_repl_offset`.
 * Every replica is asked every `pollMs` (1 ms by default) without waiting for the previous answer,
 * so the resolution does not depend on the round trip; a replica counts as caught up at the answer
 * that first shows the offset. The same definition for redis-server and replikit-server. Also
 * returned: how far behind the replicas were at the first answers (bytes of stream still to apply),
 * which tells a replica that applies slowly (catch-up ~ backlog x its CPU per byte) from a master
 * that writes late (little behind, yet slow to arrive).
 */
import { info, type Node } from './servers';

export interface CatchUp {
  /** ms from the end of the load until every replica reached the master's final offset */
  readonly ms: number;
  /** the largest number of stream bytes a replica still had to apply at its first answer */
  readonly behindBytes: number;
}

/** Catch-up after a load that ended at `endedAt` (a performance.now() stamp); see the file comment. */
export async function catchUpAfterLoad(master: Node, replicas: readonly Node[], endedAt: number, pollMs = 1, timeoutMs = 120_000): Promise<CatchUp> {
  if (replicas.length === 0) return { ms: 0, behindBytes: 0 };
  const target = Number((await info(master, 'replication')).get('master_repl_offset'));
  const caughtAt: Array<number | undefined> = replicas.map(() => undefined);
  const behind: Array<number | undefined> = replicas.map(() => undefined);
  return new Promise<CatchUp>((resolve, reject) => {
    let inFlight = 0;
    let done = false;
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      clearInterval(timer);
      if (err) reject(err);
      else resolve({ ms: Math.max(...(caughtAt as number[])) - endedAt, behindBytes: Math.max(...behind.map((b) => b ?? 0)) });
    };
    const poll = (): void => {
      if (done) return;
      if (performance.now() - endedAt > timeoutMs) {
        finish(new Error(`replicas did not reach offset ${target} in ${timeoutMs} ms`));
        return;
      }
      replicas.forEach((r, i) => {
        // one question outstanding per replica and tick at most: a replica busy catching up is not
        // also flooded with INFO
        if (caughtAt[i] !== undefined || inFlight > replicas.length * 2) return;
        inFlight++;
        info(r, 'replication').then(
          (m) => {
            inFlight--;
            const at = Number(m.get('slave_repl_offset'));
            behind[i] ??= Math.max(0, target - at);
            if (caughtAt[i] === undefined && at >= target) caughtAt[i] = performance.now();
            if (caughtAt.every((x) => x !== undefined)) finish();
          },
          (err: Error) => finish(err),
        );
      });
    };
    const timer = setInterval(poll, pollMs);
    poll();
  });
}
