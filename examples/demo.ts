/**
 * The replikit demo: what exists today, end to end, in one process.
 *
 *  1. replikit-server starts in-process (configured like redis-server) and a client talks RESP to it.
 *  2. Every write the server executes comes out as the exact commands Redis 7.0 would propagate;
 *     they are encoded once and appended to a replication backlog.
 *  3. A second keyspace applies that stream through the replica-side framer (a preview of the
 *     replication wave), and PSYNC decisions are made against the backlog.
 *  4. SAVE writes an RDB; our reader reads it back, and, when redis-server is installed, a real
 *     Redis 7.0 loads it.
 *
 * Run with `pnpm demo` (after `pnpm install && pnpm build`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer as createNetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReplicationBacklog, ReplicationIdentity, decidePsync } from '@replikit/backlog';
import { createKeyspace } from '@replikit/keyspace';
import { readRdbFile } from '@replikit/rdb';
import { ErrorReply, ReplicationStreamFramer, SimpleString, createReplyParser, encodeCommand, encodeCommandToBuffer } from '@replikit/resp';
import type { PropagatedCommand } from '@replikit/keyspace';
import { createServerFromConfig, loadConfigFromArgs } from '@replikit/server';

const line = (title: string) => console.log(`\n── ${title} ${'─'.repeat(Math.max(0, 70 - title.length))}`);
const show = (argv: readonly string[]) => argv.map((a) => (/^[\x21-\x7e]+$/.test(a) ? a : JSON.stringify(a))).join(' ');

/** A tiny RESP client over a socket: one command at a time, replies parsed with redis-parser. */
class Client {
  private readonly pending: Array<(r: unknown) => void> = [];
  private readonly parser = createReplyParser({ onReply: (r) => this.pending.shift()?.(r) });
  constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => this.parser.write(d));
  }
  static open(port: number): Promise<Client> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1' }, () => resolve(new Client(s)));
      s.once('error', reject);
    });
  }
  call(...argv: string[]): Promise<unknown> {
    return new Promise((resolve) => {
      this.pending.push(resolve);
      this.socket.write(encodeCommandToBuffer(argv));
    });
  }
  close(): void {
    this.socket.end();
  }
}

const fmt = (r: unknown): string => {
  if (r instanceof ErrorReply) return `(error) ${r.message}`;
  if (r instanceof SimpleString) return r.value;
  if (Buffer.isBuffer(r)) return JSON.stringify(r.toString('latin1'));
  if (Array.isArray(r)) return `[${r.map(fmt).join(', ')}]`;
  return String(r);
};

/** A free TCP port on 127.0.0.1 (in redis-server's config, port 0 means "no TCP listener"). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'replikit-demo-'));
  const port = await freePort();
  // 1. a server configured exactly like redis-server would be
  const { config } = loadConfigFromArgs(['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--loglevel', 'warning']);
  const node = createServerFromConfig(config);
  await node.start();
  line(`replikit-server listening on 127.0.0.1:${port}`);

  // 2. propagation: every executed write, as Redis 7.0 would put it in the replication stream
  const ids = new ReplicationIdentity();
  const backlog = new ReplicationBacklog({ size: 1024 * 1024, startOffset: 0 });
  const stream: string[][] = [];
  let streamDb = -1;
  node.server.on('command:propagate', (writes: readonly PropagatedCommand[]) => {
    for (const w of writes) {
      if (w.db !== streamDb) {
        // a master emits SELECT whenever the stream's db changes
        stream.push(['SELECT', String(w.db)]);
        backlog.appendChunks(encodeCommand(['SELECT', String(w.db)]));
        streamDb = w.db;
      }
      stream.push([...w.argv]);
      backlog.appendChunks(encodeCommand(w.argv, 'latin1'));
    }
  });

  const client = await Client.open(port);
  const commands: string[][] = [
    ['SET', 'greeting', 'hello', 'EX', '3600'],
    ['INCR', 'visits'],
    ['INCRBYFLOAT', 'visits', '0.5'],
    ['HSET', 'user:1', 'name', 'Ada', 'lang', 'TypeScript'],
    ['RPUSH', 'queue', 'a', 'b', 'c'],
    ['LPOP', 'queue'],
    ['SADD', 'tags', 'fast', 'small', 'typed'],
    ['ZADD', 'board', '10', 'alice', '20', 'bob'],
    ['GETSET', 'greeting', 'bonjour'],
    ['EXPIRE', 'board', '600'],
    ['SET', 'nothing', 'changes', 'XX'],
    ['GET', 'greeting'],
    ['HGETALL', 'user:1'],
  ];
  line('client commands and replies');
  for (const c of commands) console.log(`> ${show(c).padEnd(44)} ${fmt(await client.call(...c))}`);
  await client.call('MULTI');
  await client.call('INCR', 'hits');
  await client.call('SADD', 'tags', 'tested');
  console.log(`> ${'MULTI; INCR hits; SADD tags tested; EXEC'.padEnd(44)} ${fmt(await client.call('EXEC'))}`);

  line('replication stream (what a Redis 7.0 master sends its replicas)');
  for (const argv of stream) console.log(`  ${show(argv)}`);
  console.log(`  master_repl_offset=${backlog.masterReplOffset} histlen=${backlog.histlen} replid=${ids.replid}`);

  // 3. a replica preview: apply the stream bytes to another keyspace through the framer
  const replica = createKeyspace({ role: 'replica' });
  let db = 0;
  let applied = 0;
  const framer = new ReplicationStreamFramer({
    onCommand(argv, bytes) {
      if (argv[0].toLowerCase() === 'select') db = Number(argv[1]);
      else replica.execute(argv, { db, fromMaster: true });
      applied += bytes;
    },
  });
  framer.streamOnly();
  for (const view of backlog.read(backlog.firstByteOffset)) framer.write(Buffer.from(view));
  const check = ['greeting', 'visits', 'hits', 'user:1', 'queue', 'tags', 'board'];
  const same = check.every((k) => {
    const a = node.keyspace.execute(['DUMP', k], { db: 0 }).reply;
    const b = replica.execute(['DUMP', k], { db: 0 }).reply;
    return JSON.stringify(a) === JSON.stringify(b);
  });
  line('replica preview');
  console.log(`  applied ${applied} stream bytes; replica offset ${applied} == master offset ${backlog.masterReplOffset}: ${applied === backlog.masterReplOffset}`);
  console.log(`  replica dataset equals master's: ${same}`);
  console.log(`  replica GET greeting -> ${JSON.stringify(replica.execute(['GET', 'greeting'], { db: 0 }).reply)}`);
  for (const off of [1, 40, backlog.masterReplOffset + 1, backlog.masterReplOffset + 2]) {
    const d = decidePsync({ replid: ids.replid, offset: off }, ids, backlog);
    console.log(`  PSYNC ${ids.replid.slice(0, 8)}… ${String(off).padEnd(4)} -> ${d.kind === 'continue' ? `+CONTINUE (send ${backlog.masterReplOffset - off + 1} bytes)` : `+FULLRESYNC (${d.reason})`}`);
  }
  console.log(`  PSYNC ? -1      -> ${decidePsync({ replid: '?', offset: -1 }, ids, backlog).kind}`);

  // 4. snapshot to RDB, read it back, and load it in a real redis-server when there is one
  line('RDB snapshot');
  console.log(`> SAVE -> ${fmt(await client.call('SAVE'))}`);
  const rdbPath = join(dir, 'dump.rdb');
  const file = await readRdbFile(rdbPath);
  console.log(`  ${rdbPath}: RDB version ${file.version}, ${file.entries.length} keys, checksum ok`);
  for (const e of file.entries) {
    const ttl = e.expireAtMs >= 0 ? ` (expires in ${Math.round((e.expireAtMs - Date.now()) / 1000)}s)` : '';
    console.log(`    ${e.key.toString('latin1').padEnd(10)} ${e.value.type}${ttl}`);
  }
  client.close();
  await node.close();
  replica.close();

  const redis = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (redis.status === 0) {
    const realPort = await freePort();
    const child = spawn('redis-server', ['--port', String(realPort), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--dbfilename', 'dump.rdb', '--daemonize', 'no'], { stdio: 'ignore' });
    try {
      let c: Client | undefined;
      for (let i = 0; i < 100 && !c; i++) {
        c = await Client.open(realPort).catch(() => undefined);
        if (!c) await new Promise((r) => setTimeout(r, 50));
      }
      if (c) {
        console.log(`  real ${redis.stdout.split(' ').slice(0, 3).join(' ')} loaded it: DBSIZE ${fmt(await c.call('DBSIZE'))}, GET greeting ${fmt(await c.call('GET', 'greeting'))}, ZRANGE board 0 -1 WITHSCORES ${fmt(await c.call('ZRANGE', 'board', '0', '-1', 'WITHSCORES'))}`);
        c.close();
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  } else {
    console.log('  (redis-server is not installed: skipping the load into a real Redis)');
  }
  rmSync(dir, { recursive: true, force: true });
  line('done');
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
