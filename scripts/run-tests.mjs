#!/usr/bin/env node
// Runs every jest test once, with --detectOpenHandles, and prints the plain summary line
// `tests: N passed, M failed, K skipped` (computed from jest's JSON results) as the last line.
//
// The run fails when a test fails, a suite fails to load, no test ran at all, jest exceeds its time
// limit (a leaked handle keeps jest alive: it is killed instead of hanging CI), or, with
// REPLIKIT_REQUIRE_REDIS=1, when any test was skipped (skipped, pending or todo).
// REPLIKIT_TEST_TIMEOUT_S sets the time limit in seconds (default 1200: the whole suite takes about 10 minutes in band on 2 cores).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const limitS = Number(process.env.REPLIKIT_TEST_TIMEOUT_S ?? 1200);
if (!Number.isFinite(limitS) || limitS <= 0) {
  console.error(`REPLIKIT_TEST_TIMEOUT_S must be a positive number of seconds, got ${process.env.REPLIKIT_TEST_TIMEOUT_S}`);
  process.exit(2);
}
const requireRedis = process.env.REPLIKIT_REQUIRE_REDIS === '1';

const dir = mkdtempSync(join(tmpdir(), 'replikit-jest-'));
const out = join(dir, 'results.json');
const args = ['exec', 'jest', '--ci', '--detectOpenHandles', '--json', `--outputFile=${out}`, ...process.argv.slice(2)];
// jest runs in its own process group so the time limit can end it with every worker it started
const child = spawn('pnpm', args, { stdio: 'inherit', detached: true });
let timedOut = false;
const killGroup = (signal) => {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
};
const timer = setTimeout(() => {
  timedOut = true;
  console.error(`\njest did not finish within ${limitS}s (a leaked handle or a hung test): stopping it`);
  killGroup('SIGTERM');
  setTimeout(() => killGroup('SIGKILL'), 10000).unref();
}, limitS * 1000);
const forward = (signal) => () => killGroup(signal);
process.once('SIGINT', forward('SIGINT'));
process.once('SIGTERM', forward('SIGTERM'));
const status = await new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ? 1 : code)));
clearTimeout(timer);

let passed = 0;
let failed = 0;
let skipped = 0;
const reasons = [];
if (status !== 0) reasons.push(`jest exited with status ${status}`);
if (timedOut) reasons.push(`time limit of ${limitS}s exceeded`);
try {
  const res = JSON.parse(readFileSync(out, 'utf8'));
  passed = res.numPassedTests;
  failed = res.numFailedTests;
  skipped = res.numPendingTests + res.numTodoTests;
  // a suite that fails to load counts as a failure even though it has no failed test
  failed += res.testResults.filter((t) => t.status === 'failed' && t.assertionResults.every((a) => a.status !== 'failed')).length;
  if (res.numTotalTests === 0) reasons.push('no test ran');
  if (requireRedis && skipped > 0) {
    reasons.push(`REPLIKIT_REQUIRE_REDIS=1 but ${skipped} test(s) were skipped:`);
    for (const file of res.testResults) {
      for (const a of file.assertionResults) {
        if (a.status === 'pending' || a.status === 'skipped' || a.status === 'todo') reasons.push(`  ${file.name}: ${a.fullName}`);
      }
    }
  }
} catch (e) {
  reasons.push(`could not read jest results: ${e.message}`);
  failed = Math.max(failed, 1);
}
rmSync(dir, { recursive: true, force: true });
if (failed > 0) reasons.push(`${failed} failed`);
if (reasons.length > 0) console.error(`\ntest run failed:\n${reasons.map((r) => `- ${r}`).join('\n')}`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(reasons.length === 0 ? 0 : 1);
