/**
 * Resumable change streams under SIGKILL (bounded): the follower of examples/change-stream-sink.ts
 * (a change stream with a file cursor mirroring a real redis-server into a JSON-lines sink) is
 * killed at seeded random points while non-idempotent writes continue (sometimes before it even
 * finished its snapshot) and restarted each time. Before each restart the test reads the saved
 * cursor and the master's backlog range: when the backlog covers the cursor, the restart must be a
 * partial resync (the master's sync_partial_ok grows, sync_full does not); otherwise a full sync,
 * announced as `sync:reset` when there was a cursor. One round shrinks the master's backlog while
 * the follower is down, to force that reset. At the end the sink chains offset to offset (no gap,
 * no command twice) and, replayed, equals the master's dataset.
 *
 * REPLIKIT_CHANGE_STREAM_KILLS sets the number of kills (default 12); REPLIKIT_TEST_SEED replays
 * the kill points.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CursorPosition, type CursorStore, decodeCursorFile } from '@replikit/replica';
import { createLmdbCursorStore } from '@replikit/storage-lmdb';
import { hasRedis, type RedisServerHandle, seededRandom, startRedisServer, testSeed } from '@replikit/test-utils';
import Redis from 'ioredis';
import { checkChain, readMaster, readSink, replaySink, sinkPosition } from '../../examples/change-stream-sink';
import { bundleFollower, type Follower, type FollowerBundle, startFollower } from './follower-process';

const describeRedis = hasRedis() ? describe : describe.skip;
const KILLS = Number(process.env.REPLIKIT_CHANGE_STREAM_KILLS ?? 12);
const BIG_BACKLOG = 16 * 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function info(c: Redis): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const line of (await c.info()).split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

describeRedis('change stream with a file cursor, follower SIGKILLed under writes', () => {
  let master: RedisServerHandle | undefined;
  let bundle: FollowerBundle | undefined;
  let follower: Follower | undefined;
  let dir: string | undefined;
  const clients: Redis[] = [];

  beforeAll(() => {
    bundle = bundleFollower();
  });
  afterAll(async () => {
    await follower?.kill();
    for (const c of clients) c.disconnect();
    await master?.stop();
    bundle?.dispose();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it(`${KILLS} kills: partial resync whenever the backlog covers the cursor, sync:reset otherwise; the sink equals the master`, async () => {
    const rand = seededRandom(testSeed('change-stream-crash'));
    master = await startRedisServer({ config: { 'repl-backlog-size': BIG_BACKLOG, 'repl-diskless-sync-delay': 0 } });
    dir = mkdtempSync(join(tmpdir(), 'replikit-cs-crash-'));
    const c = new Redis({ port: master.port, host: '127.0.0.1' });
    const w = new Redis({ port: master.port, host: '127.0.0.1' });
    clients.push(c, w);
    // a snapshot large enough that some kills land inside it
    const pipe = c.pipeline();
    for (let i = 0; i < 10_000; i++) pipe.set(`pre:${i}`, `v${i}`.padEnd(64, '.'));
    await pipe.exec();

    let stop = false;
    let n = 0;
    const writer = (async () => {
      while (!stop) {
        n++;
        await w.incr('counter');
        await w.rpush('events', `e${n}`);
        if (n % 3 === 0) await w.multi().incr('tx').rpush('txlog', `t${n}`).hset('h', `f${n % 7}`, `${n}`).exec();
        if (n % 5 === 0) await w.multi().select(1).set(`k${n % 11}`, `${n}`).incrby('sum', n).select(0).exec();
        if (n % 10 === 0) await sleep(10);
      }
    })();

    const cursorPath = join(dir, 'cursor.json');
    const resetRound = 2 + Math.floor(rand() * Math.max(1, KILLS - 3));
    let partials = 0;
    /** restarts after a kill that waited for their sync, the forced reset's aside */
    let waited = 0;
    let resets = 0;
    let forcedReset = false;
    const start = async (round: number, waitSync: boolean): Promise<void> => {
      const cursor: CursorPosition | undefined = existsSync(cursorPath) ? decodeCursorFile(readFileSync(cursorPath), cursorPath) : undefined;
      const before = await info(c);
      const first = Number(before.repl_backlog_first_byte_offset);
      const covered = cursor !== undefined && cursor.offset >= 0 && cursor.replid === before.master_replid && cursor.offset + 1 >= first && cursor.offset <= Number(before.master_repl_offset);
      if (round === resetRound) expect({ round, covered }).toEqual({ round, covered: false });
      follower = startFollower(bundle as FollowerBundle, (master as RedisServerHandle).port, dir as string);
      if (!waitSync) return;
      if (round > 0 && round !== resetRound) waited++;
      const synced = await follower.waitFor(/^follower: synced /);
      const after = await info(c);
      const ctx = `round ${round}, cursor ${JSON.stringify(cursor)}, backlog from ${first}`;
      if (covered) {
        expect({ ctx, kind: synced.split(' ')[2] }).toEqual({ ctx, kind: 'partial' });
        expect({ ctx, partial: Number(after.sync_partial_ok) - Number(before.sync_partial_ok), full: Number(after.sync_full) - Number(before.sync_full) }).toEqual({ ctx, partial: 1, full: 0 });
        partials++;
      } else {
        expect({ ctx, kind: synced.split(' ')[2] }).toEqual({ ctx, kind: 'full' });
        expect({ ctx, full: Number(after.sync_full) - Number(before.sync_full) }).toEqual({ ctx, full: 1 });
        // a cursor that cannot be continued is announced before the snapshot; besides the forced
        // round, the only such cursor is one saved inside a snapshot (a kill during the rebuild)
        if (cursor !== undefined) {
          expect(follower.lines.some((l) => l.startsWith('follower: reset:'))).toBe(true);
          if (round === resetRound) forcedReset = true;
          else expect({ ctx, offset: cursor.offset }).toEqual({ ctx, offset: -1 });
          resets++;
        }
      }
    };

    await start(0, true);
    for (let round = 1; round <= KILLS; round++) {
      // killed at a random point after its (re)start: often mid-stream, sometimes mid-snapshot
      await sleep(30 + Math.floor(rand() * 700));
      await follower?.kill();
      await sleep(Math.floor(rand() * 300));
      if (round === resetRound) {
        // a backlog far too small for what is written while the follower is down
        await c.config('SET', 'repl-backlog-size', '16384');
        for (let i = 0; i < 40; i++) await c.set(`filler:${i % 4}`, 'x'.repeat(4096));
      }
      // a random kill may land before the restart synced; the next round's expectations come from the cursor
      await start(round, round === resetRound || rand() < 0.8);
      if (round === resetRound) await c.config('SET', 'repl-backlog-size', String(BIG_BACKLOG));
    }
    await follower?.waitFor(/^follower: synced /);
    stop = true;
    await writer;

    const target = Number((await info(c)).master_repl_offset);
    const sinkPath = join(dir, 'sink.jsonl');
    while ((sinkPosition(readSink(sinkPath))?.offset ?? -1) < target) await sleep(250);
    expect(await follower?.stop()).toBe(0);
    const lines = readSink(sinkPath);
    // throws at the first offset that is not the previous one plus the command's length
    expect(checkChain(lines)).toBeGreaterThan(0);
    const mirror = replaySink(lines);
    const truth = await readMaster(c);
    expect(Object.fromEntries([...mirror].sort())).toEqual(Object.fromEntries([...truth].sort()));
    console.log(`change-stream-crash: ${KILLS} kills, ${partials} partial resyncs checked, ${resets} resets (forced in round ${resetRound}), ${lines.length} sink lines`);
    expect(forcedReset).toBe(true);
    // most waited-for restarts continue (a kill inside the first snapshot leaves no cursor to continue from)
    expect(partials).toBeGreaterThanOrEqual(Math.floor(waited / 2));
    // the clean stop saved the last acknowledged position
    expect(decodeCursorFile(readFileSync(join(dir, 'cursor.json')), 'cursor').offset).toBe(sinkPosition(lines)?.offset);
  }, 180_000);

  it('the LMDB cursor store fits the CursorStore contract', async () => {
    const d = mkdtempSync(join(tmpdir(), 'replikit-cs-lmdb-'));
    try {
      const lmdb = createLmdbCursorStore({ dir: d });
      const store: CursorStore = lmdb;
      await store.save({ replid: 'd'.repeat(40), offset: 12, db: 1 });
      expect(await store.load()).toEqual({ replid: 'd'.repeat(40), offset: 12, db: 1 });
      await lmdb.close();
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
