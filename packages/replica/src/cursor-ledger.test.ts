// What an ack means for the cursor: snapshot items, commands, MULTI blocks, SELECTs, and acks
// across a reset (two histories whose offsets overlap).
import { CursorLedger } from './cursor-ledger';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('cursor ledger', () => {
  it('snapshot:start gives offset -1, entries nothing, snapshot:end the snapshot offset with repl-stream-db', () => {
    const l = new CursorLedger();
    const start = {};
    const end = {};
    l.snapshotStart(start, A, 100);
    expect(l.ackItem('snapshot:entry', {})).toBeUndefined();
    expect(l.ackItem('snapshot:start', start)).toEqual({ replid: A, offset: -1, db: 0 });
    // acked twice: nothing new
    expect(l.ackItem('snapshot:start', start)).toBeUndefined();
    l.snapshotEnd(end, 5);
    expect(l.ackItem('snapshot:end', end)).toEqual({ replid: A, offset: 100, db: 5 });
    expect(l.ackItem('snapshot:end', end)).toBeUndefined();
  });

  it('a command gives its offset and the db after it; inside a MULTI block the offset before the MULTI', () => {
    const l = new CursorLedger();
    l.resumed({ replid: A, offset: 10, db: 2 });
    l.command(['SET', 'k', 'v'], 10, 20);
    l.command(['SELECT', '4'], 20, 30);
    l.command(['MULTI'], 30, 40);
    l.command(['INCR', 'n'], 40, 50);
    l.command(['EXEC'], 50, 60);
    l.command(['SELECT', '7'], 60, 70);
    l.command(['MULTI'], 70, 80);
    l.command(['INCR', 'n'], 80, 90);
    expect(l.ackOffset(20)).toEqual({ replid: A, offset: 20, db: 2 });
    expect(l.ackOffset(40)).toEqual({ replid: A, offset: 30, db: 4 });
    // still before the block: nothing new
    expect(l.ackOffset(50)).toBeUndefined();
    expect(l.ackOffset(60)).toEqual({ replid: A, offset: 60, db: 4 });
    // an open block (EXEC not handed out yet)
    expect(l.ackOffset(90)).toEqual({ replid: A, offset: 70, db: 7 });
    l.command(['EXEC'], 90, 100);
    expect(l.ackOffset(100)).toEqual({ replid: A, offset: 100, db: 7 });
    // already covered, and never handed out
    expect(l.ackOffset(60)).toBeUndefined();
    expect(() => l.ackOffset(101)).toThrow(expect.objectContaining({ code: 'ERR_REPLICA_CURSOR_ACK' }));
  });

  it('acks resolve against the oldest history that handed the offset out; acking the new history drops the old', () => {
    const l = new CursorLedger();
    l.resumed({ replid: A, offset: 500, db: 0 });
    l.command(['SET', 'x', '1'], 500, 520);
    l.command(['SET', 'x', '2'], 520, 540);
    // a full sync from another master whose offsets overlap the old ones
    const start = {};
    const end = {};
    l.snapshotStart(start, B, 400);
    l.snapshotEnd(end, 0);
    l.command(['SET', 'y', '1'], 400, 520);
    expect(l.size).toBe(2);
    // the app still works through the old history
    expect(l.ackOffset(520)).toEqual({ replid: A, offset: 520, db: 0 });
    expect(l.ackOffset(540)).toEqual({ replid: A, offset: 540, db: 0 });
    expect(l.ackItem('snapshot:start', start)).toEqual({ replid: B, offset: -1, db: 0 });
    expect(l.size).toBe(1);
    expect(l.ackOffset(520)).toEqual({ replid: B, offset: 520, db: 0 });
  });

  it('a +CONTINUE with a new replid: later acks carry the new id', () => {
    const l = new CursorLedger();
    l.resumed({ replid: A, offset: 0, db: 0 });
    l.command(['SET', 'k', 'v'], 0, 30);
    l.replidChanged(B);
    l.command(['SET', 'k', 'w'], 30, 60);
    expect(l.ackOffset(60)).toEqual({ replid: B, offset: 60, db: 0 });
  });
});
