/** The real redis-cli binary against replikit-server: one-shot commands, stdin, --pipe, RESP3, AUTH, unix socket. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRedisCli, hasRedisCli } from '@replikit/test-utils';
import { startReplikit, type Started } from './helpers';

// skips loudly without redis-cli; fails instead under REPLIKIT_REQUIRE_REDIS=1
const describeCli = hasRedisCli() ? describe : describe.skip;

function cli(args: string[], input?: string | Buffer): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(findRedisCli() ?? 'redis-cli', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('latin1');
    });
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('latin1');
    });
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
    if (input !== undefined) p.stdin.end(input);
    else p.stdin.end();
  });
}

describeCli('redis-cli', () => {
  let srv: Started;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'replikit-cli-'));
    srv = await startReplikit({ unixsocket: join(dir, 'replikit.sock'), users: [{ name: 'repl', passwords: ['rp'] }] });
  });
  afterAll(async () => {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const p = () => ['-p', String(srv.port)];

  it('one-shot commands and errors', async () => {
    expect((await cli([...p(), 'PING'])).stdout).toBe('PONG\n');
    expect((await cli([...p(), 'SET', 'cli:k', 'hello world'])).stdout).toBe('OK\n');
    expect((await cli([...p(), 'GET', 'cli:k'])).stdout).toBe('hello world\n');
    expect((await cli([...p(), 'NOPE', 'x'])).stdout).toBe("ERR unknown command 'NOPE', with args beginning with: 'x' \n\n");
    expect((await cli([...p(), '-n', '4', 'SET', 'cli:db4', 'v'])).stdout).toBe('OK\n');
    expect((await cli([...p(), '-n', '4', 'DBSIZE'])).stdout).toBe('1\n');
    expect((await cli([...p(), 'CLIENT', 'LIST'])).stdout).toMatch(/^id=\d+ addr=127\.0\.0\.1:\d+ laddr=127\.0\.0\.1:\d+ fd=\d+ name= .* cmd=client\|list user=default redir=-1 resp=2\n$/);
  });

  it('commands from stdin, RESP3, users, unix socket', async () => {
    expect((await cli(p(), 'SET cli:a 1\nINCR cli:a\nGET cli:a\n')).stdout).toBe('OK\n2\n2\n');
    expect((await cli([...p(), '-3', 'HELLO'])).stdout).toMatch(/^server redis\nversion 7\.0\.15\nproto 3\nid \d+\nmode standalone\nrole master\nmodules \n$/);
    expect((await cli([...p(), '--user', 'repl', '--pass', 'rp', '--no-auth-warning', 'PING'])).stdout).toBe('PONG\n');
    expect((await cli([...p(), '--user', 'repl', '--pass', 'bad', '--no-auth-warning', 'PING'])).stderr).toMatch(/AUTH failed: WRONGPASS invalid username-password pair or user is disabled/);
    expect((await cli(['-s', join(dir, 'replikit.sock'), 'ECHO', 'via unix socket'])).stdout).toBe('via unix socket\n');
  });

  it('--pipe mass insertion: 20000 commands, no errors', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 20000; i++) {
      const k = `pipe:${i}`;
      const v = `value-${i}`;
      lines.push(`*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$${v.length}\r\n${v}\r\n`);
    }
    const r = await cli([...p(), '--pipe'], lines.join(''));
    expect(r.stdout).toMatch(/errors: 0, replies: 20000/);
    expect(r.code).toBe(0);
    expect((await cli([...p(), 'GET', 'pipe:19999'])).stdout).toBe('value-19999\n');
  });

  it('--pipe reports error replies', async () => {
    const r = await cli([...p(), '--pipe'], '*2\r\n$3\r\nGET\r\n$1\r\nx\r\n*1\r\n$3\r\nGET\r\n');
    expect(r.stdout + r.stderr).toMatch(/ERR wrong number of arguments for 'get' command/);
    expect(r.stdout).toMatch(/errors: 1, replies: 2/);
  });
});
