/**
 * `daemonize yes`, the way redis-server's daemonize() behaves from the outside: the command that
 * started the server returns at once (exit 0) while a detached copy of the process, in its own
 * session, with no terminal, keeps running; it writes `pidfile` (Redis's default
 * /var/run/redis.pid when none is set) and logs to `logfile` (nowhere when it is empty). Node
 * cannot fork, so the detached copy is a new process started with the same arguments and marked
 * through the environment.
 */
import { spawn } from 'node:child_process';

/** Set in the environment of the detached copy. */
export const DAEMONIZED_ENV = 'REPLIKIT_DAEMONIZED';

/** Redis's CONFIG_DEFAULT_PID_FILE, used when a daemonized server has no `pidfile`. */
export const DEFAULT_PID_FILE = '/var/run/redis.pid';

/** True in the detached copy. */
export function isDaemonized(): boolean {
  return process.env[DAEMONIZED_ENV] === '1';
}

/**
 * Starts the detached copy of this process (same node flags, script and arguments). The caller
 * exits right after, like the parent of Redis's fork().
 */
export function spawnDaemon(): number | undefined {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, [DAEMONIZED_ENV]: '1' },
  });
  child.unref();
  return child.pid;
}

/**
 * redisIsSupervised: the supervision in effect for `supervised` (`systemd` needs NOTIFY_SOCKET,
 * `upstart` needs UPSTART_JOB, `auto` picks whichever is there); INFO `process_supervised`.
 * replikit sends no readiness notification (sd_notify needs a unix datagram socket).
 */
export function supervisionMode(mode: string, env: NodeJS.ProcessEnv = process.env): 'no' | 'upstart' | 'systemd' {
  if ((mode === 'systemd' || mode === 'auto') && env.NOTIFY_SOCKET) return 'systemd';
  if ((mode === 'upstart' || mode === 'auto') && env.UPSTART_JOB) return 'upstart';
  return 'no';
}
