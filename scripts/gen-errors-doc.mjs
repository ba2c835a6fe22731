#!/usr/bin/env node
// Assembles docs/errors.md from the `## Errors` section of every package README (or, for a package
// whose README has none, from the leading doc comment of its src/errors.ts), so each package keeps
// its own list next to its code and the doc cannot drift. Run: node scripts/gen-errors-doc.mjs
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packages = ['resp', 'backlog', 'rdb', 'keyspace', 'keyspace-rdb', 'storage-lmdb', 'master', 'replica', 'server'];

/** The `## Errors` section of a README, or undefined. */
function readmeErrors(p) {
  const file = join(root, 'packages', p, 'README.md');
  if (!existsSync(file)) return undefined;
  const m = /^## Errors\s*\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(readFileSync(file, 'utf8'));
  return m ? m[1].trim().replace(/^### /gm, '#### ') : undefined;
}

/** The first doc comment of src/errors.ts as markdown (`{@link X}` shown as `X`), or undefined. */
function errorsTsDoc(p) {
  const file = join(root, 'packages', p, 'src', 'errors.ts');
  if (!existsSync(file)) return undefined;
  const m = /\/\*\*([\s\S]*?)\*\//.exec(readFileSync(file, 'utf8'));
  if (!m) return undefined;
  const text = m[1]
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, ''))
    .join('\n')
    .replace(/\{@link ([^}]+)\}/g, '`$1`')
    .trim();
  return text === '' ? undefined : text;
}

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
    const section = readmeErrors(p) ?? errorsTsDoc(p);
    if (section === undefined) continue;
    out += `\n## @replikit/${p}\n\n${section}\n`;
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(join(root, 'docs', 'errors.md'), renderErrorsDoc());
  console.log('wrote docs/errors.md');
}
