// A change stream over an in-memory link: snapshot entries and commands in order, and the master
// link paused while the iterator lags (then resumed, nothing lost).
import { encodeCommandToBuffer } from '@replikit/resp';
import { type ChangeEvent, type ChangeStream, createChangeStream } from './change-stream';
import { until } from './testing/redis-compare';
import { MARK, REPLID_A, type ScriptedMaster, scriptedConnector, smallRdb } from './testing/scripted-master';

describe('change stream over an in-memory link', () => {
  let cs: ChangeStream | undefined;
  afterEach(async () => {
    await cs?.close();
    cs = undefined;
  });

  it('snapshot entries then commands; the link pauses past the high-water mark and resumes as the iterator reads', async () => {
    let master!: ScriptedMaster;
    cs = createChangeStream({ connect: scriptedConnector((m) => (master = m)) }, { highWaterMark: 8 });
    await until(() => master !== undefined, 'a connection');
    expect(await master.next()).toEqual(['PING']);
    master.send('+PONG\r\n');
    await master.next();
    await master.next();
    master.send('+OK\r\n+OK\r\n');
    expect(await master.next()).toEqual(['PSYNC', '?', '-1']);
    const rdb = smallRdb({ k1: 'a', k2: 'b' }, { replId: REPLID_A, offset: 10, streamDb: 5 });
    master.send(Buffer.concat([Buffer.from(`+FULLRESYNC ${REPLID_A} 10\r\n$EOF:${MARK}\r\n`), rdb, Buffer.from(MARK)]));
    const stream = Array.from({ length: 100 }, (_, i) => encodeCommandToBuffer(['SET', `key${i}`, `${i}`]));
    // one chunk per command: the link can pause between them
    for (const c of stream) master.send(c);
    const it = cs[Symbol.asyncIterator]();
    await until(() => cs?.replica.linkPaused === true, 'the link to pause');
    const events: ChangeEvent[] = [];
    for (let i = 0; i < 104; i++) {
      const r = await it.next();
      expect(r.done).toBe(false);
      events.push(r.value as ChangeEvent);
    }
    expect(events.slice(0, 4).map((e) => (e.type === 'snapshot:entry' ? `${e.type} ${e.db} ${e.key.toString()}` : e.type)).sort()).toEqual([
      'snapshot:end',
      'snapshot:entry 0 k1',
      'snapshot:entry 0 k2',
      'snapshot:start',
    ]);
    expect(events[0].type).toBe('snapshot:start');
    expect(events[3].type).toBe('snapshot:end');
    let offset = 10;
    for (let i = 0; i < 100; i++) {
      offset += stream[i].length;
      // the stream continues in repl-stream-db (5) without a SELECT
      expect(events[4 + i]).toEqual({ type: 'command', argv: ['SET', `key${i}`, `${i}`], db: 5, offset });
    }
    expect(cs.position).toEqual({ replid: REPLID_A, offset, db: 5 });
    expect(cs.replica.linkPaused).toBe(false);
  });
});
