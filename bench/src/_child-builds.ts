/**
 * In-process benches that compare builds of several commits (rdb-load, rdb-save): each build is a
 * child script bundled with esbuild from that commit's packages/ (`git archive`), or from the work
 * tree (`tree`), run as its own node process so every build starts as cold as the others.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { archivePackages, bundleSources } from './_side-by-side';

const ROOT = path.join(__dirname, '..', '..');

export interface ChildBuild {
  /** the short commit id, or `tree` */
  name: string;
  /** the launcher to run with node: it calls the bundle's `main(argv)` */
  bundle: string;
}

/** The comma-separated values of `flag` on the command line, or of `def`. */
export function listArg(flag: string, def: string): string[] {
  const i = process.argv.indexOf(flag);
  return (i > 0 ? (process.argv[i + 1] as string) : def).split(',');
}

/** Bundles `source` (a module exporting `main(argv)`) against `rev`'s packages into `work`. */
export async function makeChildBuild(rev: string, work: string, childName: string, source: string): Promise<ChildBuild> {
  const root = path.join(work, `src-${rev.replace(/[^\w.-]/g, '_')}`);
  mkdirSync(root);
  if (rev === 'tree') symlinkSync(path.join(ROOT, 'packages'), path.join(root, 'packages'));
  else archivePackages(ROOT, rev, root);
  writeFileSync(path.join(root, `${childName}.ts`), source);
  const out = path.join(work, `child-${path.basename(root)}.cjs`);
  await bundleSources(root, `${childName}.ts`, out);
  const launcher = `${out}.run.cjs`;
  writeFileSync(launcher, `require(${JSON.stringify(out)}).main(process.argv.slice(2));\n`);
  const name = rev === 'tree' ? 'tree' : spawnSync('git', ['-C', ROOT, 'rev-parse', '--short=10', rev], { encoding: 'utf8' }).stdout.trim();
  return { name, bundle: launcher };
}

/** Runs a build with `args` (and `--expose-gc`, plus `nodeArgs`); its stdout. */
export function runChildBuild(b: ChildBuild, args: string[], nodeArgs: string[] = []): string {
  const r = spawnSync(process.execPath, ['--expose-gc', ...nodeArgs, b.bundle, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${b.name} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** `--profile <dir>`: node flags that make a child write its CPU profile there. */
export function profileArgs(): string[] {
  const dir = listArg('--profile', '')[0];
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(dir)}`] : [];
}

/** Table cells: one and two decimals, and the load average as the tables print it. */
export const f1 = (x: number): string => x.toFixed(1);
export const f2 = (x: number): string => x.toFixed(2);
export const loadAvg = (): string => os.loadavg().map((x) => x.toFixed(1)).join(' ');
