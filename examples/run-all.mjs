#!/usr/bin/env node
// Runs every example in this folder (each must exit 0 within 60 s). CI runs this after `pnpm build`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const examples = readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
let failed = 0;
for (const f of examples) {
  const t = Date.now();
  const r = spawnSync('pnpm', ['exec', 'tsx', f], { cwd: here, encoding: 'utf8', timeout: 60_000 });
  const ok = r.status === 0;
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} examples/${f} (${Date.now() - t} ms)`);
  if (!ok) console.log(r.stdout, r.stderr);
}
process.exit(failed ? 1 : 0);
