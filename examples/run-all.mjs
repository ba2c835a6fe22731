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
  // node --import tsx (not `pnpm exec tsx`): no wrapper process, so the timeout's SIGTERM reaches
  // the example itself, which stops the servers it started
  const r = spawnSync(process.execPath, ['--import', 'tsx', f], { cwd: here, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGTERM' });
  const ok = r.status === 0;
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} examples/${f} (${Date.now() - t} ms)`);
  if (!ok) console.log(`${r.error ? `${r.error.message}\n` : ''}${r.stdout}${r.stderr}`);
}
process.exit(failed ? 1 : 0);
