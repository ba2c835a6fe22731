#!/usr/bin/env node
// Runs every jest test once, with --detectOpenHandles, and prints the plain summary line
// `tests: N passed, M failed, K skipped` (computed from jest's JSON results) as the last line.
//
// --detectOpenHandles makes jest run its files in band (one process). To use every core, the test
// files are split into REPLIKIT_TEST_SHARDS jest processes (`--shard=i/N`, default: the number of
// cores, at most 4) that run side by side, each in band with open-handle detection; their output
// lines are prefixed with `[i/N]` and their JSON results are added up.
//
// The run fails when a test fails, a suite fails to load, no test ran at all, jest exceeds its time
// limit (a leaked handle keeps jest alive: it is killed instead of hanging CI), or, with
// REPLIKIT_REQUIRE_REDIS=1, when any test was skipped (skipped, pending or todo).
// REPLIKIT_TEST_TIMEOUT_S sets the time limit in seconds (default 1200: the whole suite takes about
// 10 minutes in band on 2 cores, about 6 in two shards).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const limitS = Number(process.env.REPLIKIT_TEST_TIMEOUT_S ?? 1200);
if (!Number.isFinite(limitS) || limitS <= 0) {
  console.error(`REPLIKIT_TEST_TIMEOUT_S must be a positive number of seconds, got ${process.env.REPLIKIT_TEST_TIMEOUT_S}`);
  process.exit(2);
}
const requireRedis = process.env.REPLIKIT_REQUIRE_REDIS === '1';
const shards = Number(process.env.REPLIKIT_TEST_SHARDS ?? Math.min(4, Math.max(1, availableParallelism())));
if (!Number.isInteger(shards) || shards < 1) {
  console.error(`REPLIKIT_TEST_SHARDS must be a positive integer, got ${process.env.REPLIKIT_TEST_SHARDS}`);
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'replikit-jest-'));
const outputs = [];
const children = [];
for (let i = 1; i <= shards; i++) {
  const out = join(dir, `results-${i}.json`);
  outputs.push(out);
  const args = ['exec', 'jest', '--ci', '--detectOpenHandles', '--json', `--outputFile=${out}`, ...(shards > 1 ? [`--shard=${i}/${shards}`, '--passWithNoTests'] : []), ...process.argv.slice(2)];
  // each jest runs in its own process group so the time limit can end it with every process it started
  const child = spawn('pnpm', args, { stdio: shards > 1 ? ['ignore', 'pipe', 'pipe'] : 'inherit', detached: true });
  if (shards > 1) {
    const prefix = `[${i}/${shards}] `;
    createInterface({ input: child.stdout }).on('line', (l) => process.stdout.write(`${prefix}${l}\n`));
    createInterface({ input: child.stderr }).on('line', (l) => process.stderr.write(`${prefix}${l}\n`));
  }
  children.push(child);
}
let timedOut = false;
const killGroups = (signal) => {
  for (const child of children) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group is already gone
    }
  }
};
const timer = setTimeout(() => {
  timedOut = true;
  console.error(`\njest did not finish within ${limitS}s (a leaked handle or a hung test): stopping it`);
  killGroups('SIGTERM');
  setTimeout(() => killGroups('SIGKILL'), 10000).unref();
}, limitS * 1000);
const forward = (signal) => () => killGroups(signal);
process.once('SIGINT', forward('SIGINT'));
process.once('SIGTERM', forward('SIGTERM'));
const statuses = await Promise.all(children.map((child) => new Promise((resolve) => child.once('close', (code, signal) => resolve(signal ? 1 : code)))));
clearTimeout(timer);

let passed = 0;
let failed = 0;
let skipped = 0;
const reasons = [];
statuses.forEach((status, i) => {
  if (status !== 0) reasons.push(`jest${shards > 1 ? ` shard ${i + 1}/${shards}` : ''} exited with status ${status}`);
});
if (timedOut) reasons.push(`time limit of ${limitS}s exceeded`);
let total = 0;
const skippedTests = [];
for (const [i, out] of outputs.entries()) {
  try {
    const res = JSON.parse(readFileSync(out, 'utf8'));
    passed += res.numPassedTests;
    failed += res.numFailedTests;
    skipped += res.numPendingTests + res.numTodoTests;
    total += res.numTotalTests;
    // a suite that fails to load counts as a failure even though it has no failed test
    failed += res.testResults.filter((t) => t.status === 'failed' && t.assertionResults.every((a) => a.status !== 'failed')).length;
    for (const file of res.testResults) {
      for (const a of file.assertionResults) {
        if (a.status === 'pending' || a.status === 'skipped' || a.status === 'todo') skippedTests.push(`  ${file.name}: ${a.fullName}`);
      }
    }
  } catch (e) {
    reasons.push(`could not read the jest results of shard ${i + 1}/${shards}: ${e.message}`);
    failed += 1;
  }
}
if (total === 0) reasons.push('no test ran');
if (requireRedis && skipped > 0) reasons.push(`REPLIKIT_REQUIRE_REDIS=1 but ${skipped} test(s) were skipped:`, ...skippedTests);
rmSync(dir, { recursive: true, force: true });
if (failed > 0) reasons.push(`${failed} failed`);
if (reasons.length > 0) console.error(`\ntest run failed:\n${reasons.map((r) => `- ${r}`).join('\n')}`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(reasons.length === 0 ? 0 : 1);
