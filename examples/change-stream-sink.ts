/**
 * A change stream mirrored into a JSON-lines sink, exactly once, across crashes: a follower process
 * follows a real redis-server with a file cursor (`createFileCursorStore`) and appends every
 * snapshot entry and command to `sink.jsonl`, each with its replication offset. It is killed with
 * SIGKILL while writes continue, twice, and restarted: it continues by a partial resync from the
 * cursor (the master's `sync_partial_ok` grows), gets again the few commands it had written but
 * whose ack was not saved yet (at-least-once), and skips those by their offset (the offset is
 * stored with each line, so applying is idempotent). At the end the sink has no gap (each offset
 * is the previous one plus the command's exact length), no command twice, and replayed it equals
 * the master's dataset, counters and lists included.
 *
 * The redis-server is started here on a free loopback port and stopped by pid, as are the
 * follower processes. Without redis-server the example says so loudly and exits 0 (1 when
 * REPLIKIT_REQUIRE_REDIS is set, as in CI).
 *
 * Run: `pnpm build && pnpm exec tsx examples/change-stream-sink.ts`
 * (the follower alone: `tsx change-stream-sink.ts --follower <port> <dir>`)
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChangeStream, createFileCursorStore, tcpConnector } from '@replikit/replica';
import Redis from 'ioredis';

// ---- the sink: one JSON line per item, each with its offset -----------------------------------

/** A line of the sink. Keys, values and argv are latin1 binary strings. */
export type SinkLine =
  | { t: 'reset'; replid: string; offset: number }
  | { t: 'entry'; db: number; key: string; type: string; value: unknown }
  | { t: 'end'; replid: string; offset: number }
  | { t: 'cmd'; db: number; offset: number; argv: string[] };

/** Reads the sink; a last line cut short by a crash is dropped (and cut off the file when `repair`). */
export function readSink(path: string, repair = false): SinkLine[] {
  if (!existsSync(path)) return [];
  const data = readFileSync(path);
  const end = data.lastIndexOf(0x0a) + 1;
  if (repair && end < data.length) {
    const fd = openSync(path, 'r+');
    ftruncateSync(fd, end);
    closeSync(fd);
  }
  return data
    .subarray(0, end)
    .toString('latin1')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as SinkLine);
}

/** Where the sink stands: the history and the offset of its last line, and whether its last snapshot is whole. */
export function sinkPosition(lines: SinkLine[]): { replid: string; offset: number; complete: boolean } | undefined {
  let pos: { replid: string; offset: number; complete: boolean } | undefined;
  for (const l of lines) {
    if (l.t === 'reset') pos = { replid: l.replid, offset: l.offset, complete: false };
    else if (l.t === 'end') pos = { replid: l.replid, offset: l.offset, complete: true };
    else if (l.t === 'cmd' && pos !== undefined) pos.offset = l.offset;
  }
  return pos;
}

/** The exact length of a command in the replication stream (RESP multibulk). */
export function commandBytes(argv: string[]): number {
  let n = `*${argv.length}\r\n`.length;
  for (const a of argv) {
    const len = Buffer.byteLength(a, 'latin1');
    n += `$${len}\r\n`.length + len + 2;
  }
  return n;
}

/**
 * Checks the sink from its last snapshot on: every command's offset is the previous offset plus
 * its own length (no gap, no command twice). Returns the number of commands.
 */
export function checkChain(lines: SinkLine[]): number {
  const from = lines.map((l) => l.t).lastIndexOf('reset');
  let offset = -1;
  let commands = 0;
  for (const l of lines.slice(from)) {
    if (l.t === 'end') offset = l.offset;
    if (l.t !== 'cmd') continue;
    const expected = offset + commandBytes(l.argv);
    if (l.offset !== expected) throw new Error(`sink chain broken at offset ${l.offset} (${l.argv.join(' ')}): expected ${expected}`);
    offset = l.offset;
    commands++;
  }
  return commands;
}

type Model = Map<string, { type: string; value: unknown }>;

/** Replays the sink from its last snapshot into `db:key -> value` (the commands this example writes). */
export function replaySink(lines: SinkLine[]): Model {
  const from = lines.map((l) => l.t).lastIndexOf('reset');
  const m: Model = new Map();
  for (const l of lines.slice(from)) {
    if (l.t === 'entry') m.set(`${l.db}:${l.key}`, { type: l.type, value: l.value });
    if (l.t !== 'cmd') continue;
    const [name, ...args] = l.argv;
    const k = (i: number) => `${l.db}:${args[i]}`;
    switch (name.toLowerCase()) {
      case 'set':
        m.set(k(0), { type: 'string', value: args[1] });
        break;
      case 'incr':
      case 'incrby': {
        const cur = m.get(k(0));
        const by = name.toLowerCase() === 'incr' ? 1 : Number(args[1]);
        m.set(k(0), { type: 'string', value: String(Number(cur?.value ?? 0) + by) });
        break;
      }
      case 'rpush': {
        const cur = (m.get(k(0))?.value as string[] | undefined) ?? [];
        m.set(k(0), { type: 'list', value: [...cur, ...args.slice(1)] });
        break;
      }
      case 'hset': {
        const cur = new Map((m.get(k(0))?.value as Array<[string, string]> | undefined) ?? []);
        for (let i = 1; i + 1 < args.length; i += 2) cur.set(args[i], args[i + 1]);
        m.set(k(0), { type: 'hash', value: [...cur].sort() });
        break;
      }
      case 'del':
        for (let i = 0; i < args.length; i++) m.delete(k(i));
        break;
      case 'select':
      case 'multi':
      case 'exec':
      case 'ping':
      case 'replconf':
        break;
      default:
        throw new Error(`the sink replay does not know ${name}`);
    }
  }
  return m;
}

/** The master's dataset in dbs 0 and 1 in the model's shape. */
export async function readMaster(c: Redis): Promise<Model> {
  const m: Model = new Map();
  for (const db of [0, 1]) {
    await c.select(db);
    for (const key of await c.keys('*')) {
      const type = await c.type(key);
      let value: unknown = null;
      if (type === 'string') value = await c.get(key);
      else if (type === 'list') value = await c.lrange(key, 0, -1);
      else if (type === 'hash') value = Object.entries(await c.hgetall(key)).sort();
      m.set(`${db}:${key}`, { type, value });
    }
  }
  await c.select(0);
  return m;
}

// ---- the follower process ----------------------------------------------------------------------

async function follower(port: number, dir: string): Promise<void> {
  const sinkPath = join(dir, 'sink.jsonl');
  const applied = sinkPosition(readSink(sinkPath, true));
  const fd = openSync(sinkPath, 'a');
  // one write() per line: a process killed at any moment leaves whole lines (and at most a torn last one)
  const append = (line: SinkLine) => writeSync(fd, `${JSON.stringify(line)}\n`, null, 'latin1');
  const stream = createChangeStream(
    { connect: tcpConnector('127.0.0.1', port), cursor: createFileCursorStore(join(dir, 'cursor.json')) },
    { cursorSaveEveryAcks: 100, cursorSaveIntervalMs: 200 },
  );
  stream.on('error', (e) => console.error(`follower: ${e.code}: ${e.message}`));
  stream.on('sync:reset', (prev, replid, offset) => console.log(`follower: reset: ${prev.replid.slice(0, 8)}…:${prev.offset} cannot be continued, new snapshot of ${replid.slice(0, 8)}… at ${offset}`));
  stream.replica.on('sync:done', (i) => console.log(`follower: synced ${i.kind} ${i.replid} ${i.offset}`));
  process.on('SIGTERM', () => {
    // a clean stop saves the acknowledged position
    stream.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  let pos = applied;
  let duplicates = 0;
  for await (const ev of stream) {
    switch (ev.type) {
      case 'snapshot:start':
        append({ t: 'reset', replid: ev.replid, offset: ev.offset });
        pos = { replid: ev.replid, offset: ev.offset, complete: false };
        break;
      case 'snapshot:entry': {
        const v = ev.value;
        const value =
          v.type === 'string' ? v.value.toString('latin1') : v.type === 'list' ? v.value.map((b) => b.toString('latin1')) : v.type === 'hash' ? v.value.map(([f, x]) => [f.toString('latin1'), x.toString('latin1')]).sort() : null;
        append({ t: 'entry', db: ev.db, key: ev.key.toString('latin1'), type: v.type, value });
        break;
      }
      case 'snapshot:end':
        append({ t: 'end', replid: ev.replid, offset: ev.offset });
        pos = { replid: ev.replid, offset: ev.offset, complete: true };
        break;
      case 'command':
        if (pos === undefined || !pos.complete) throw new Error('a command continues an unfinished snapshot');
        if (ev.offset <= pos.offset) {
          // handed out again after a crash: its effect is already in the sink
          duplicates++;
          break;
        }
        if (duplicates > 0) console.log(`follower: skipped ${duplicates} commands already in the sink`);
        duplicates = 0;
        append({ t: 'cmd', db: ev.db, offset: ev.offset, argv: ev.argv });
        pos.offset = ev.offset;
        break;
    }
    stream.ack(ev);
  }
}

// ---- the demonstration -------------------------------------------------------------------------

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

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) if (c.pid !== undefined && c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Starts the follower (this file with --follower) and resolves once it synced; its lines go to `log`. */
async function startFollower(port: number, dir: string, log: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--follower', String(port), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  await new Promise<void>((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) {
        log.push(l);
        console.log(`  ${l}`);
        if (l.startsWith('follower: synced')) resolve();
      }
    });
    child.once('exit', (code, sig) => reject(new Error(`the follower exited (${code ?? sig}) before it synced`)));
  });
  return child;
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    process.kill(child.pid as number, 'SIGKILL');
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stat = async (c: Redis, field: string) => Number((await c.info()).match(new RegExp(`${field}:(\\S+)`))?.[1]);

async function main(): Promise<void> {
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    const bar = '!'.repeat(78);
    console.warn(`${bar}\n!!! redis-server is not installed: this example needs a real Redis 7.0 to follow.\n!!! apt-get install -y redis-server (Debian's 7.0) and run it again.\n${bar}`);
    process.exit(process.env.REPLIKIT_REQUIRE_REDIS ? 1 : 0);
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'replikit-sink-'));
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--daemonize', 'no', '--dir', dir, '--repl-diskless-sync-delay', '0'], { stdio: 'ignore' });
  children.add(redis);
  const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => {
    // refused connects while redis-server starts; commands report any later failure
  });
  let stop = false;
  let writer: Promise<void> = Promise.resolve();
  let child: ChildProcess | undefined;
  try {
    for (let i = 0; ; i++) {
      try {
        await c.connect();
        break;
      } catch (e) {
        c.disconnect();
        if (i > 100) throw e;
        await sleep(50);
      }
    }
    await c.set('greeting', 'hello');
    await c.rpush('queue', 'a', 'b');
    await c.hset('user:1', 'name', 'Ada');
    const log: string[] = [];
    console.log(`redis-server pid ${redis.pid} on 127.0.0.1:${port}; follower sink in ${dir}`);
    child = await startFollower(port, dir, log);

    // writes that are not idempotent (INCR, RPUSH), in two dbs, some in MULTI blocks
    const w = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
    let n = 0;
    writer = (async () => {
      while (!stop) {
        n++;
        await w.incr('counter');
        await w.rpush('events', `e${n}`);
        if (n % 3 === 0) await w.multi().incr('tx').rpush('txlog', `t${n}`).hset('h', `f${n % 7}`, `${n}`).exec();
        if (n % 5 === 0) await w.multi().select(1).set(`k${n % 11}`, `${n}`).incrby('sum', n).select(0).exec();
        if (n % 10 === 0) await sleep(10);
      }
      w.disconnect();
    })();

    for (let round = 1; round <= 2; round++) {
      await sleep(1000);
      const before = await stat(c, 'sync_partial_ok');
      await kill(child);
      console.log(`SIGKILLed the follower (round ${round}) after ${n} write rounds; the writes go on`);
      await sleep(300);
      child = await startFollower(port, dir, log);
      const after = await stat(c, 'sync_partial_ok');
      console.log(`restarted: master sync_partial_ok ${before} -> ${after}`);
      if (after !== before + 1) throw new Error('expected a partial resync from the saved cursor');
    }
    await sleep(500);
    stop = true;
    await writer;

    // let the follower catch up with the master, then stop it cleanly
    const target = await stat(c, 'master_repl_offset');
    const sinkPath = join(dir, 'sink.jsonl');
    while ((sinkPosition(readSink(sinkPath))?.offset ?? -1) < target) await sleep(50);
    const exited = new Promise((r) => child?.once('exit', r));
    process.kill(child.pid as number, 'SIGTERM');
    await exited;

    const lines = readSink(sinkPath);
    const commands = checkChain(lines);
    const mirror = replaySink(lines);
    const master = await readMaster(c);
    const diff = [...new Set([...mirror.keys(), ...master.keys()])].filter((k) => JSON.stringify(mirror.get(k)) !== JSON.stringify(master.get(k)));
    const skipped = log.filter((l) => l.includes('skipped')).join('; ');
    console.log(`sink: ${lines.length} lines, ${commands} commands chained offset to offset (no gap, none twice); ${skipped || 'no command was handed out twice'}`);
    console.log(`counter: master ${await c.get('counter')}, sink ${String(mirror.get('0:counter')?.value)}; ${master.size} keys compared`);
    if (diff.length > 0) throw new Error(`the sink differs from the master at ${diff.join(', ')}`);
    console.log('the sink equals the master');
  } finally {
    stop = true;
    await writer.catch(() => {});
    c.disconnect();
    if (child !== undefined) await kill(child);
    if (redis.pid !== undefined && redis.exitCode === null) {
      const exited = new Promise((r) => redis.once('exit', r));
      process.kill(redis.pid, 'SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

const entry = process.argv[1] ?? '';
if (process.argv[2] === '--follower') {
  follower(Number(process.argv[3]), process.argv[4] as string).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
} else if (/change-stream-sink\.(ts|js|cjs|mjs)$/.test(entry)) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
