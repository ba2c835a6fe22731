#!/usr/bin/env node
// Assembles docs/errors.md from the `## Errors` section of every package README, so each package
// keeps its own list next to its code and the doc cannot drift. Run: node scripts/gen-errors-doc.mjs
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packages = ['resp', 'backlog', 'rdb', 'keyspace', 'server'];

export function renderErrorsDoc() {
  let out = `# Errors

Two kinds of errors, kept apart:

- **Replies** a Redis client sees (\`-ERR ...\`, \`-WRONGTYPE ...\`, \`-READONLY ...\`, \`-NOAUTH ...\`) carry
  Redis 7.0's exact text. They are values (\`ErrorReply\` from \`@replikit/resp\`), never exceptions.
- **Local exceptions** thrown to (or emitted for) the code that uses a package. Each package has one
  \`errors.ts\` with a base class and subclasses that set \`name\`, a stable \`code\`, a message, \`cause\`
  and typed fields. Match on \`code\`: two builds of a package can coexist, so \`instanceof\` can lie.

What follows is each package's own list (from its README; regenerate with
\`node scripts/gen-errors-doc.mjs\`).
`;
  for (const p of packages) {
    const file = join(root, 'packages', p, 'README.md');
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const m = /^## Errors\s*\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(text);
    if (!m) continue;
    out += `\n## @replikit/${p}\n\n${m[1].trim().replace(/^### /gm, '#### ')}\n`;
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(join(root, 'docs', 'errors.md'), renderErrorsDoc());
  console.log('wrote docs/errors.md');
}
