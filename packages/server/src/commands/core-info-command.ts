/**
 * INFO for a plain `createServer(...)` (no operator surface): the fields clients read at connect
 * time (ioredis's ready check reads `loading` and, on replicas, `master_link_status`) and the core
 * counters, with Redis's section and field names. `createServerFromConfig` replaces it with the
 * full INFO (info-command.ts).
 */
import { VerbatimReply } from '@replikit/resp';
import { type ServerCommandSpec, spec } from '../dispatch/command-spec';
import type { ServerRuntime } from '../dispatch/server-runtime';

type Section = (rt: ServerRuntime) => Array<[string, string | number]>;

const SECTIONS: ReadonlyArray<[string, string, Section]> = [
  [
    'server',
    'Server',
    (rt) => [
      ['redis_version', '7.0.15'],
      ['redis_mode', 'standalone'],
      ['process_id', process.pid],
      ['run_id', rt.runId],
      ['tcp_port', rt.port],
      ['uptime_in_seconds', Math.floor((Date.now() - rt.startedAt) / 1000)],
    ],
  ],
  ['clients', 'Clients', (rt) => [['connected_clients', rt.clients.size], ['blocked_clients', rt.blocking.size]]],
  ['persistence', 'Persistence', (rt) => [['loading', rt.replication.loading ? 1 : 0]]],
  [
    'stats',
    'Stats',
    (rt) => {
      const ks = rt.keyspace.stats;
      return [
        ['total_connections_received', rt.stats.totalConnectionsReceived],
        ['total_commands_processed', rt.stats.totalCommandsProcessed],
        ['rejected_connections', rt.stats.rejectedConnections],
        ['expired_keys', ks.expiredKeys],
        ['keyspace_hits', ks.keyspaceHits],
        ['keyspace_misses', ks.keyspaceMisses],
        ['total_error_replies', rt.stats.totalErrorReplies],
      ];
    },
  ],
  [
    'replication',
    'Replication',
    (rt) => {
      const r = rt.replication;
      if (r.role === 'replica' && r.master !== undefined) {
        return [
          ['role', 'slave'],
          ['master_host', r.master.host],
          ['master_port', r.master.port],
          ['master_link_status', r.masterLinkUp ? 'up' : 'down'],
        ];
      }
      return [
        ['role', 'master'],
        ['connected_slaves', r.onlineReplicas().length],
        ['master_repl_offset', r.replicationOffset],
      ];
    },
  ],
  [
    'keyspace',
    'Keyspace',
    (rt) => {
      const out: Array<[string, string]> = [];
      for (let i = 0; i < rt.keyspace.databases; i++) {
        const keys = rt.keyspace.dbSize(i);
        if (keys > 0) out.push([`db${i}`, `keys=${keys},expires=${rt.keyspace.expiresSize(i)},avg_ttl=0`]);
      }
      return out;
    },
  ],
];

function build(rt: ServerRuntime, args: readonly string[]): string {
  const wanted = new Set(args.map((a) => a.toLowerCase()));
  const all = wanted.size === 0 || wanted.has('default') || wanted.has('all') || wanted.has('everything');
  const parts: string[] = [];
  for (const [name, title, fields] of SECTIONS) {
    if (!all && !wanted.has(name)) continue;
    let text = `# ${title}\r\n`;
    for (const [k, v] of fields(rt)) text += `${k}:${v}\r\n`;
    parts.push(text);
  }
  return parts.join('\r\n');
}

/** INFO [section ...]: a verbatim string (`txt`) in RESP3, a bulk string in RESP2. */
export const coreInfoCommand: ServerCommandSpec = spec('info', -1, ['loading', 'stale'], ['@slow', '@dangerous'], (ctx, argv) => {
  const text = build(ctx.runtime, argv.slice(1) as string[]);
  return ctx.client.protocol === 3 ? new VerbatimReply('txt', text) : text;
});
