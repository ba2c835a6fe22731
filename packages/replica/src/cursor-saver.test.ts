// Batched cursor saves: every N acks, at once when urgent, one save in flight (the newest position
// taken when it starts), a failed background save reported and retried, the last one on close.
import { CursorSaver } from './cursor-saver';
import type { CursorPosition, CursorStore } from './cursor-store';
import type { ReplicaError } from './errors';

const R = 'e'.repeat(40);
const at = (offset: number): CursorPosition => ({ replid: R, offset, db: 0 });

/** A store whose saves complete when the test says so. */
function heldStore() {
  const calls: Array<{ p: CursorPosition; done: () => void; fail: (e: Error) => void }> = [];
  const store: CursorStore = {
    load: async () => undefined,
    save: (p) => new Promise<void>((resolve, reject) => calls.push({ p, done: resolve, fail: reject })),
  };
  return { store, calls };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('cursor saver', () => {
  let saver: CursorSaver | undefined;
  afterEach(async () => {
    await saver?.close().catch(() => {});
  });

  it('saves every N acks, one save at a time, the newest position when the next one starts', async () => {
    const { store, calls } = heldStore();
    saver = new CursorSaver(store, { intervalMs: 3_600_000, everyAcks: 3, onError: () => {} });
    saver.ack(at(1), false);
    saver.ack(at(2), false);
    await tick();
    expect(calls).toHaveLength(0);
    saver.ack(at(3), false);
    await tick();
    expect(calls.map((c) => c.p.offset)).toEqual([3]);
    // while it is in flight, more batches come due: one save follows, with the newest position
    for (let i = 4; i <= 9; i++) saver.ack(at(i), false);
    await tick();
    expect(calls).toHaveLength(1);
    calls[0].done();
    await tick();
    await tick();
    expect(calls.map((c) => c.p.offset)).toEqual([3, 9]);
    expect(saver.saved).toEqual(at(3));
    calls[1].done();
    await tick();
    expect(saver.saved).toEqual(at(9));
  });

  it('an urgent ack saves at once; close saves the last acknowledged position', async () => {
    const { store, calls } = heldStore();
    saver = new CursorSaver(store, { intervalMs: 3_600_000, everyAcks: 1000, onError: () => {} });
    saver.ack(at(-1), true);
    await tick();
    expect(calls.map((c) => c.p.offset)).toEqual([-1]);
    calls[0].done();
    saver.ack(at(50), false);
    const closing = saver.close();
    await tick();
    await tick();
    expect(calls.map((c) => c.p.offset)).toEqual([-1, 50]);
    calls[1].done();
    await closing;
    expect(saver.saved).toEqual(at(50));
  });

  it('a failed background save is reported and retried with the next batch; a failed final save rejects close', async () => {
    const { store, calls } = heldStore();
    const errors: ReplicaError[] = [];
    saver = new CursorSaver(store, { intervalMs: 3_600_000, everyAcks: 1, onError: (e) => errors.push(e) });
    saver.ack(at(10), false);
    await tick();
    calls[0].fail(new Error('disk full'));
    await tick();
    await tick();
    expect(errors.map((e) => e.code)).toEqual(['ERR_REPLICA_CURSOR_STORE']);
    expect(saver.saved).toBeUndefined();
    saver.ack(at(11), false);
    await tick();
    expect(calls.map((c) => c.p.offset)).toEqual([10, 11]);
    calls[1].done();
    await tick();
    expect(saver.saved).toEqual(at(11));
    saver.ack(at(12), false);
    await tick();
    const closing = saver.close();
    calls[2].fail(new Error('disk gone'));
    await tick();
    await tick();
    calls[3].fail(new Error('disk gone'));
    await expect(closing).rejects.toMatchObject({ code: 'ERR_REPLICA_CURSOR_STORE' });
    saver = undefined;
  });
});
