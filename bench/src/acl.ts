/**
 * The cost of ACL checks per command: redis-benchmark against replikit-server and redis-server
 * side by side, each with three ACL setups for the benchmark's connections:
 * - `default`: the default user, unrestricted (replikit's dispatcher skips the ACL step entirely)
 * - `commands`: a user with `+@all -flushall -debug ~* &*` (every command runs the command-bit check)
 * - `keys`: a user with `+@all ~key:* ~counter:* ~my* &*` (command bit plus glob matching of every key)
 *
 *   pnpm exec tsx bench/src/acl.ts [--requests 50000] [--reps 2]
 *
 * replikit-server runs from source in this process's child (tsx), like bench/src/server.ts
 * `--from-source`; the ratios between setups of the same server are what this measures.
 * Writes bench/results/acl.md.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main as serverMain } from '../../packages/server/src/cli';
import { getFreePort, startRedisServer } from '@replikit/test-utils';

const TESTS = ['set', 'get', 'incr', 'lpush', 'sadd', 'hset'];
const SETUPS: Record<string, string[] | undefined> = {
  default: undefined,
  commands: ['on', '>pw', '+@all', '-flushall', '-debug', '~*', '&*'],
  keys: ['on', '>pw', '+@all', '~key:*', '~counter:*', '~my*', '&*'],
};

function benchmark(port: number, user: string | undefined, pipeline: number, requests: number, test: string): number {
  const auth = user === undefined ? [] : ['--user', user, '-a', 'pw'];
  const r = spawnSync('redis-benchmark', ['-p', String(port), ...auth, '-t', test, '-c', '50', '-n', String(requests), '-P', String(pipeline), '--csv'], {
    encoding: 'utf8',
    timeout: 10 * 60 * 1000,
  });
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
  const m = /^"([^"]+)","([\d.]+)"/m.exec(r.stdout);
  return m ? Number(m[2]) : 0;
}

function cli(port: number, ...args: string[]): string {
  return spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout.trim();
}

async function startReplikit(): Promise<{ port: number; child: ChildProcess }> {
  const port = await getFreePort();
  const args = ['--import', 'tsx', __filename, '--serve', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--loglevel', 'warning'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  for (let i = 0; i < 100; i++) {
    if (cli(port, 'ping') === 'PONG') return { port, child };
    await new Promise((res) => setTimeout(res, 200));
  }
  child.kill('SIGKILL');
  throw new Error('replikit-server did not start');
}

async function run(): Promise<void> {
  const i = process.argv.indexOf('--requests');
  const requests = i > 0 ? Number(process.argv[i + 1]) : 50000;
  const j = process.argv.indexOf('--reps');
  const reps = j > 0 ? Number(process.argv[j + 1]) : 2;
  const redis = await startRedisServer();
  const ours = await startReplikit();
  const servers = { 'redis-server': redis.port, 'replikit-server': ours.port };
  const rows: Array<{ pipeline: number; test: string; server: string; setup: string; rps: number }> = [];
  try {
    for (const port of Object.values(servers)) {
      for (const [name, rules] of Object.entries(SETUPS)) if (rules) cli(port, 'ACL', 'SETUSER', name, ...rules);
      benchmark(port, undefined, 16, Math.min(requests, 20000), 'set,get');
    }
    for (const pipeline of [1, 16]) {
      for (const test of TESTS) {
        for (const [server, port] of Object.entries(servers)) {
          for (const [setup, rules] of Object.entries(SETUPS)) {
            let best = 0;
            for (let rep = 0; rep < reps; rep++) {
              cli(port, 'FLUSHALL');
              best = Math.max(best, benchmark(port, rules ? setup : undefined, pipeline, requests, test));
            }
            rows.push({ pipeline, test, server, setup, rps: best });
          }
        }
      }
    }
  } finally {
    ours.child.kill('SIGTERM');
    await redis.stop();
  }
  const cpu = os.cpus();
  const lines = [
    '## ACL check cost (redis-benchmark, side by side)',
    '',
    `- machine: ${cpu[0]?.model ?? 'unknown'}, ${cpu.length} cores; node ${process.version}; date: ${new Date().toISOString()}`,
    `- \`redis-benchmark -t <test> -c 50 -n ${requests} -P <1|16>\` as the default user, a \`commands\` user (\`${SETUPS.commands?.join(' ')}\`) and a \`keys\` user (\`${SETUPS.keys?.join(' ')}\`); best of ${reps}`,
    `- replikit-server from source (tsx); load average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (other jobs share this machine)`,
    '',
  ];
  for (const pipeline of [1, 16]) {
    lines.push(`### -P ${pipeline}`, '', '| test | server | default req/s | commands req/s | keys req/s | commands/default | keys/default |', '|---|---|---:|---:|---:|---:|---:|');
    for (const test of TESTS) {
      for (const server of Object.keys(servers)) {
        const get = (setup: string) => rows.find((r) => r.pipeline === pipeline && r.test === test && r.server === server && r.setup === setup)?.rps ?? 0;
        const d = get('default');
        lines.push(`| ${test} | ${server} | ${d.toFixed(0)} | ${get('commands').toFixed(0)} | ${get('keys').toFixed(0)} | ${(get('commands') / d).toFixed(2)} | ${(get('keys') / d).toFixed(2)} |`);
      }
    }
    lines.push('');
  }
  const text = lines.join('\n');
  process.stdout.write(`${text}\n`);
  writeFileSync(path.join(__dirname, '..', 'results', 'acl.md'), text);
}

if (process.argv.includes('--serve')) {
  const k = process.argv.indexOf('--serve');
  void serverMain(process.argv.slice(k + 1));
} else {
  run().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
