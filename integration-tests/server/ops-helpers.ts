/**
 * Helpers of the operator-surface tests: run replikit-server's CLI from source as a child process
 * (`node --import tsx ops-cli-entry.ts ...`) and drive it with the real redis-cli.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { getFreePort } from '@replikit/test-utils';

export const REPO_ROOT = resolve(__dirname, '../..');
export const CLI_ENTRY = join(__dirname, 'ops-cli-entry.ts');

export interface CliRun {
  readonly child: ChildProcess;
  readonly port: number;
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** resolves with the exit code (or signal name) */
  readonly exited: Promise<number | string>;
  /** redis-cli -p <port> args... (stdout, trimmed of the final newline) */
  cli(...args: string[]): string;
  /** SIGTERM and wait; SIGKILL after a grace period */
  stop(): Promise<number | string>;
}

/** Spawns the CLI with `args`; `--port` is added first unless `port` is given as null. */
export async function runCli(args: string[], opts: { port?: number | null; stdin?: string } = {}): Promise<CliRun> {
  const port = opts.port === null ? 0 : (opts.port ?? (await getFreePort()));
  const full = opts.port === null ? args : [...args, '--port', String(port), '--bind', '127.0.0.1'];
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_ENTRY, ...full], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  if (opts.stdin !== undefined) child.stdin?.end(opts.stdin);
  else child.stdin?.end();
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString('utf8');
    for (const w of waiters) w();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | string>((res) => child.once('exit', (code, sig) => res(code ?? sig ?? -1)));
  let done = false;
  void exited.then(() => {
    done = true;
    for (const w of waiters) w();
  });
  const run: CliRun = {
    child,
    port,
    output: () => out,
    waitForOutput(pattern, timeoutMs = 20000) {
      return new Promise((res, rej) => {
        const check = () => {
          if (pattern.test(out)) {
            cleanup();
            res();
          } else if (done) {
            cleanup();
            rej(new Error(`process exited before ${pattern}:\n${out}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          rej(new Error(`timeout waiting for ${pattern}:\n${out}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    exited,
    cli: (...a) => redisCli(port, ...a),
    async stop() {
      if (!done) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10000);
      const r = await exited;
      clearTimeout(t);
      return r;
    },
  };
  return run;
}

/** Starts the CLI and waits for "Ready to accept connections". */
export async function startCli(args: string[]): Promise<CliRun> {
  const run = await runCli(args);
  await run.waitForOutput(/Ready to accept connections/);
  return run;
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
