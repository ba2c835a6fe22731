/**
 * Before/after A/B of the dispatcher's ACL step for the default (unrestricted) setup: two
 * replikit-servers from source, one from this tree and one from an older revision unpacked with
 * its dependencies installed (`git archive <rev> | tar -x -C dir && pnpm install --offline`), run
 * with redis-benchmark alternately, test by test, best of `reps`.
 *
 *   pnpm exec tsx bench/src/acl-ab.ts --before /tmp/acl-before [--requests 50000] [--reps 3]
 *
 * Appends to bench/results/acl.md.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getFreePort } from '@replikit/test-utils';

const TESTS = ['set', 'get', 'incr', 'lpush', 'hset'];

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 ? (process.argv[i + 1] as string) : def;
}

async function start(root: string): Promise<{ port: number; child: ChildProcess }> {
  const port = await getFreePort();
  const entry = path.join(root, 'integration-tests', 'server', 'ops-cli-entry.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', entry, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--loglevel', 'warning'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 150; i++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG') return { port, child };
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`replikit-server from ${root} did not start`);
}

function bench(port: number, test: string, pipeline: number, requests: number): number {
  spawnSync('redis-cli', ['-p', String(port), 'flushall']);
  const r = spawnSync('redis-benchmark', ['-p', String(port), '-t', test, '-c', '50', '-n', String(requests), '-P', String(pipeline), '--csv'], { encoding: 'utf8' });
  const m = /^"[^"]+","([\d.]+)"/m.exec(r.stdout);
  return m ? Number(m[1]) : 0;
}

async function run(): Promise<void> {
  const beforeRoot = arg('--before', '/tmp/acl-before');
  const requests = Number(arg('--requests', '50000'));
  const reps = Number(arg('--reps', '3'));
  const before = await start(beforeRoot);
  const after = await start(path.join(__dirname, '..', '..'));
  const lines: string[] = [];
  try {
    bench(before.port, 'set,get', 16, 20000);
    bench(after.port, 'set,get', 16, 20000);
    lines.push('', '## Before / after the ACL step (default user, redis-benchmark)', '');
    lines.push(`- ${os.cpus()[0]?.model ?? '?'}, ${os.cpus().length} cores; node ${process.version}; ${new Date().toISOString()}`);
    lines.push(`- before: ${beforeRoot} (the revision before ACL); after: this tree; both from source (tsx); \`-c 50 -n ${requests}\`, alternating, best of ${reps}`);
    for (const pipeline of [1, 16]) {
      lines.push('', `### -P ${pipeline}`, '', '| test | before req/s | after req/s | after/before |', '|---|---:|---:|---:|');
      for (const test of TESTS) {
        let b = 0;
        let a = 0;
        for (let i = 0; i < reps; i++) {
          b = Math.max(b, bench(before.port, test, pipeline, requests));
          a = Math.max(a, bench(after.port, test, pipeline, requests));
        }
        lines.push(`| ${test} | ${b.toFixed(0)} | ${a.toFixed(0)} | ${(a / b).toFixed(2)} |`);
      }
    }
    lines.push('', `- load average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (other jobs share this machine)`, '');
  } finally {
    before.child.kill('SIGTERM');
    after.child.kill('SIGTERM');
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  appendFileSync(path.join(__dirname, '..', 'results', 'acl.md'), lines.join('\n'));
}

run().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
