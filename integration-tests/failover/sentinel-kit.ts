/**
 * A real redis-sentinel (Debian's 7.0 package) for the Sentinel tests: its own config file in a
 * temp dir (Sentinel rewrites it), loopback only, stopped by the pid this kit started.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getFreePort } from '@replikit/test-utils';
import { redisCliAsync, waitFor } from '../replication/helpers';

export function hasSentinel(): boolean {
  const r = spawnSync('redis-sentinel', ['--version'], { encoding: 'latin1' });
  return r.status === 0 && /v=7\./.test(r.stdout);
}

export interface SentinelHandle {
  readonly port: number;
  readonly name: string;
  log(): string;
  /** SENTINEL ... through redis-cli */
  cli(...args: string[]): Promise<string>;
  /** the master's port as Sentinel reports it */
  masterPort(): Promise<number>;
  stop(): Promise<void>;
}

export interface SentinelTimings {
  downAfterMs: number;
  failoverTimeoutMs: number;
  /** sentinels that must agree the master is down @default 1 */
  quorum?: number;
}

export async function startSentinel(masterPort: number, t: SentinelTimings = { downAfterMs: 1000, failoverTimeoutMs: 6000 }): Promise<SentinelHandle> {
  const port = await getFreePort();
  const dir = mkdtempSync(join(tmpdir(), 'replikit-sentinel-'));
  const conf = join(dir, 'sentinel.conf');
  const name = 'mymaster';
  writeFileSync(
    conf,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      'daemonize no',
      'protected-mode no',
      `dir ${dir}`,
      `sentinel monitor ${name} 127.0.0.1 ${masterPort} ${t.quorum ?? 1}`,
      `sentinel down-after-milliseconds ${name} ${t.downAfterMs}`,
      `sentinel failover-timeout ${name} ${t.failoverTimeoutMs}`,
      `sentinel parallel-syncs ${name} 2`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('redis-sentinel', [conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString('latin1')));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString('latin1')));
  // 'close': the process exited and its stdio pipes are closed too
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const cli = async (...args: string[]): Promise<string> => (await redisCliAsync(port, args)).out.replace(/[\r\n]+$/, '');
  await waitFor('sentinel up', async () => (await cli('PING')) === 'PONG', 10000);
  return {
    port,
    name,
    log: () => out,
    cli,
    async masterPort() {
      const lines = (await cli('SENTINEL', 'get-master-addr-by-name', name)).split('\n');
      return Number(lines[1]);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
