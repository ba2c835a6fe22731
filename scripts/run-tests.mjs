#!/usr/bin/env node
// Runs every jest test once, with --detectOpenHandles, and prints the plain summary line
// `tests: N passed, M failed` (computed from jest's JSON results) as the last line.
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'replikit-jest-'));
const out = join(dir, 'results.json');
const args = ['jest', '--ci', '--detectOpenHandles', '--json', `--outputFile=${out}`, ...process.argv.slice(2)];
const r = spawnSync('pnpm', ['exec', ...args], { stdio: 'inherit' });
let passed = 0;
let failed = 0;
let ok = r.status === 0;
try {
  const res = JSON.parse(readFileSync(out, 'utf8'));
  passed = res.numPassedTests;
  failed = res.numFailedTests;
  // a suite that fails to load counts as a failure even though it has no failed test
  failed += res.testResults.filter((t) => t.status === 'failed' && t.assertionResults.every((a) => a.status !== 'failed')).length;
  if (res.numTotalTests === 0) ok = false;
} catch (e) {
  console.error('could not read jest results:', e.message);
  ok = false;
  failed = Math.max(failed, 1);
}
rmSync(dir, { recursive: true, force: true });
if (failed > 0) ok = false;
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
