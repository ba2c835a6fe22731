#!/usr/bin/env node
// Runs every benchmark in bench/src (each writes bench/results/<topic>.md), then assembles
// docs/benchmarks.md from the result files. `pnpm bench -- resp keyspace` runs only those topics;
// `pnpm bench -- --assemble-only` rebuilds docs/benchmarks.md from bench/results without running anything.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(benchDir, '..');
const args = process.argv.slice(2).filter((a) => a !== '--');
const assembleOnly = args.includes('--assemble-only');
const only = args.filter((a) => a !== '--assemble-only');
const topics = readdirSync(join(benchDir, 'src'))
  .filter((f) => f.endsWith('.ts') && !f.includes('.test.') && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''))
  .filter((t) => !assembleOnly && (only.length === 0 || only.includes(t)));

let failed = 0;
for (const t of topics) {
  console.log(`\n=== bench: ${t} ===`);
  const r = spawnSync('pnpm', ['exec', 'tsx', join('bench', 'src', `${t}.ts`)], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`bench ${t} failed with status ${r.status}`);
  }
}

const resultsDir = join(benchDir, 'results');
const order = ['summary', 'resp', 'backlog', 'rdb-read', 'rdb-write', 'keyspace', 'server'];
const files = existsSync(resultsDir) ? readdirSync(resultsDir).filter((f) => f.endsWith('.md')) : [];
files.sort((a, b) => {
  const ia = order.indexOf(a.replace(/\.md$/, ''));
  const ib = order.indexOf(b.replace(/\.md$/, ''));
  return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
});
const header = `# Benchmarks

Every figure here comes from a script under \`bench/src/\` (\`pnpm bench\` runs them all, \`pnpm bench -- <topic>\`
one of them) and was produced on the machine and date stated in its section. Comparisons are made side by
side in one run and quoted as ratios. Targets come from the issues; a target that is not met says so.
Unit tests never assert timings.

`;
const body = files.map((f) => readFileSync(join(resultsDir, f), 'utf8').trim()).join('\n\n---\n\n');
writeFileSync(join(root, 'docs', 'benchmarks.md'), header + body + '\n');
console.log(`\nwrote docs/benchmarks.md from ${files.length} result file(s)`);
process.exit(failed ? 1 : 0);
