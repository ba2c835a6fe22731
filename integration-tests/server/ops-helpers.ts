/**
 * Helpers of the operator-surface tests: run replikit-server's CLI from source as a child process
 * (`node --import tsx ops-cli-entry.ts ...`) and drive it with the real redis-cli.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { type WatchedProcess, getFreePort, isPortTaken, watchProcess } from '@replikit/test-utils';

export const REPO_ROOT = resolve(__dirname, '../..');
export const CLI_ENTRY = join(__dirname, 'ops-cli-entry.ts');

export interface CliRun extends WatchedProcess {
  readonly port: number;
  /** redis-cli -p <port> args... (stdout, trimmed of the final newline) */
  cli(...args: string[]): string;
}

/** Spawns the CLI with `args`; `--port` is added first unless `port` is given as null. */
export async function runCli(args: string[], opts: { port?: number | null; stdin?: string } = {}): Promise<CliRun> {
  const port = opts.port === null ? 0 : (opts.port ?? (await getFreePort()));
  const full = opts.port === null ? args : [...args, '--port', String(port), '--bind', '127.0.0.1'];
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_ENTRY, ...full], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  if (opts.stdin !== undefined) child.stdin?.end(opts.stdin);
  else child.stdin?.end();
  return { ...watchProcess(child), port, cli: (...a) => redisCli(port, ...a) };
}

/** Starts the CLI and waits for "Ready to accept connections". */
export async function startCli(args: string[]): Promise<CliRun> {
  for (let attempt = 1; ; attempt++) {
    const run = await runCli(args);
    try {
      await run.waitForOutput(/Ready to accept connections/);
      return run;
    } catch (err) {
      // the free port was taken between the probe and the child's bind: retry on another one
      if (attempt >= 3 || !isPortTaken(err)) throw err;
    }
  }
}

/** redis-cli -p port args... ; stdout without the trailing newline. */
export function redisCli(port: number, ...args: string[]): string {
  const r = spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'latin1', timeout: 20000 });
  return (r.stdout ?? '').replace(/[\r\n]+$/, '');
}

/** redis-cli with raw (binary) output, for DUMP payloads. */
export function redisCliRaw(port: number, ...args: string[]): Buffer {
  const r = spawnSync('redis-cli', ['--no-raw', '-p', String(port), ...args], { timeout: 20000 });
  return r.stdout as Buffer;
}

/** Parses INFO text into a field map. */
export function parseInfo(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}
