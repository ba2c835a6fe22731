/**
 * The follower of examples/change-stream-sink.ts as a child process: bundled once with esbuild
 * (the @replikit/* sources, not a build) so each restart costs node's start-up only, then started
 * with `--follower <port> <dir>` and watched through the lines it prints.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '../..');

export interface FollowerBundle {
  readonly file: string;
  dispose(): void;
}

/** Bundles examples/change-stream-sink.ts into a temp directory. */
export function bundleFollower(): FollowerBundle {
  const esbuildPath = require.resolve('esbuild', { paths: [dirname(require.resolve('tsup'))] });
  const esbuild = require(esbuildPath) as { buildSync(o: Record<string, unknown>): unknown };
  const dir = mkdtempSync(join(tmpdir(), 'replikit-follower-bundle-'));
  const file = join(dir, 'change-stream-sink.cjs');
  esbuild.buildSync({
    entryPoints: [join(REPO_ROOT, 'examples/change-stream-sink.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: file,
    tsconfig: join(REPO_ROOT, 'tsconfig.json'),
    logLevel: 'error',
  });
  return { file, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Follower {
  readonly child: ChildProcess;
  /** every line printed so far (stdout and stderr) */
  readonly lines: string[];
  /** resolves with the first line matching `pattern` (rejects when the process exits first or after `timeoutMs`) */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGKILL by pid; resolves once it exited */
  kill(): Promise<void>;
  /** SIGTERM (the follower saves its cursor and exits 0); resolves with the exit code */
  stop(): Promise<number | null>;
}

export function startFollower(bundle: FollowerBundle, port: number, dir: string): Follower {
  const child = spawn(process.execPath, [bundle.file, '--follower', String(port), dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let exited = false;
  const exit = new Promise<number | null>((r) =>
    child.once('exit', (code) => {
      exited = true;
      for (const w of waiters) w();
      r(code);
    }),
  );
  const onData = () => {
    let buf = '';
    return (d: Buffer) => {
      buf += d.toString('utf8');
      const parts = buf.split('\n');
      buf = parts.pop() ?? '';
      lines.push(...parts);
      for (const w of waiters) w();
    };
  };
  child.stdout?.on('data', onData());
  child.stderr?.on('data', onData());
  return {
    child,
    lines,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolvePromise, reject) => {
        const timer = setTimeout(() => done(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${lines.join('\n')}`)), timeoutMs);
        const check = () => {
          const hit = lines.find((l) => pattern.test(l));
          if (hit !== undefined) done(null, hit);
          else if (exited) done(new Error(`the follower exited before printing ${pattern}:\n${lines.join('\n')}`));
        };
        const done = (err: Error | null, line?: string) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (err !== null) reject(err);
          else resolvePromise(line as string);
        };
        waiters.add(check);
        check();
      });
    },
    async kill() {
      if (!exited && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      await exit;
    },
    async stop() {
      if (!exited && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
      return exit;
    },
  };
}
