#!/usr/bin/env node
// Server CPU per command, redis-server and replikit-server builds of several commits side by side:
//
//   node bench/scripts/cpu-ab.mjs [--revs b89b172,HEAD] [--cases pfadd,xadd,aof-mixed] [--reps 5] [--requests 200000]
//
// Each commit's `packages` tree (git archive) is bundled into one CJS file in a temp dir, as the
// benches' private builds are, so a rebuild of dist/ or uncommitted edits cannot change a server
// mid-run. Per case, all servers start at once on loopback in empty temp dirs; each gets one
// unmeasured pass of the case (warm-up: V8 tiers, tables grown) and FLUSHALL; then every rep
// runs the case against each server in turn and reads utime + stime of the server process from
// /proc around it. Printed: CPU µs per request, median and every rep, and the load average seen.
// Interleaving per rep is what makes two builds comparable on a busy machine; medians of a few
// reps still move by 10-20% at load 10 (see bench/results/server.md). Quick mode: `--cases pfadd --reps 3`.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2).filter((a) => a !== '--');
if (args.includes('--help') || args.includes('-h')) {
  const head = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1);
  console.log(head.slice(0, head.findIndex((l) => !l.startsWith('//'))).map((l) => l.slice(3)).join('\n'));
  console.log('cases: pfadd xadd set get aof-set aof-set-p32 aof-mixed aof-mixed-p32 aof-{set,get,incr,lpush,hset}-p32 aof-{set,mixed}-p32-always evalsha evalsha-p1 lmdb-set-p16');
  process.exit(0);
}
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const REVS = opt('revs', 'b89b172,HEAD').split(',');
const REPS = Number(opt('reps', 5));
const REQUESTS = Number(opt('requests', 200000));

// redis-benchmark arguments per case; `tests` is how many -t tests share the requests count
const AOF = ['--appendonly', 'yes', '--appendfsync', 'everysec', '--auto-aof-rewrite-percentage', '0'];
const AOF_ALWAYS = ['--appendonly', 'yes', '--appendfsync', 'always', '--auto-aof-rewrite-percentage', '0'];
const CASES = {
  pfadd: { config: [], bench: ['-c', '50', '-r', '1000000', '-P', '16', 'PFADD', 'bench:hll', '__rand_int__'], tests: 1 },
  xadd: { config: [], bench: ['-c', '50', '-r', '100000', '-P', '16', 'XADD', 'bench:s', 'MAXLEN', '~', '10000', '*', 'field', 'value-__rand_int__'], tests: 1 },
  set: { config: [], bench: ['-c', '50', '-r', '100000', '-P', '16', '-t', 'set'], tests: 1 },
  get: { config: [], bench: ['-c', '50', '-r', '100000', '-P', '16', '-t', 'get'], tests: 1 },
  'aof-set': { config: AOF, bench: ['-c', '50', '-r', '100000', '-d', '100', '-P', '16', '-t', 'set'], tests: 1 },
  // issue 11's mixed workload; automatic rewrites off on both sides (redis-server rewrites in a
  // forked child whose CPU its own process does not show)
  'aof-mixed': { config: AOF, bench: ['-c', '50', '-r', '100000', '-d', '100', '-P', '16', '-t', 'set,get,incr,lpush,hset'], tests: 5 },
  // the same at -P 32 (bench/src/aof.ts --workload mixed), and each of its commands alone
  'aof-mixed-p32': { config: AOF, bench: ['-c', '50', '-r', '100000', '-d', '100', '-P', '32', '-t', 'set,get,incr,lpush,hset'], tests: 5 },
  'aof-set-p32': { config: AOF, bench: ['-c', '50', '-r', '100000', '-d', '100', '-P', '32', '-t', 'set'], tests: 1 },
  'aof-get-p32': { config: AOF, bench: ['-c', '50', '-r', '100000', '-d', '100', '-P', '32', '-t', 'get'], tests: 1 },
  'aof-incr-p32': { config: AOF, bench: ['-c', '50', '-r', '100000', '-d', '100', '-P', '32', '-t', 'incr'], tests: 1 },
  'aof-lpush-p32': { config: AOF, bench: ['-c', '50', '-r', '100000', '-d', '100', '-P', '32', '-t', 'lpush'], tests: 1 },
  'aof-hset-p32': { config: AOF, bench: ['-c', '50', '-r', '100000', '-d', '100', '-P', '32', '-t', 'hset'], tests: 1 },
  // both workloads with appendfsync always (one fdatasync per event-loop turn on both sides)
  'aof-set-p32-always': { config: AOF_ALWAYS, bench: ['-c', '50', '-r', '100000', '-d', '100', '-P', '32', '-t', 'set'], tests: 1 },
  'aof-mixed-p32-always': { config: AOF_ALWAYS, bench: ['-c', '50', '-r', '100000', '-d', '100', '-P', '32', '-t', 'set,get,incr,lpush,hset'], tests: 5 },
  // issue 10 §5: replikit-server on LMDB (`replikit` replaces `config` for the replikit builds) against
  // redis-server AOF everysec with its automatic rewrites on, as bench/src/storage.ts runs them (redis-server
  // rewrites in a forked child, whose CPU its process does not show; the LMDB rewrite runs in the server)
  'lmdb-set-p16': {
    config: ['--appendonly', 'yes', '--appendfsync', 'everysec'],
    replikit: ['--storage', 'lmdb', '--storage-fsync', 'everysec'],
    bench: ['-c', '50', '-r', '1000000', '-d', '100', '-P', '16', '-t', 'set'],
    tests: 1,
  },
  // issue 12's script (bench/src/scripting.ts); `setup` runs after every FLUSHALL (redis-cli argv lists)
  evalsha: {
    config: [],
    bench: ['-c', '50', '-P', '16', 'EVALSHA', 'd3c21d0c2b9ca22f82737626a27bcaf5d288f99f', '1', 'bench:k'],
    tests: 1,
    setup: [['set', 'bench:k', 'value'], ['script', 'load', "return redis.call('GET', KEYS[1])"]],
  },
  'evalsha-p1': {
    config: [],
    bench: ['-c', '50', 'EVALSHA', 'd3c21d0c2b9ca22f82737626a27bcaf5d288f99f', '1', 'bench:k'],
    tests: 1,
    setup: [['set', 'bench:k', 'value'], ['script', 'load', "return redis.call('GET', KEYS[1])"]],
  },
};
const setupCase = (port, c) => {
  for (const a of c.setup ?? []) spawnSync('redis-cli', ['-p', String(port), ...a]);
};
const cases = opt('cases', 'pfadd,xadd,aof-mixed').split(',');
for (const c of cases) if (!(c in CASES)) throw new Error(`unknown case ${c}; known: ${Object.keys(CASES).join(', ')}`);

/** One CJS bundle of replikit-server's CLI from the tree of `rev`. */
async function bundle(rev, dir) {
  const commit = execFileSync('git', ['rev-parse', rev], { cwd: root, encoding: 'utf8' }).trim();
  const src = path.join(dir, 'src');
  mkdirSync(src, { recursive: true });
  execFileSync('sh', ['-c', `git archive ${commit} packages | tar -x -C "${src}"`], { cwd: root });
  const alias = {};
  for (const pkg of readdirSync(path.join(src, 'packages'))) alias[`@replikit/${pkg}`] = path.join(src, 'packages', pkg, 'src');
  // esbuild is not a direct dependency: take the one tsup runs
  const fromTsup = createRequire(createRequire(path.join(root, 'package.json')).resolve('tsup'));
  const { build } = fromTsup('esbuild');
  await build({
    entryPoints: [path.join(src, 'packages', 'server', 'src', 'cli.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: path.join(dir, 'cli.js'),
    alias,
    // as the tsup build and bench/src/_side-by-side.ts: npm packages stay require() calls (a bundled
    // CJS package is reached through one property getter per access, which fengari's calls pay)
    external: ['fengari', 'fengari/*', 'lmdb', 'eventemitter3'],
    nodePaths: [path.join(root, 'node_modules'), path.join(root, 'packages', 'server', 'node_modules')],
    logLevel: 'error',
  });
  const cli = path.join(dir, 'server.cjs');
  writeFileSync(cli, `'use strict';\nrequire('./cli.js').main(process.argv.slice(2));\n`);
  return { name: commit.slice(0, 8), cli };
}

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const TICKS_PER_SECOND = 100;
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND;
}

// the bundles' externals resolve from the server package (lmdb, for the LMDB case, from storage-lmdb's)
const BUNDLE_ENV = { ...process.env, NODE_PATH: [path.join(root, 'packages', 'server', 'node_modules'), path.join(root, 'packages', 'storage-lmdb', 'node_modules'), path.join(root, 'node_modules')].join(path.delimiter) };

async function start(server, config) {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cpu-ab-srv-'));
  const common = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--loglevel', 'warning', ...config];
  const child =
    server.cli === undefined
      ? spawn('redis-server', [...common, '--daemonize', 'no'], { stdio: 'ignore' })
      : spawn(process.execPath, [server.cli, ...common], { stdio: ['ignore', 'ignore', 'inherit'], cwd: dir, env: BUNDLE_ENV });
  for (let i = 0; i < 100; i++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG') return { port, child, dir };
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`${server.name} did not start`);
}

function pass(port, c) {
  const r = spawnSync('redis-benchmark', ['-p', String(port), '-n', String(REQUESTS), '-q', ...c.bench], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cpu-ab-'));
const running = new Set();
process.on('exit', () => {
  for (const r of running) r.child.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});
try {
  const servers = [{ name: 'redis-server', cli: undefined }];
  for (const rev of REVS) servers.push(await bundle(rev, path.join(tmp, rev.replace(/[^\w.-]/g, '_'))));
  console.log(`server CPU µs per request, median [reps], ${REQUESTS} requests per test, ${REPS} reps, ${os.cpus().length} cores`);
  for (const name of cases) {
    const c = CASES[name];
    const live = [];
    for (const s of servers) {
      const r = await start(s, s.cli !== undefined && c.replikit ? c.replikit : c.config);
      running.add(r);
      live.push(r);
    }
    for (const r of live) {
      setupCase(r.port, c);
      pass(r.port, c);
      spawnSync('redis-cli', ['-p', String(r.port), 'flushall']);
      setupCase(r.port, c);
    }
    const perRep = live.map(() => []);
    const loads = [];
    for (let rep = 0; rep < REPS; rep++) {
      for (let i = 0; i < live.length; i++) {
        const r = live[i];
        loads.push(os.loadavg()[0]);
        const before = cpuSeconds(r.child.pid);
        pass(r.port, c);
        perRep[i].push(((cpuSeconds(r.child.pid) - before) * 1e6) / (REQUESTS * c.tests));
        spawnSync('redis-cli', ['-p', String(r.port), 'flushall']);
        setupCase(r.port, c);
      }
    }
    const cells = servers.map((s, i) => `${s.name} ${median(perRep[i]).toFixed(2)} [${perRep[i].map((x) => x.toFixed(2)).join(' ')}]`);
    console.log(`${name} (load ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}): ${cells.join(' | ')}`);
    for (const r of live) {
      r.child.kill('SIGKILL');
      running.delete(r);
      rmSync(r.dir, { recursive: true, force: true });
    }
  }
} catch (err) {
  console.error(err);
  process.exitCode = 1;
}
