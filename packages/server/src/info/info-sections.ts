/**
 * The sections of INFO with Redis 7.0's field names and order (server.c genRedisInfoString).
 * Fields that describe C internals replikit does not have (jemalloc, fork CoW, AOF, defrag, io
 * threads) keep their names with neutral values so parsers that expect them keep working.
 */
import { arch, release, totalmem, type as osType } from 'node:os';
import type { Keyspace } from '@replikit/keyspace';
import type { ServerConfig } from '../config/server-config';
import { REDIS_VERSION } from '../defaults';
import type { ServerRuntime } from '../dispatch/server-runtime';
import type { RdbPersistence } from '../persistence/rdb-persistence';
import type { InstantaneousMetrics } from './info-metrics';
import type { InfoField, ReplicationInfoProvider } from './replication-info';
import type { AofPersistence } from '../persistence/aof/aof-persistence';
import { aofInfoHead, aofInfoTail } from '../persistence/aof/aof-info';
import { supervisionMode } from '../process/daemonize';
import { introspectionOf } from '../introspection/introspection';
import { maxmemoryOf } from '../eviction/maxmemory';

/** Everything the INFO builders read. */
export interface InfoSources {
  readonly runtime: ServerRuntime;
  readonly config: ServerConfig;
  readonly keyspace: Keyspace;
  readonly persistence: RdbPersistence;
  readonly metrics: InstantaneousMetrics;
  readonly replicationInfo: ReplicationInfoProvider;
  /** `replikit_version` */
  readonly replikitVersion: string;
  /** `executable` */
  readonly executable: string;
  /** the AOF (INFO persistence `aof_*` fields) */
  readonly aof?: AofPersistence;
  /** unix ms when SHUTDOWN waits for replicas (INFO `shutdown_in_milliseconds`), else undefined */
  readonly shutdownAt?: number;
}

/** bytesToHuman */
export function bytesToHuman(n: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (n < 1024) return `${n}B`;
  let d = n / 1024;
  for (const u of units) {
    if (d < 1024 || u === 'P') return `${d.toFixed(2)}${u}`;
    d /= 1024;
  }
  return `${n}B`;
}

/** `%ld.%06ld` of a microsecond count */
function seconds6(us: number): string {
  const s = Math.floor(us / 1e6);
  return `${s}.${String(Math.floor(us % 1e6)).padStart(6, '0')}`;
}

export function serverSection(s: InfoSources): InfoField[] {
  const rt = s.runtime;
  const now = Date.now();
  const uptime = Math.floor((now - rt.startedAt) / 1000);
  const hz = s.config.getNumber('hz');
  const f: InfoField[] = [
    ['redis_version', REDIS_VERSION],
    ['replikit_version', s.replikitVersion],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', '0'],
    ['redis_mode', 'standalone'],
    ['os', `${osType()} ${release()} ${arch() === 'x64' ? 'x86_64' : arch()}`],
    ['arch_bits', 64],
    ['monotonic_clock', 'POSIX clock_gettime'],
    ['multiplexing_api', 'libuv'],
    ['atomicvar_api', 'none'],
    ['gcc_version', '0.0.0'],
    ['node_version', process.versions.node],
    ['process_id', process.pid],
    ['process_supervised', supervisionMode(s.config.getString('supervised'))],
    ['run_id', rt.runId],
    // TLS only (port 0): Redis shows the TLS port
    ['tcp_port', rt.port || s.config.getNumber('port') || s.config.getNumber('tls-port')],
    ['server_time_usec', now * 1000],
    ['uptime_in_seconds', uptime],
    ['uptime_in_days', Math.floor(uptime / 86400)],
    ['hz', Math.min(500, Math.max(1, hz))],
    ['configured_hz', hz],
    ['lru_clock', Math.floor(now / 1000) & 0xffffff],
    ['executable', s.executable],
    ['config_file', s.config.configFile ?? ''],
    ['io_threads_active', 0],
  ];
  if (s.shutdownAt !== undefined) f.push(['shutdown_in_milliseconds', Math.max(0, s.shutdownAt - now)]);
  return f;
}

export function clientsSection(s: InfoSources): InfoField[] {
  const clients = s.runtime.clients;
  let maxIn = 0;
  let maxOut = 0;
  for (const c of clients.all()) {
    if (c.queryBufferBytes > maxIn) maxIn = c.queryBufferBytes;
    if (c.outputBytes > maxOut) maxOut = c.outputBytes;
  }
  return [
    // the master client of a replica counts, as in Redis (it is in server.clients there)
    ['connected_clients', clients.size - clients.count('replica') + (s.runtime.replication.masterClient !== undefined ? 1 : 0)],
    ['cluster_connections', 0],
    ['maxclients', s.runtime.options.maxclients],
    ['client_recent_max_input_buffer', maxIn],
    ['client_recent_max_output_buffer', maxOut],
    ['blocked_clients', clients.blockedCount()],
    ['tracking_clients', introspectionOf(s.runtime).tracking.infoCounts().clients],
    ['clients_in_timeout_table', 0],
  ];
}

export function memorySection(s: InfoSources): InfoField[] {
  const m = process.memoryUsage();
  // while maxmemory is set, used_memory is the figure eviction compares with (baseline + dataset estimate)
  const mm = maxmemoryOf(s.runtime);
  const heapUsed = s.metrics.notePeak();
  const used = mm?.accountingEnabled === true ? mm.used() : heapUsed;
  if (used > s.metrics.memoryPeak) s.metrics.memoryPeak = used;
  const peak = s.metrics.memoryPeak;
  const startup = s.metrics.memoryStartup;
  const total = totalmem();
  const maxmemory = s.config.getNumber('maxmemory');
  const dataset = Math.max(0, used - startup);
  return [
    ['used_memory', used],
    ['used_memory_human', bytesToHuman(used)],
    ['used_memory_rss', m.rss],
    ['used_memory_rss_human', bytesToHuman(m.rss)],
    ['used_memory_peak', peak],
    ['used_memory_peak_human', bytesToHuman(peak)],
    ['used_memory_peak_perc', `${((used / peak) * 100).toFixed(2)}%`],
    ['used_memory_overhead', startup],
    ['used_memory_startup', startup],
    ['used_memory_dataset', dataset],
    ['used_memory_dataset_perc', `${used > 0 ? ((dataset / used) * 100).toFixed(2) : '0.00'}%`],
    ['used_memory_heap_total', m.heapTotal],
    ['used_memory_external', m.external],
    ['total_system_memory', total],
    ['total_system_memory_human', bytesToHuman(total)],
    ['maxmemory', maxmemory],
    ['maxmemory_human', bytesToHuman(maxmemory)],
    ['maxmemory_policy', s.config.getString('maxmemory-policy')],
    ['mem_fragmentation_ratio', (m.rss / Math.max(1, used)).toFixed(2)],
    ['mem_fragmentation_bytes', m.rss - used],
    // the eviction figure never includes replica buffers or the backlog: nothing to subtract
    ['mem_not_counted_for_evict', 0],
    ['mem_replication_backlog', 0],
    ['mem_clients_slaves', 0],
    ['mem_clients_normal', 0],
    ['mem_aof_buffer', 0],
    ['mem_allocator', `v8-${process.versions.v8}`],
    ['active_defrag_running', 0],
    ['lazyfree_pending_objects', 0],
    ['lazyfreed_objects', 0],
  ];
}

export function persistenceSection(s: InfoSources): InfoField[] {
  const p = s.persistence;
  const total = p.progress.keysTotal;
  return [
    ['loading', p.loading || s.runtime.replication.loading ? 1 : 0],
    ['async_loading', 0],
    ['current_cow_peak', 0],
    ['current_cow_size', 0],
    ['current_cow_size_age', 0],
    ['current_fork_perc', (total > 0 ? (p.progress.keysProcessed / total) * 100 : 0).toFixed(2)],
    ['current_save_keys_processed', p.progress.keysProcessed],
    ['current_save_keys_total', total],
    ['rdb_changes_since_last_save', p.dirty],
    ['rdb_bgsave_in_progress', p.bgsaveInProgress ? 1 : 0],
    ['rdb_last_save_time', p.lastSave],
    ['rdb_last_bgsave_status', p.lastBgsaveStatus],
    ['rdb_last_bgsave_time_sec', p.lastBgsaveTimeSec],
    ['rdb_current_bgsave_time_sec', p.currentBgsaveTimeSec],
    ['rdb_saves', p.saves],
    ['rdb_last_cow_size', 0],
    ['rdb_last_load_keys_expired', p.lastLoad.keysExpired],
    ['rdb_last_load_keys_loaded', p.lastLoad.keysLoaded],
    ...aofInfoHead(s.aof),
    ['module_fork_in_progress', 0],
    ['module_fork_last_cow_size', 0],
    ...aofInfoTail(s.aof),
  ];
}

export function statsSection(s: InfoSources): InfoField[] {
  const st = s.runtime.stats;
  const m = s.metrics;
  const ks = s.keyspace.stats;
  const pubsub = s.runtime.pubsub;
  const tracking = introspectionOf(s.runtime).tracking.infoCounts();
  return [
    ['total_connections_received', st.totalConnectionsReceived],
    ['total_commands_processed', st.totalCommandsProcessed],
    ['instantaneous_ops_per_sec', m.opsPerSec],
    ['total_net_input_bytes', st.netInputBytes],
    ['total_net_output_bytes', st.netOutputBytes],
    ['total_net_repl_input_bytes', st.netReplInputBytes],
    ['total_net_repl_output_bytes', st.netReplOutputBytes],
    ['instantaneous_input_kbps', m.inputKbps.toFixed(2)],
    ['instantaneous_output_kbps', m.outputKbps.toFixed(2)],
    ['instantaneous_input_repl_kbps', m.replInputKbps.toFixed(2)],
    ['instantaneous_output_repl_kbps', m.replOutputKbps.toFixed(2)],
    ['rejected_connections', st.rejectedConnections],
    ['sync_full', st.sync.syncFull],
    ['sync_partial_ok', st.sync.syncPartialOk],
    ['sync_partial_err', st.sync.syncPartialErr],
    ['expired_keys', ks.expiredKeys],
    ['expired_stale_perc', '0.00'],
    ['expired_time_cap_reached_count', 0],
    ['expire_cycle_cpu_milliseconds', 0],
    ...(maxmemoryOf(s.runtime)?.statsFields().slice(0, 1) ?? [['evicted_keys', 0] as const]),
    ['evicted_clients', 0],
    ...(maxmemoryOf(s.runtime)?.statsFields().slice(1) ?? [['total_eviction_exceeded_time', 0] as const, ['current_eviction_exceeded_time', 0] as const]),
    ['keyspace_hits', ks.keyspaceHits],
    ['keyspace_misses', ks.keyspaceMisses],
    ['pubsub_channels', pubsub.channelCount],
    ['pubsub_patterns', pubsub.numpat()],
    ['pubsubshard_channels', pubsub.shardChannelNames().length],
    ['latest_fork_usec', 0],
    ['total_forks', 0],
    ['migrate_cached_sockets', 0],
    ['slave_expires_tracked_keys', 0],
    ['active_defrag_hits', 0],
    ['active_defrag_misses', 0],
    ['active_defrag_key_hits', 0],
    ['active_defrag_key_misses', 0],
    ['total_active_defrag_time', 0],
    ['current_active_defrag_time', 0],
    ['tracking_total_keys', tracking.keys],
    ['tracking_total_items', tracking.items],
    ['tracking_total_prefixes', tracking.prefixes],
    ['unexpected_error_replies', 0],
    ['total_error_replies', st.totalErrorReplies],
    ['dump_payload_sanitizations', 0],
    ['total_reads_processed', 0],
    ['total_writes_processed', 0],
    ['io_threaded_reads_processed', 0],
    ['io_threaded_writes_processed', 0],
    ['client_query_buffer_limit_disconnections', st.clientQueryBufferLimitDisconnections],
    ['client_output_buffer_limit_disconnections', st.clientOutputBufferLimitDisconnections],
    ['reply_buffer_shrinks', 0],
    ['reply_buffer_expands', 0],
  ];
}

export function cpuSection(): InfoField[] {
  const u = process.resourceUsage();
  return [
    ['used_cpu_sys', seconds6(u.systemCPUTime)],
    ['used_cpu_user', seconds6(u.userCPUTime)],
    ['used_cpu_sys_children', '0.000000'],
    ['used_cpu_user_children', '0.000000'],
    ['used_cpu_sys_main_thread', seconds6(u.systemCPUTime)],
    ['used_cpu_user_main_thread', seconds6(u.userCPUTime)],
  ];
}

export function commandstatsSection(s: InfoSources): InfoField[] {
  const out: InfoField[] = [];
  for (const [name, c] of s.runtime.stats.commands) {
    if (c.calls === 0 && c.failedCalls === 0 && c.rejectedCalls === 0) continue;
    const per = c.calls === 0 ? 0 : c.usec / c.calls;
    out.push([`cmdstat_${name}`, `calls=${c.calls},usec=${c.usec},usec_per_call=${per.toFixed(2)},rejected_calls=${c.rejectedCalls},failed_calls=${c.failedCalls}`]);
  }
  return out;
}

export function errorstatsSection(s: InfoSources): InfoField[] {
  return [...s.runtime.stats.errors.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([prefix, n]) => [`errorstat_${prefix}`, `count=${n}`] as const);
}

/** Average remaining TTL (ms) of a sample of keys with a TTL (Redis estimates it by sampling too). */
function avgTtl(ks: Keyspace, db: number, now: number): number {
  const d = ks.database(db);
  if (d.expiresSize() === 0) return 0;
  const it = d.keys();
  let scanned = 0;
  let n = 0;
  let sum = 0;
  for (let r = it.next(); !r.done && scanned < 2000 && n < 100; r = it.next()) {
    scanned++;
    const at = d.getExpire(r.value);
    if (at >= 0) {
      n++;
      sum += Math.max(0, at - now);
    }
  }
  return n === 0 ? 0 : Math.floor(sum / n);
}

export function keyspaceSection(s: InfoSources): InfoField[] {
  const out: InfoField[] = [];
  const now = Date.now();
  s.keyspace.info().forEach((d, i) => {
    if (d.keys || d.expires) out.push([`db${i}`, `keys=${d.keys},expires=${d.expires},avg_ttl=${avgTtl(s.keyspace, i, now)}`]);
  });
  return out;
}
