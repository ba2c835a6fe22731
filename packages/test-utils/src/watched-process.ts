/**
 * A spawned child process with its stdout and stderr collected into one string, a way to wait for
 * a line of that output, its exit as a promise, and a stop that escalates from SIGTERM to SIGKILL.
 */
import type { ChildProcess } from 'node:child_process';

export interface WatchedProcess {
  readonly child: ChildProcess;
  /** everything the process wrote to stdout and stderr so far, in arrival order */
  output(): string;
  /** resolves once `pattern` matches the output (rejects on exit or after `timeoutMs`, default 20 s) */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** resolves with the exit code, or the signal name when a signal ended the process */
  readonly exited: Promise<number | string>;
  /** SIGTERM (unless already exited), SIGKILL when it has not exited after the grace period */
  stop(): Promise<number | string>;
}

/** Watches `child`, whose stdout and stderr must be pipes; `killAfterMs` is the grace period of `stop()`. */
export function watchProcess(child: ChildProcess, killAfterMs = 10000): WatchedProcess {
  let out = '';
  let done = false;
  const waiters = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString('utf8');
    for (const w of waiters) w();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | string>((res) => child.once('exit', (code, sig) => res(code ?? sig ?? -1)));
  void exited.then(() => {
    done = true;
    for (const w of waiters) w();
  });
  return {
    child,
    output: () => out,
    waitForOutput(pattern, timeoutMs = 20000) {
      return new Promise((res, rej) => {
        const check = () => {
          if (pattern.test(out)) finish(() => res());
          else if (done) finish(() => rej(new Error(`process exited before ${pattern}:\n${out}`)));
        };
        const timer = setTimeout(() => finish(() => rej(new Error(`timeout waiting for ${pattern}:\n${out}`))), timeoutMs);
        const finish = (then: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          then();
        };
        waiters.add(check);
        check();
      });
    },
    exited,
    async stop() {
      if (!done) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      const r = await exited;
      clearTimeout(t);
      return r;
    },
  };
}
