/**
 * Where the CPU of a reconnect + partial resync goes, master and replica: both replikit processes
 * run with a V8 CPU profile sampled every 50 µs; the script cuts the replica's link `cuts` times
 * (a SET on the master, `CLIENT KILL TYPE master` on the replica, 40 ms apart) and keeps only the
 * samples inside a window after each kill, so the profile shows the reconnect and not the idle
 * loop or the setup. Prints per process the self time per function (share of the windows' busy
 * samples) and the busy µs per cut.
 *
 *   pnpm exec tsx bench/src/replication/reconnect-profile.ts [rev=HEAD] [cuts=300] [windowMs=15] [top=40]
 *
 * The profile's timestamps and this script's process.hrtime read the same monotonic clock.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildPrivateServer } from './bundle';
import { call, commonConfig, sleep, startNode, syncReplica, useServerCli } from './servers';

const [rev = 'HEAD', cutsArg = '300', windowArg = '15', topArg = '40'] = process.argv.slice(2);
const CUTS = Number(cutsArg);
const WINDOW_US = Number(windowArg) * 1000;
const TOP = Number(topArg);

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * The samples that fall in one of the windows [cut, cut + WINDOW_US): their index, timestamp (µs,
 * the profile's clock), window number and duration (the next sample's delta).
 */
function* windowSamples(p: CpuProfile, cutsUs: readonly number[]): Generator<{ i: number; t: number; w: number; dt: number }> {
  let t = p.startTime;
  let w = 0;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0;
    while (w < cutsUs.length && t >= (cutsUs[w] as number) + WINDOW_US) w++;
    if (w >= cutsUs.length) break;
    if (t < (cutsUs[w] as number)) continue;
    yield { i, t, w, dt: p.timeDeltas[i + 1] ?? 50 };
  }
}

/** The parent of every profile node, and the nodes by id. */
function profileTree(p: CpuProfile): { parent: Map<number, number>; byId: Map<number, CpuProfile['nodes'][number]> } {
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  return { parent, byId: new Map(p.nodes.map((n) => [n.id, n])) };
}

/**
 * Per marker function: when it first appears on a sampled stack after each cut (µs since the
 * kill was sent), median over the cuts where it appeared; a hop trace with the sampling
 * interval's resolution.
 */
function hops(p: CpuProfile, cutsUs: readonly number[], markers: readonly string[]): string[] {
  const { parent, byId } = profileTree(p);
  const first = markers.map(() => new Array<number | undefined>(cutsUs.length).fill(undefined));
  for (const { i, t, w } of windowSamples(p, cutsUs)) {
    for (let id: number | undefined = p.samples[i]; id !== undefined; id = parent.get(id)) {
      const m = markers.indexOf(byId.get(id)?.callFrame.functionName ?? '');
      if (m >= 0 && first[m]?.[w] === undefined) (first[m] as Array<number | undefined>)[w] = t - (cutsUs[w] as number);
    }
  }
  return markers.map((name, m) => {
    const xs = (first[m] as Array<number | undefined>).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
    return `${name}: ${xs.length > 0 ? `${(xs[xs.length >> 1] as number).toFixed(0)} µs` : '-'} (in ${xs.length} of ${cutsUs.length} cuts)`;
  });
}

const MARKERS: Record<string, readonly string[]> = {
  master: ['onconnection', 'ClientConnection', 'onData', 'replconfCommand', 'psyncCommand', 'continueLink', 'onSocketClose', 'log'],
  replica: ['clientKill', 'reconnect', 'internalConnect', 'afterConnect', 'runHandshake', 'parsePsyncReply', 'startStream', 'log'],
};

/** Self time per function over the samples that fall in one of the windows [cut, cut + WINDOW_US). */
function analyse(label: string, file: string, cutsUs: readonly number[]): void {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  for (const { i, dt } of windowSamples(p, cutsUs)) {
    const n = byId.get(p.samples[i] as number);
    if (n === undefined) continue;
    const cf = n.callFrame;
    if (cf.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    const key = `${cf.functionName || '(anonymous)'} ${cf.url.split('/').slice(-2).join('/')}:${cf.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    busy += dt;
  }
  console.log(`\n### ${label}: busy ${(busy / cutsUs.length).toFixed(0)} µs per cut (idle ${(idle / cutsUs.length).toFixed(0)} µs) in ${WINDOW_US / 1000} ms windows\n`);
  for (const line of hops(p, cutsUs, MARKERS[label] ?? [])) console.log(`- ${line}`);
  console.log('\nself time:\n');
  for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
    console.log(`${((100 * us) / busy).toFixed(1).padStart(5)}%  ${(us / cutsUs.length).toFixed(0).padStart(4)} µs  ${k}`);
  }
  console.log('\ntotal time (the function and its callees) of the bundle\'s functions:\n');
  for (const [k, us] of [...inclusive(p, cutsUs)].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
    console.log(`${((100 * us) / busy).toFixed(1).padStart(5)}%  ${(us / cutsUs.length).toFixed(0).padStart(4)} µs  ${k}`);
  }
}

/** Per function of the server's bundle: the time of the window samples with it on the stack (top-down view). */
function inclusive(p: CpuProfile, cutsUs: readonly number[]): Map<string, number> {
  const { parent, byId } = profileTree(p);
  const total = new Map<string, number>();
  for (const { i, dt } of windowSamples(p, cutsUs)) {
    const seen = new Set<string>();
    for (let id: number | undefined = p.samples[i]; id !== undefined; id = parent.get(id)) {
      const cf = byId.get(id)?.callFrame;
      if (cf === undefined || cf.functionName === '(idle)' || cf.functionName === '(root)') continue;
      if (!cf.url.includes('replikit-server-cli') && !cf.url.startsWith('node:')) continue;
      const key = `${cf.functionName || '(anonymous)'} ${cf.url.split('/').slice(-1)[0]}:${cf.lineNumber}`;
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + dt);
    }
  }
  return total;
}

async function run(): Promise<void> {
  const build = await buildPrivateServer(rev);
  useServerCli(build.cli);
  const profDir = mkdtempSync(path.join(tmpdir(), 'replikit-reconnect-prof-'));
  const masterDir = path.join(profDir, 'master');
  const replicaDir = path.join(profDir, 'replica');
  process.env.REPLIKIT_BENCH_NODE_ARGS = `${process.env.REPLIKIT_BENCH_NODE_ARGS ?? ''} --cpu-prof-interval ${process.env.PROFILE_INTERVAL_US ?? 50}`;
  const master = await startNode('replikit', commonConfig(), masterDir);
  const replica = await startNode('replikit', commonConfig(), replicaDir);
  const cutsUs: number[] = [];
  try {
    await syncReplica(replica, master, 0);
    for (let i = 0; i < 100; i++) await call(master, 'SET', `key:${i}`, 'v'.repeat(100));
    for (let i = 0; i < CUTS; i++) {
      await call(master, 'SET', 'bench:reconnect', String(i));
      await sleep(5);
      cutsUs.push(Number(process.hrtime.bigint() / 1000n));
      await call(replica, 'CLIENT', 'KILL', 'TYPE', 'master');
      await sleep(40);
    }
  } finally {
    await replica.stop();
    await master.stop();
  }
  console.log(`commit ${build.commit.slice(0, 8)}, ${CUTS} cuts, window ${WINDOW_US / 1000} ms after each kill`);
  for (const [label, dir] of [
    ['master', masterDir],
    ['replica', replicaDir],
  ] as const) {
    const f = readdirSync(dir).find((x) => x.endsWith('.cpuprofile'));
    if (f === undefined) console.log(`${label}: no profile written`);
    else analyse(label, path.join(dir, f), cutsUs);
  }
  rmSync(build.dir, { recursive: true, force: true });
  if (process.env.KEEP_PROFILES === undefined) rmSync(profDir, { recursive: true, force: true });
  else console.log(`profiles kept in ${profDir}`);
}

run().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
