/**
 * A private build of replikit-server for the benchmark: the committed tree at HEAD (`git archive`)
 * bundled by esbuild (what tsup runs) into one CJS file in a temp dir, so a rebuild of the
 * packages' dist/ by a concurrent job, or uncommitted edits in the work tree, cannot change the
 * server under test halfway through a run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface PrivateBuild {
  readonly cli: string;
  readonly commit: string;
  readonly dir: string;
}

export async function buildPrivateServer(): Promise<PrivateBuild> {
  const root = path.join(__dirname, '..', '..', '..');
  const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
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
    nodePaths: [path.join(root, 'node_modules'), path.join(root, 'packages', 'server', 'node_modules')],
    logLevel: 'error',
  });
  const cli = path.join(dir, 'replikit-server.cjs');
  writeFileSync(cli, `#!/usr/bin/env node\n'use strict';\nrequire('./replikit-server-cli.js').main(process.argv.slice(2));\n`);
  return { cli, commit, dir };
}
