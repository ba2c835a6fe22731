/**
 * replikit-server's CLI bundled once (esbuild, the one tsup builds with) so a test that restarts it
 * many times pays node's start-up only, not the TypeScript load of the whole server each time.
 * `lmdb` stays external (native binding) and resolves from @replikit/storage-lmdb's dependencies.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { getFreePort, type WatchedProcess, watchProcess } from '@replikit/test-utils';

const REPO_ROOT = resolve(__dirname, '../..');

export interface BundledCli {
  readonly file: string;
  dispose(): void;
}

/** Bundles packages/server/src/cli.ts (with a main() call) into a temp directory. */
export function bundleCli(): BundledCli {
  const esbuildPath = require.resolve('esbuild', { paths: [dirname(require.resolve('tsup'))] });
  const esbuild = require(esbuildPath) as { buildSync(o: Record<string, unknown>): unknown };
  const dir = mkdtempSync(join(tmpdir(), 'replikit-cli-bundle-'));
  const file = join(dir, 'cli.cjs');
  esbuild.buildSync({
    stdin: { contents: "require('./packages/server/src/cli').main(process.argv.slice(2));", resolveDir: REPO_ROOT, loader: 'ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: file,
    external: ['lmdb'],
    tsconfig: join(REPO_ROOT, 'tsconfig.json'),
    logLevel: 'error',
  });
  return { file, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The environment the bundle runs in: lmdb and fengari (required at run time) resolve from their packages' dependencies. */
export function bundledCliEnv(): NodeJS.ProcessEnv {
  return { ...process.env, NODE_PATH: [join(REPO_ROOT, 'packages/storage-lmdb/node_modules'), join(REPO_ROOT, 'packages/server/node_modules')].join(delimiter) };
}

export interface CliProcess extends WatchedProcess {
  readonly port: number;
}

/**
 * Starts the bundled CLI with `args --port <port> --bind 127.0.0.1` (a free port unless `at.port`
 * is given, e.g. to restart a server where its replicas look for it) and waits until it is ready.
 */
export async function startBundledCli(bundle: BundledCli, args: string[], at: { port?: number } = {}): Promise<CliProcess> {
  const port = at.port ?? (await getFreePort());
  const env = bundledCliEnv();
  const child = spawn(process.execPath, [bundle.file, ...args, '--port', String(port), '--bind', '127.0.0.1'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: CliProcess = { ...watchProcess(child), port };
  await run.waitForOutput(/Ready to accept connections/);
  return run;
}
