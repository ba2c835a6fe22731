/**
 * Faulting in a load's slab memory on another thread. Writing a load's records into fresh memory
 * costs one page fault per 4 KiB page the first time a page is written (~9-14 µs each on the VM the
 * benchmarks run on: 0.3-0.4 s for the ~110 MB of 1M keys of 100-byte values). The open makes the
 * slabs ahead on shared memory (sized from the `slabBytes` hint) and a worker thread writes to one
 * word of each page, in the order the load fills them, while the main thread decodes and inserts;
 * the load then mostly finds its pages present. The worker changes no byte (an atomic OR with 0, so
 * a word the load wrote meanwhile keeps its value), and the load is correct whether or not it ran:
 * a worker that cannot start, fails or lags behind only costs the time it would have saved.
 */
import { Worker } from 'node:worker_threads';

/** int32 words per 4 KiB page */
const PAGE_WORDS = 4096 / 4;

/** how far (bytes of slab) the worker may run ahead of the bytes the load has read: a stale hint costs at most this */
const LEAD_BYTES = 32 * 1024 * 1024;

/**
 * The worker: one atomic OR with 0 per page, slab after slab, and along with each slab its share of
 * the pages of the `spread` buffers (the table's entry records, filled at the same pace as the
 * slabs), until the lists end or the stop flag is set. Slab k waits until the load has read
 * k slabs' worth of file bytes minus LEAD_BYTES (a slab record is not longer than the entry it comes
 * from), so a hint larger than the data faults in little more than the data needs.
 */
const TOUCH_PAGES = `
const { workerData } = require('node:worker_threads');
const shared = new Int32Array(workerData.shared);
const spread = workerData.spread.map((b) => new Int32Array(b));
const slabs = workerData.slabs;
const touch = (words, from, to) => { for (let i = from - (from % ${PAGE_WORDS}); i < to; i += ${PAGE_WORDS}) Atomics.or(words, i, 0); };
const steps = Math.max(slabs.length, 1);
for (let k = 0; k < steps && Atomics.load(shared, 0) === 0; k++) {
  if (k < slabs.length) {
    const readKiB = Atomics.load(shared, 1);
    const needKiB = (k * slabs[k].byteLength - ${LEAD_BYTES}) / 1024;
    if (needKiB > readKiB) { Atomics.wait(shared, 1, readKiB, 2); k--; continue; }
  }
  for (const w of spread) touch(w, Math.floor((w.length * k) / steps), Math.floor((w.length * (k + 1)) / steps));
  if (k < slabs.length) { const w = new Int32Array(slabs[k]); touch(w, 0, w.length); }
}
`;

/** A running prefault: read() as the load reads the file, stop() once it is done (the worker ends within a slab). */
export interface Prefault {
  /** the load has read `bytes` of the file so far */
  read(bytes: number): void;
  stop(): void;
  /** settles when the worker has ended (at once when none was started) */
  readonly finished: Promise<void>;
}

/** Zero-filled shared memory of `bytes` (no page of it touched yet). */
export function sharedMemory(bytes: number): SharedArrayBuffer {
  return new SharedArrayBuffer(bytes);
}

/**
 * Starts faulting in the pages of `slabs` (made by sharedMemory) on a worker thread, in order, and
 * those of `spread` a share along with each slab.
 */
export function prefaultPages(slabs: readonly ArrayBufferLike[], spread: readonly ArrayBufferLike[] = []): Prefault {
  // [0]: stop flag, [1]: KiB of the file the load has read
  const shared = new Int32Array(new SharedArrayBuffer(8));
  let finished = Promise.resolve();
  if (slabs.length !== 0 || spread.length !== 0) {
    try {
      const worker = new Worker(TOUCH_PAGES, { eval: true, workerData: { shared: shared.buffer, slabs, spread } });
      finished = new Promise((resolve) => worker.once('exit', () => resolve()));
      // a failing worker only loses the time it would have saved; it never keeps the process alive
      worker.on('error', () => {});
      worker.unref();
    } catch {
      // no worker (resource limits): the load faults its pages itself
    }
  }
  return {
    read: (bytes) => Atomics.store(shared, 1, Math.min(Math.floor(bytes / 1024), 0x7fffffff)),
    stop: () => Atomics.store(shared, 0, 1),
    finished,
  };
}
