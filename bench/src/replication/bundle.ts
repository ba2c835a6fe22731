/**
 * A private build of replikit-server for the benchmark: the committed tree at HEAD (`git archive`)
 * bundled by esbuild (what tsup runs) into one CJS file in a temp dir, so a rebuild of the
 * packages' dist/ by a concurrent job, or uncommitted edits in the work tree, cannot change the
 * server under test halfway through a run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';

/** dependencies with native code (not bundled) */
const NATIVE = ['lmdb'];

export interface PrivateBuild {
  readonly cli: string;
  readonly commit: string;
  readonly dir: string;
}

export async function buildPrivateServer(rev = 'HEAD'): Promise<PrivateBuild> {
  const root = path.join(__dirname, '..', '..', '..');
  const commit = execFileSync('git', ['rev-parse', rev], { cwd: root, encoding: 'utf8' }).trim();
  const dir = mkdtempSync(path.join(tmpdir(), 'replikit-bench-build-'));
  execFileSync('sh', ['-c', `git archive ${commit} packages | tar -x -C "${dir}"`], { cwd: root });
  const alias: Record<string, string> = {};
  for (const pkg of readdirSync(path.join(dir, 'packages'))) alias[`@replikit/${pkg}`] = path.join(dir, 'packages', pkg, 'src');
  // esbuild is not a direct dependency: take the one tsup (the packages' build) runs
  const fromTsup = createRequire(createRequire(path.join(root, 'package.json')).resolve('tsup'));
  const { build } = fromTsup('esbuild') as { build(options: Record<string, unknown>): Promise<unknown> };
  const outfile = path.join(dir, 'replikit-server-cli.js');
  await build({
    entryPoints: [path.join(dir, 'packages', 'server', 'src', 'cli.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    alias,
    external: NATIVE,
    nodePaths: [path.join(root, 'node_modules'), path.join(root, 'packages', 'server', 'node_modules')],
    logLevel: 'error',
  });
  // native modules stay outside the bundle and resolve through links next to it
  mkdirSync(path.join(dir, 'node_modules'));
  for (const name of NATIVE) {
    const from = readdirSync(path.join(root, 'packages')).map((p) => path.join(root, 'packages', p, 'node_modules', name)).find((p) => existsSync(p));
    if (from !== undefined) symlinkSync(realpathSync(from), path.join(dir, 'node_modules', name));
  }
  const cli = path.join(dir, 'replikit-server.cjs');
  writeFileSync(cli, `#!/usr/bin/env node\n'use strict';\nrequire('./replikit-server-cli.js').main(process.argv.slice(2));\n`);
  return { cli, commit, dir };
}
