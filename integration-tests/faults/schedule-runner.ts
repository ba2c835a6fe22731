/**
 * Runs one fault schedule on two in-process nodes (a master and its replica, over the master's
 * fault proxy) and checks the outcome: every WAIT-acknowledged state is on a promoted replica, and
 * once the faults are healed the replica is the master's dataset key for key, TTLs included.
 * A failure throws an error that carries the seed, the schedule and both nodes' log lines.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectSameDataset, viewOfKeyspace } from '@replikit/test-utils';
import { InProcessNode, type NodeConfig } from './in-process-kit';
import { describeSchedule, type Schedule, type Step, Workload } from './schedule';

export interface ScheduleOutcome {
  readonly seed: number;
  readonly fullSyncs: number;
  readonly partialSyncs: number;
  /** promotions whose WAIT 1 was acknowledged and checked */
  readonly failovers: number;
  readonly keys: number;
}

/** How long a healed link may take to converge before the schedule counts as failed. */
const CONVERGE_MS = 20_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const turn = () => new Promise<void>((r) => setImmediate(r));

async function until(cond: () => boolean, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(2);
  }
}

/**
 * WAIT 1 as a client would retry it: short WAITs, each asking for a fresh GETACK, for up to 5 s
 * (a replica that got the first GETACK inside its snapshot would otherwise answer at its next
 * periodic ACK, a second later). Resolves with the last answer.
 */
async function waitOne(master: InProcessNode): Promise<number> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const n = await master.node.wait(1, 50);
    if (n >= 1 || Date.now() > deadline) return n;
  }
}

class Run {
  master!: InProcessNode;
  replica!: InProcessNode;
  readonly work: Workload;
  failovers = 0;
  /** the master's last SAVE */
  rdb: Buffer | undefined;
  constructor(readonly schedule: Schedule) {
    this.work = new Workload(schedule.seed);
  }

  writes(n: number): void {
    for (let i = 0; i < n; i++) this.master.write(this.work.next());
  }

  /** `n` writes spread over `ms`, while a fault is in force. */
  async writesDuring(ms: number): Promise<void> {
    const n = Math.max(1, Math.ceil(ms / 10));
    for (let i = 0; i < n; i++) {
      this.writes(1);
      await sleep(ms / n);
    }
  }

  async step(st: Step): Promise<void> {
    const proxy = this.master.proxy;
    switch (st.kind) {
      case 'writes':
        for (let i = 0; i < st.count; i++) {
          this.writes(1);
          if (i % 8 === 7) await turn();
        }
        return;
      case 'multi':
        this.master.transaction(this.work.block(st.size));
        return;
      case 'expire-cycle':
        this.master.keyspace.activeExpireCycle();
        return;
      case 'sleep':
        await sleep(st.ms);
        return;
      case 'settle':
        await until(() => this.replica.caughtUpWith(this.master), 'the replica to come online (no fault in force)', CONVERGE_MS);
        return;
      case 'cut':
        proxy.cut();
        return;
      case 'stall':
        proxy.stall(st.direction);
        await this.writesDuring(st.ms);
        proxy.resume();
        return;
      case 'delay':
        proxy.delay(st.delayMs, st.direction);
        await this.writesDuring(st.ms);
        proxy.resume();
        return;
      case 'throttle':
        proxy.throttle(st.bytesPerSec, st.direction);
        await this.writesDuring(st.ms);
        proxy.resume();
        return;
      case 'blackhole':
        proxy.blackhole(st.direction);
        await this.writesDuring(st.ms);
        proxy.resume();
        return;
      case 'outage': {
        // cut, and in the same turn more stream than a small backlog holds: the replica cannot
        // reconnect before it is all written
        proxy.cut();
        for (let i = 0; i * 1000 < st.bytes; i++) this.master.write(['SET', `outage:${i % 64}`, `${i}`.padEnd(1000, '.')]);
        return;
      }
      case 'kill-replica':
        await sleep(st.afterMs);
        await this.replica.restartReplica(this.master, st.keepData);
        return;
      case 'wait':
        await waitOne(this.master);
        return;
      case 'save':
        this.rdb = this.master.saveRdb();
        return;
      case 'restart-master':
        if (st.saveNow) this.rdb = this.master.saveRdb();
        this.master.restartMaster(this.rdb);
        return;
      case 'failover':
        await this.failover(st.lostWrites);
        return;
    }
  }

  /**
   * WAIT 1 after a quiet point; when acknowledged, the master is cut off from its replica (the
   * syncer stops), takes writes nobody acknowledges, the replica is promoted and must hold exactly
   * the acknowledged dataset; then the old master follows the new one.
   */
  async failover(lostWrites: number): Promise<void> {
    const { master, replica } = this;
    // A WAIT acknowledges an offset. At offset 0 (nothing written since the backlog was created)
    // Redis 7.0 and replikit count a diskless replica that has its snapshot but has not loaded it
    // yet, so the acknowledged state is taken after a write the replica must have applied.
    const deadline = Date.now() + 5000;
    while (master.node.masterReplOffset === 0 && Date.now() < deadline) {
      master.write(['INCR', 'failover:marker']);
      if (master.node.masterReplOffset === 0) await sleep(5);
    }
    master.write(['INCR', 'failover:marker']);
    const acknowledged = viewOfKeyspace(master.keyspace);
    if ((await waitOne(master)) < 1) return;
    await replica.replica?.close();
    this.writes(lostWrites);
    await replica.promote();
    expectSameDataset(acknowledged, viewOfKeyspace(replica.keyspace), 'the promoted replica (WAIT 1 acknowledged state)');
    master.replicaOf(replica);
    this.master = replica;
    this.replica = master;
    this.failovers++;
  }
}

/** Runs `schedule`; resolves with what happened, rejects with the seed and logs on any divergence. */
export async function runSchedule(schedule: Schedule): Promise<ScheduleOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'replikit-faults-'));
  const config: NodeConfig = { backlogSize: schedule.backlogSize, disklessSync: schedule.disklessSync, disklessLoad: schedule.disklessLoad, dir };
  const run = new Run(schedule);
  const nodes: InProcessNode[] = [];
  try {
    nodes.push(await InProcessNode.start('A', config));
    nodes.push(await InProcessNode.start('B', config));
    [run.master, run.replica] = nodes;
    run.writes(schedule.initialWrites);
    run.replica.replicaOf(run.master);
    for (const st of schedule.steps) await run.step(st);
    for (const n of nodes) n.proxy.resume();
    await until(() => run.replica.caughtUpWith(run.master), 'the replica to catch up once the link is healed', CONVERGE_MS);
    // read both in one turn: nothing runs in between
    const m = viewOfKeyspace(run.master.keyspace);
    expectSameDataset(m, viewOfKeyspace(run.replica.keyspace));
    const syncs = run.replica.syncs.concat(run.master.syncs);
    return {
      seed: schedule.seed,
      fullSyncs: syncs.filter((s) => s === 'full').length,
      partialSyncs: syncs.filter((s) => s === 'partial').length,
      failovers: run.failovers,
      keys: m.size,
    };
  } catch (err) {
    const logs = nodes.flatMap((n) => n.log).slice(-40);
    const e = new Error(`fault schedule failed: ${(err as Error).message}\n${describeSchedule(schedule)}\nlast log lines:\n${logs.join('\n')}\nreplay: REPLIKIT_TEST_SEED=${schedule.seed} REPLIKIT_FAULT_COUNT=1 pnpm exec jest integration-tests/faults/random-schedules.test.ts`);
    e.stack = e.message;
    throw e;
  } finally {
    for (const n of nodes) await n.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
