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
  // the replicas are asked from the start, while the master's final offset is on its way: answers
  // are kept with their arrival time until it is known
  const answers: Array<Array<[at: number, offset: number]>> = replicas.map(() => []);
  const caughtAt: Array<number | undefined> = replicas.map(() => undefined);
  let target: number | undefined;
  return new Promise<CatchUp>((resolve, reject) => {
    let inFlight = 0;
    let done = false;
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      clearInterval(timer);
      if (err) reject(err);
      else {
        const t = target as number;
        const behind = answers.map((a) => Math.max(0, t - (a[0]?.[1] ?? t)));
        resolve({ ms: Math.max(...(caughtAt as number[])) - endedAt, behindBytes: Math.max(...behind) });
      }
    };
    const settle = (): void => {
      if (target === undefined) return;
      for (let i = 0; i < replicas.length; i++) caughtAt[i] ??= answers[i]?.find(([, offset]) => offset >= (target as number))?.[0];
      if (caughtAt.every((x) => x !== undefined)) finish();
    };
    info(master, 'replication').then(
      (m) => {
        target = Number(m.get('master_repl_offset'));
        settle();
      },
      (err: Error) => finish(err),
    );
    const poll = (): void => {
      if (done) return;
      if (performance.now() - endedAt > timeoutMs) {
        finish(new Error(`replicas did not reach offset ${target} in ${timeoutMs} ms`));
        return;
      }
      replicas.forEach((r, i) => {
        // at most two questions outstanding per replica: a replica busy catching up is not also
        // flooded with INFO
        if (caughtAt[i] !== undefined || inFlight >= replicas.length * 2) return;
        inFlight++;
        info(r, 'replication').then(
          (m) => {
            inFlight--;
            answers[i]?.push([performance.now(), Number(m.get('slave_repl_offset'))]);
            settle();
          },
          (err: Error) => finish(err),
        );
      });
    };
    const timer = setInterval(poll, pollMs);
    poll();
  });
}
