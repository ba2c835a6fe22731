/**
 * maxmemory for a configured server: keeps the memory accounting, the evictor and the keyspace's
 * LRU/LFU tracking in step with `maxmemory`, `maxmemory-policy`, `maxmemory-samples`,
 * `maxmemory-eviction-tenacity`, `lfu-log-factor`, `lfu-decay-time`, `lazyfree-lazy-eviction`
 * and `replica-ignore-maxmemory`, and installs processCommand's maxmemory step:
 *
 * - before every command (while `maxmemory` is set) keys are evicted until used memory is under
 *   the limit, unless this is a replica ignoring maxmemory, or a dataset is loading;
 * - if memory is still over the limit, denyoom commands (EXEC of queued ones, and every command
 *   but EXEC/DISCARD/QUIT/RESET inside MULTI) get `-OOM command not allowed when used memory >
 *   'maxmemory'.`; commands from our master are never refused;
 * - CONFIG SET maxmemory evicts at once.
 */
import type { Keyspace } from '@replikit/keyspace';
import type { ErrorReply } from '@replikit/resp';
import { OOM } from './oom-reply';
import type { InfoField } from '../info/replication-info';
import type { ServerConfig } from '../config/server-config';
import type { ServerClient } from '../connection/server-client';
import type { TableEntry } from '../dispatch/command-table';
import type { ServerRuntime } from '../dispatch/server-runtime';
import type { Logger } from '../logger';
import type { ReplikitServer } from '../server';
import { type EvictResult, Evictor, type MaxmemoryPolicy, accessPolicyOf } from './evictor';
import { MemoryAccounting } from './memory-accounting';

const MULTI_ALLOWED = new Set(['exec', 'discard', 'quit', 'reset']);
const WATCHED = new Set([
  'maxmemory',
  'maxmemory-policy',
  'maxmemory-samples',
  'maxmemory-eviction-tenacity',
  'lfu-log-factor',
  'lfu-decay-time',
  'lazyfree-lazy-eviction',
  'replica-ignore-maxmemory',
]);

const controllers = new WeakMap<object, MaxmemoryController>();

/** The maxmemory controller of a server runtime, if one was bound. */
export function maxmemoryOf(rt: ServerRuntime | object): MaxmemoryController | undefined {
  return controllers.get(rt);
}

function isDenyoom(e: TableEntry): boolean {
  return e.spec.flags.includes('denyoom');
}

export interface MaxmemoryDeps {
  server: ReplikitServer;
  keyspace: Keyspace;
  config: ServerConfig;
  logger: Logger;
  /** bytes counted whatever the dataset (the process at startup) */
  baseline: number;
  /** true while a dataset is being loaded (RDB, AOF, full sync) */
  loading: () => boolean;
}

export class MaxmemoryController {
  readonly accounting: MemoryAccounting;
  readonly evictor: Evictor;
  private readonly unbind: () => void;
  /** evictionTimeProc: a pass cut short by the time limit continues from the event loop */
  private continuation: NodeJS.Immediate | undefined;

  constructor(private readonly deps: MaxmemoryDeps) {
    const { keyspace, config } = deps;
    this.accounting = new MemoryAccounting(keyspace, deps.baseline);
    this.evictor = new Evictor(keyspace, this.accounting, {
      maxmemory: 0,
      policy: 'noeviction',
      samples: 5,
      tenacity: 10,
      lazy: false,
    });
    this.apply();
    this.unbind = config.onChange((name) => {
      if (!WATCHED.has(name)) return;
      const before = this.evictor.settings.maxmemory;
      this.apply();
      // CONFIG SET maxmemory: evict at once (config.c's updateMaxmemory)
      if (name === 'maxmemory' && this.evictor.settings.maxmemory > 0) {
        const used = this.accounting.used();
        if (this.evictor.settings.maxmemory < used && this.evictor.settings.maxmemory < before) {
          deps.logger.warning(
            `WARNING: the new maxmemory value set via CONFIG SET (${this.evictor.settings.maxmemory}) is smaller than the current memory usage (${used}). This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.`,
          );
        }
        this.perform();
      }
    });
    controllers.set(deps.server, this);
  }

  private apply(): void {
    const { config, keyspace, server } = this.deps;
    const s = this.evictor.settings;
    const policy = config.getString('maxmemory-policy') as MaxmemoryPolicy;
    if (policy !== s.policy) this.evictor.policyChanged();
    s.maxmemory = config.getNumber('maxmemory');
    s.policy = policy;
    s.samples = config.getNumber('maxmemory-samples');
    s.tenacity = config.getNumber('maxmemory-eviction-tenacity');
    s.lazy = config.getBool('lazyfree-lazy-eviction');
    const access = accessPolicyOf(policy);
    keyspace.eviction.setAccessTracking(
      access === null ? null : { policy: access, lfuLogFactor: config.getNumber('lfu-log-factor'), lfuDecayTime: config.getNumber('lfu-decay-time') },
    );
    if (s.maxmemory > 0) {
      this.accounting.enable();
      server.setOomCheck(this.check);
    } else {
      this.accounting.disable();
      server.setOomCheck(undefined);
    }
  }

  /** isSafeToPerformEvictions */
  private safe(): boolean {
    const rt = this.deps.server;
    if (this.deps.loading()) return false;
    if (rt.replication.role === 'replica' && this.deps.config.getBool('replica-ignore-maxmemory')) return false;
    return true;
  }

  /** performEvictions (a fake `ok` when evicting is not safe now). */
  perform(): EvictResult {
    if (!this.safe()) return 'ok';
    const result = this.evictor.perform();
    if (result === 'running' && this.continuation === undefined) this.continuation = setImmediate(this.continueEviction);
    return result;
  }

  private readonly continueEviction = (): void => {
    this.continuation = undefined;
    if (this.evictor.settings.maxmemory > 0) this.perform();
  };

  private readonly check = (client: ServerClient, e: TableEntry): ErrorReply | undefined => {
    const rt = this.deps.server;
    const out = this.perform() === 'fail';
    rt.preCommandOom = out;
    if (!out || client.kind === 'master') return undefined;
    let reject = isDenyoom(e);
    const multi = client.multi;
    if (!reject && e.fullname === 'exec' && multi !== undefined) reject = multi.queue.some((q) => isDenyoom(q.entry));
    if (multi !== undefined && !MULTI_ALLOWED.has(e.fullname)) reject = true;
    return reject ? OOM : undefined;
  };

  /** Used memory as INFO reports it while maxmemory is set (baseline + dataset estimate). */
  get accountingEnabled(): boolean {
    return this.accounting.enabled;
  }

  used(): number {
    return this.accounting.used();
  }

  /** INFO stats fields evicted_keys, total_eviction_exceeded_time, current_eviction_exceeded_time. */
  statsFields(): InfoField[] {
    return [
      ['evicted_keys', this.evictor.evictedKeys],
      ['total_eviction_exceeded_time', Math.floor(this.evictor.totalExceededMs)],
      ['current_eviction_exceeded_time', this.evictor.currentExceededMs],
    ];
  }

  resetStats(): void {
    this.evictor.resetStats();
  }

  close(): void {
    if (this.continuation !== undefined) clearImmediate(this.continuation);
    this.continuation = undefined;
    this.unbind();
    this.deps.server.setOomCheck(undefined);
    this.deps.keyspace.eviction.setAccessTracking(null);
    this.accounting.close();
    controllers.delete(this.deps.server);
  }
}
