/**
 * A change stream following a real redis-server 7.0: the snapshot entry by entry, then every
 * command of the replication stream with its db and offset, read with `for await`. Then the
 * position is saved, the stream closed, more writes happen, and a new stream resumes from the
 * saved position with a partial resync (no snapshot, only the missed commands).
 *
 * The redis-server is started here on a free loopback port and stopped by pid. Without one, the
 * example says so loudly and exits 0, or 1 when REPLIKIT_REQUIRE_REDIS is set (as in CI).
 *
 * Run: `pnpm build && pnpm exec tsx examples/change-stream-redis.ts`
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChangeEvent, createChangeStream, tcpConnector } from '@replikit/replica';
import Redis from 'ioredis';

let redis: ChildProcess | undefined;
process.on('exit', () => {
  if (redis?.pid !== undefined && redis.exitCode === null && redis.signalCode === null) redis.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });
}

const show = (argv: string[]) => argv.map((a) => (/^[\x21-\x7e]+$/.test(a) ? a : JSON.stringify(a))).join(' ');

function describe(ev: ChangeEvent): string {
  switch (ev.type) {
    case 'snapshot:start':
      return `snapshot of ${ev.replid.slice(0, 8)}… at offset ${ev.offset}`;
    case 'snapshot:entry': {
      const ttl = ev.expireAt >= 0 ? `, expires in ${Math.round((ev.expireAt - Date.now()) / 1000)} s` : '';
      return `  db ${ev.db}  ${ev.key.toString('latin1')} (${ev.value.type}${ttl})`;
    }
    case 'snapshot:end':
      return `end of snapshot: ${ev.keys} keys; the stream continues after offset ${ev.offset}`;
    case 'command':
      return `offset ${String(ev.offset).padStart(5)}  db ${ev.db}  ${show(ev.argv)}`;
  }
}

async function main(): Promise<void> {
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    const bar = '!'.repeat(78);
    console.warn(`${bar}\n!!! redis-server is not installed: this example needs a real Redis 7.0 to follow.\n!!! apt-get install -y redis-server (Debian's 7.0) and run it again.\n${bar}`);
    process.exit(process.env.REPLIKIT_REQUIRE_REDIS ? 1 : 0);
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'replikit-change-stream-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--daemonize', 'no', '--dir', dir, '--repl-diskless-sync-delay', '0'];
  redis = spawn('redis-server', args, { stdio: 'ignore' });
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {
    // refused connects while redis-server starts; commands report any later failure
  });
  try {
    for (let i = 0; ; i++) {
      try {
        await client.connect();
        break;
      } catch (e) {
        client.disconnect();
        if (i > 100) throw e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    console.log(`redis-server ${(await client.info('server')).match(/redis_version:(\S+)/)?.[1]} pid ${redis.pid} on 127.0.0.1:${port}`);

    // data that the snapshot will carry
    await client.set('greeting', 'hello');
    await client.hset('user:1', 'name', 'Ada', 'lang', 'TypeScript');
    await client.set('session', 'abc', 'EX', 3600);
    await client.select(3);
    await client.rpush('queue', 'a', 'b');
    await client.select(0);

    // ---- follow it: the snapshot, then the live stream ----
    const connect = tcpConnector('127.0.0.1', port);
    const stream = createChangeStream({ connect });
    stream.on('error', (e) => console.error(`change stream: ${e.code}: ${e.message}`));
    for await (const ev of stream) {
      console.log(describe(ev));
      if (ev.type === 'snapshot:end') {
        // writes after the snapshot come as commands (Redis rewrites EXPIRE as PEXPIREAT, etc.)
        await client.incr('visits');
        await client.expire('greeting', 600);
        await client.select(2);
        await client.zadd('board', 10, 'alice', 20, 'bob');
        await client.select(0);
        await client.multi().incr('a').incr('b').exec();
        await client.del('session');
        await client.set('stop', 'here');
      }
      if (ev.type === 'command' && ev.argv[1] === 'stop') break; // ends the iterator and closes the stream
    }
    const position = stream.position;
    if (position === undefined) throw new Error('no position after a sync');
    console.log(`\nsaved position: replid ${position.replid.slice(0, 8)}… offset ${position.offset}; the stream is closed`);

    // ---- writes nobody follows, then resume from the saved position ----
    await client.set('missed:1', 'x');
    await client.lpush('missed:list', 'y');
    await client.set('stop', 'again');
    const resumed = createChangeStream({ connect, from: position });
    resumed.on('error', (e) => console.error(`change stream: ${e.code}: ${e.message}`));
    let snapshot = false;
    for await (const ev of resumed) {
      if (ev.type !== 'command') snapshot = true;
      console.log(describe(ev));
      if (ev.type === 'command' && ev.argv[2] === 'again') break;
    }
    const sync = (await client.info('stats')).match(/sync_partial_ok:(\d+)/)?.[1];
    console.log(`resumed ${snapshot ? 'with a FULL sync' : 'with a partial resync: no snapshot, only the missed commands'} (redis-server sync_partial_ok:${sync})`);
    if (snapshot) throw new Error('expected a partial resync');
  } finally {
    client.disconnect();
    if (redis.pid !== undefined && redis.exitCode === null) {
      const exited = new Promise((r) => redis?.once('exit', r));
      process.kill(redis.pid, 'SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
