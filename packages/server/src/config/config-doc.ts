/** Renders docs/configuration.md from the directive table, so the doc cannot drift from the code. */
import { DIRECTIVES } from './directives';

export function renderConfigurationDoc(): string {
  const rows = DIRECTIVES.filter((d) => !d.hidden).map((d) => {
    const names = [d.name, ...(d.aliases ?? [])].map((n) => `\`${n}\``).join(' / ');
    const def = d.defaultText === '' ? '""' : `\`${d.defaultText}\``;
    const range =
      d.kind === 'int' || d.kind === 'memory'
        ? `${d.min}..${d.max === Number.MAX_SAFE_INTEGER ? 'max' : d.max}${d.clampMin ? ' (smaller is raised to the minimum)' : ''}`
        : d.kind === 'enum'
          ? d.enumValues!.join(', ')
          : d.kind === 'bool'
            ? 'yes, no'
            : '';
    return `| ${names} | ${d.kind} | ${def} | ${range} | ${d.immutable ? 'no' : 'yes'} | ${d.description} |`;
  });
  return `# Configuration

\`replikit-server\` reads configuration exactly like \`redis-server\`: an optional config file first
(redis.conf syntax: one directive per line, \`#\` comments, "double" and 'single' quotes with
escapes, \`include <file>\`), then \`--directive value ...\` arguments that override it (the last
one wins), or \`-\` to read the config from standard input. Memory values take Redis's units
(\`k\` 1000, \`kb\` 1024, \`m\`, \`mb\`, \`g\`, \`gb\`). An unknown directive or a bad value stops the
server with redis-server's own report (the line, the text, the reason) and a non-zero exit.

\`CONFIG GET <pattern> [pattern ...]\`, \`CONFIG SET <name> <value> [name value ...]\` (all-or-nothing),
\`CONFIG RESETSTAT\` and \`CONFIG REWRITE\` work on the same table. Errors use Redis's text, e.g.
\`ERR CONFIG SET failed (possibly related to argument 'port') - argument couldn't be parsed into an integer\`.

This table is generated from \`packages/server/src/config/directives.ts\` (a test fails when it is stale;
regenerate with \`pnpm exec tsx packages/server/scripts/gen-config-doc.ts\`).

| directive | type | default | values | CONFIG SET | meaning |
|---|---|---|---|---|---|
${rows.join('\n')}
${REPLICATION_SECTION}`;
}

/** Where each replication directive acts, and its option name when the packages are used in code. */
const REPLICATION_SECTION = `
## Replication directives

The server hands these to its \`ReplicationNode\` (\`createMaster\`, both roles) and, while
\`replicaof\` is set, to its upstream \`Replica\` (\`createReplica\`). In code, the same settings
are options with camel-case names; see [replication.md](replication.md).

| directive | used by | option in code |
|---|---|---|
| \`replicaof\` / \`slaveof\` (also \`--replicaof\`, \`REPLICAOF\`, \`SLAVEOF\` at runtime) | server | \`createReplica({ connect: tcpConnector(host, port) })\` |
| \`masterauth\`, \`masteruser\` | replica | \`masterauth\`, \`masteruser\` |
| \`replica-announce-ip\`, \`replica-announce-port\` (else \`port\`) | replica | \`announceIp\`, \`listeningPort\` |
| \`repl-diskless-load\` | replica | \`replDisklessLoad\` |
| \`repl-timeout\` | both | \`replTimeout\` (node, seconds), \`replTimeoutMs\` (replica, ms) |
| \`dir\`, \`dbfilename\` | both | \`dir\`, \`dbfilename\` (disk-based sync file; a replica's disk-loaded snapshot) |
| \`repl-backlog-size\`, \`repl-backlog-ttl\` | node | \`replBacklogSize\`, \`replBacklogTtl\` |
| \`repl-diskless-sync\`, \`repl-diskless-sync-delay\`, \`repl-diskless-sync-max-replicas\` | node | \`replDisklessSync\`, \`replDisklessSyncDelay\`, \`replDisklessSyncMaxReplicas\` |
| \`repl-ping-replica-period\` | node | \`replPingReplicaPeriod\` |
| \`rdbcompression\`, \`rdbchecksum\` | node | \`rdbCompression\`, \`rdbChecksum\` |
| \`client-output-buffer-limit replica ...\` | node | \`clientOutputBufferLimitReplica\` |
| \`min-replicas-max-lag\` | node, server | \`minReplicasMaxLag\` (\`replica:lagging\`); the server also uses it with \`min-replicas-to-write\` |
| \`replication-mode\`, \`replication-mode-replicas\`, \`replication-mode-timeout\`, \`replication-mode-on-timeout\` | server | \`createWriteConcern(node, { mode, replicas, timeoutMs, onTimeout })\` (see [consistency.md](consistency.md)) |
| \`min-replicas-to-write\`, \`replica-read-only\`, \`replica-serve-stale-data\`, \`replica-priority\`, \`replica-announced\` | server | – |
`;
