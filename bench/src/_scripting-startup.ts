/**
 * `scripting.ts --startup [--head <rev>] [--baseline <rev>] [--reps 10]`: what a replikit-server
 * that never runs Lua pays at start for scripting. Each build's CLI is bundled (as the tsup build:
 * npm packages stay require() calls) and started in turn from an empty dir, `--reps` times; at the
 * first PONG the process's CPU time (utime + stime: module loading, the server's set-up) and wall
 * time since the spawn are read, then, one second later, its RSS. Prints only.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { archivePackages, bundleSources } from './_side-by-side';

const argOf = (flag: string): string | undefined => {
  const i = process.argv.indexOf(flag);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // clock ticks of 10 ms
  return (Number(f[11]) + Number(f[12])) * 10;
}

function rssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
}

function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.setTimeout(1000, () => s.destroy());
    s.on('error', () => resolve(false));
    s.on('close', () => resolve(false));
    s.on('connect', () => s.write('PING\r\n'));
    s.on('data', (d) => {
      s.destroy();
      resolve(d.toString() === '+PONG\r\n');
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

export async function startup(): Promise<void> {
  const root = path.join(__dirname, '..', '..');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'scripting-startup-'));
  try {
    const builds: Array<{ name: string; file: string }> = [];
    const bundle = async (rev: string | undefined): Promise<void> => {
      let src = root;
      if (rev !== undefined) {
        src = path.join(tmp, `src-${builds.length}`);
        archivePackages(root, rev, src);
      }
      const cliFile = path.join(tmp, `cli-${builds.length}.cjs`);
      await bundleSources(src, path.join('packages', 'server', 'src', 'cli.ts'), cliFile);
      const file = path.join(tmp, `server-${builds.length}.cjs`);
      writeFileSync(file, `'use strict';\nrequire(${JSON.stringify(cliFile)}).main(process.argv.slice(2));\n`);
      builds.push({ name: rev ?? 'this tree', file });
    };
    await bundle(argOf('--head'));
    const baseline = argOf('--baseline');
    if (baseline !== undefined) await bundle(baseline);
    const reps = Number(argOf('--reps') ?? 10);
    // the bundles' externals (fengari, eventemitter3) resolve from the server package
    const env = { ...process.env, NODE_PATH: [path.join(root, 'packages', 'server', 'node_modules'), path.join(root, 'node_modules')].join(path.delimiter) };
    const rows = builds.map(() => ({ cpu: [] as number[], wall: [] as number[], rss: [] as number[] }));
    const loads: number[] = [];
    for (let rep = 0; rep < reps; rep++) {
      for (const [i, b] of builds.entries()) {
        loads.push(os.loadavg()[0] as number);
        const dir = mkdtempSync(path.join(tmp, 'srv-'));
        const port = await freePort();
        const t0 = performance.now();
        const child = spawn(process.execPath, [b.file, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--loglevel', 'warning'], { stdio: 'ignore', cwd: dir, env });
        const exited = new Promise((r) => child.once('exit', r));
        try {
          for (let tries = 0; !(await pong(port)); tries++) {
            if (tries > 2000) throw new Error(`${b.name} did not answer PING`);
            await sleep(2);
          }
          const row = rows[i] as { cpu: number[]; wall: number[]; rss: number[] };
          row.wall.push(performance.now() - t0);
          row.cpu.push(cpuMs(child.pid as number));
          await sleep(1000);
          row.rss.push(rssKb(child.pid as number) / 1024);
        } finally {
          child.kill('SIGKILL');
          await exited;
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
    console.log(`start-up to the first PONG, ${reps} starts per build in turn, load ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`);
    for (const [i, b] of builds.entries()) {
      const r = rows[i] as { cpu: number[]; wall: number[]; rss: number[] };
      console.log(`  ${b.name.padEnd(12)} CPU ms median ${median(r.cpu)} [${r.cpu.join(' ')}], wall ms median ${median(r.wall).toFixed(0)}, RSS 1 s later median ${median(r.rss).toFixed(1)} MB`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
