/**
 * `daemonize yes`: the command returns at once with status 0 while a detached server keeps
 * running, writes `pidfile`, logs to `logfile`, and SHUTDOWN removes the pid file. `supervised`
 * is accepted (INFO process_supervised:no without NOTIFY_SOCKET, like redis-server).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { getFreePort, hasRedisCli, redisRequired } from '@replikit/test-utils';
import { CLI_ENTRY, REPO_ROOT, parseInfo, redisCli } from '../server/ops-helpers';
import { tempDir } from './aof-helpers';

const ready = hasRedisCli();
if (!ready && redisRequired()) throw new Error('redis-cli required (REPLIKIT_REQUIRE_REDIS=1)');
const describeCli = ready ? describe : describe.skip;

async function until(cond: () => boolean, timeoutMs = 30000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 100));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describeCli('daemonize yes', () => {
  let dir: string;
  let daemonPid = 0;

  beforeAll(() => {
    dir = tempDir('daemon');
  });

  afterAll(() => {
    // the detached server is ours: stop it by its pid if a failed test left it running
    if (daemonPid > 0 && alive(daemonPid)) process.kill(daemonPid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('detaches, writes the pid file and the log file, and SHUTDOWN removes the pid file', async () => {
    const port = await getFreePort();
    const pidfile = join(dir, 'replikit.pid');
    const logfile = join(dir, 'replikit.log');
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--daemonize', 'yes', '--supervised', 'systemd', '--pidfile', pidfile, '--logfile', logfile];
    const env = { ...process.env };
    delete env.NOTIFY_SOCKET;
    const r = spawnSync(process.execPath, ['--import', 'tsx', CLI_ENTRY, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30000, env });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    await until(() => existsSync(pidfile) && redisCli(port, 'ping') === 'PONG');
    daemonPid = Number(readFileSync(pidfile, 'utf8').trim());
    expect(daemonPid).toBeGreaterThan(0);
    expect(daemonPid).not.toBe(r.pid);
    expect(alive(daemonPid)).toBe(true);
    const info = parseInfo(redisCli(port, 'info', 'server'));
    expect(info.get('process_id')).toBe(String(daemonPid));
    expect(info.get('process_supervised')).toBe('no');
    expect(redisCli(port, 'set', 'k', 'v')).toBe('OK');
    const log = readFileSync(logfile, 'utf8');
    expect(log).toContain('Ready to accept connections');
    expect(log).toContain('systemd supervision error: NOTIFY_SOCKET not found!');
    redisCli(port, 'shutdown');
    await until(() => !alive(daemonPid));
    expect(existsSync(pidfile)).toBe(false);
    expect(readFileSync(logfile, 'utf8')).toContain('Calling fsync() on the AOF file.');
  }, 60000);
});
