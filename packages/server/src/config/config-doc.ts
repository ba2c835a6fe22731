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
`;
}
