/** redis-cli run to completion (short commands against a real redis-server, never against this process). */
import { spawnSync } from 'node:child_process';
import { findRedisCli } from '@replikit/test-utils';

/** stdout of `redis-cli -p <port> <args...>` without the trailing newline (raw mode for non-tty). */
export function redisCli(port: number, ...args: string[]): string {
  const bin = findRedisCli();
  if (bin === null) throw new Error('redis-cli is not installed');
  const r = spawnSync(bin, ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'latin1', timeout: 10000 });
  if (r.status !== 0) throw new Error(`redis-cli ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.replace(/\n$/, '');
}
