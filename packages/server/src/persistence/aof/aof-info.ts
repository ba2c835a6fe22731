/** The `aof_*` fields of INFO persistence, in Redis 7.0's order. */
import type { AofPersistence } from './aof-persistence';

type Field = [string, string | number];

/** aof_enabled .. aof_last_cow_size (always shown); the defaults when there is no AOF at all. */
export function aofInfoHead(aof: AofPersistence | undefined): Field[] {
  const r = aof?.rewriter;
  return [
    ['aof_enabled', aof?.enabled ? 1 : 0],
    ['aof_rewrite_in_progress', r?.inProgress ? 1 : 0],
    ['aof_rewrite_scheduled', r?.scheduled ? 1 : 0],
    ['aof_last_rewrite_time_sec', r?.lastTimeSec ?? -1],
    ['aof_current_rewrite_time_sec', r?.currentTimeSec ?? -1],
    ['aof_last_bgrewrite_status', r?.lastStatus ?? 'ok'],
    ['aof_rewrites', r?.rewrites ?? 0],
    ['aof_rewrites_consecutive_failures', r?.consecutiveFailures ?? 0],
    ['aof_last_write_status', aof?.lastWriteStatus ?? 'ok'],
    ['aof_last_cow_size', 0],
  ];
}

/** aof_current_size .. aof_delayed_fsync: after module_fork_last_cow_size, only while the AOF is on. */
export function aofInfoTail(aof: AofPersistence | undefined): Field[] {
  return aof?.enabled ? aof.infoTail() : [];
}
