/**
 * What an acknowledgement of a change-stream item means for the cursor. Items are acknowledged in
 * the order they were handed out; an ack covers the item and everything handed out before it.
 *
 * The items come in histories: one per snapshot (`snapshot:start` .. `snapshot:end`, then the
 * commands after it), plus, when the stream started from a saved position, the history it
 * continued. Offsets of two histories may overlap (another master, or the same master after a
 * full resync), so the ledger keeps the histories handed out and not yet acknowledged past, and
 * resolves an ack against the oldest of them that handed out that offset.
 *
 * The position an ack gives:
 * - `snapshot:start` of history R: `{ R, -1 }` (the app dropped what it had; a restart full-syncs);
 * - `snapshot:entry`: nothing (a snapshot cannot be resumed in the middle);
 * - `snapshot:end` at offset O: `{ R, O, repl-stream-db }`;
 * - a command at offset n: `{ R, n, db after it }`, except inside a MULTI … EXEC block, where it
 *   is the offset before the MULTI: a restart then hands out the whole block again, never its tail.
 *
 * Memory: MULTI blocks and SELECTs handed out and not yet acknowledged are remembered (a few
 * numbers each), so an application must keep acknowledging.
 */
import type { CursorPosition } from './cursor-store';
import { ReplicaCursorAckError } from './errors';

/** The items the ledger tells apart, by identity (the change stream's item objects). */
type Item = object;

interface Block {
  /** the offset before the MULTI */
  readonly before: number;
  /** the EXEC's offset, once handed out */
  end: number;
}

interface History {
  replid: string;
  /** the snapshot's offset, or the saved offset a resumed history continued from */
  readonly base: number;
  /** the stream db at `base` */
  baseDb: number;
  /** the snapshot:start / snapshot:end items (null for a resumed history) */
  readonly start: Item | null;
  end: Item | null;
  /** commands follow (the snapshot was handed out whole, or the history was resumed) */
  ended: boolean;
  /** the highest command offset handed out */
  last: number;
  /** the acknowledged offset (-2: nothing, -1: the start) and the db after it */
  acked: number;
  ackedDb: number;
  /** MULTI blocks past `acked` */
  blocks: Block[];
  /** SELECTs past `acked`: the offset of each and the db it selected */
  selects: Array<{ at: number; db: number }>;
}

export class CursorLedger {
  private histories: History[] = [];

  /** The stream continues from a saved position (`offset >= 0`). */
  resumed(p: CursorPosition): void {
    this.histories.push(newHistory(p.replid, p.offset, p.db, null, true, p.offset));
  }

  snapshotStart(item: Item, replid: string, offset: number): void {
    this.histories.push(newHistory(replid, offset, 0, item, false, -2));
  }

  snapshotEnd(item: Item, streamDb: number): void {
    const h = this.histories[this.histories.length - 1];
    if (h === undefined || h.ended) return;
    h.end = item;
    h.ended = true;
    h.baseDb = streamDb;
  }

  /** A command handed out: `before` is the offset before it, `offset` after it. */
  command(argv: readonly string[], before: number, offset: number): void {
    const h = this.histories[this.histories.length - 1];
    if (h === undefined || !h.ended) return;
    h.last = offset;
    const name = argv[0].toLowerCase();
    if (name === 'multi') h.blocks.push({ before, end: Number.POSITIVE_INFINITY });
    else if (name === 'exec') {
      const b = h.blocks[h.blocks.length - 1];
      if (b !== undefined && b.end === Number.POSITIVE_INFINITY) b.end = offset;
    } else if (name === 'select' && argv.length === 2) {
      const db = Number(argv[1]);
      if (Number.isInteger(db) && db >= 0) h.selects.push({ at: offset, db });
    }
  }

  /** `+CONTINUE <new replid>`: the history goes on under the master's new id. */
  replidChanged(replid: string): void {
    const h = this.histories[this.histories.length - 1];
    if (h !== undefined) h.replid = replid;
  }

  /**
   * The position reached by acknowledging a snapshot item, or undefined when it changes nothing
   * (an entry, or an item already covered by a later ack).
   */
  ackItem(kind: 'snapshot:start' | 'snapshot:entry' | 'snapshot:end', item: Item): CursorPosition | undefined {
    if (kind === 'snapshot:entry') return undefined;
    const k = this.histories.findIndex((h) => (kind === 'snapshot:start' ? h.start : h.end) === item);
    if (k < 0) return undefined;
    const h = this.histories[k];
    this.histories.splice(0, k);
    if (kind === 'snapshot:start') {
      if (h.acked >= -1) return undefined;
      h.acked = -1;
      return { replid: h.replid, offset: -1, db: 0 };
    }
    if (h.acked >= h.base) return undefined;
    h.acked = h.base;
    h.ackedDb = h.baseDb;
    return { replid: h.replid, offset: h.base, db: h.baseDb };
  }

  /** The position reached by acknowledging the command handed out at `offset`, or undefined when already covered. */
  ackOffset(offset: number): CursorPosition | undefined {
    const k = this.histories.findIndex((h) => h.ended && offset > h.base && offset <= h.last);
    if (k < 0) {
      const head = this.histories[0];
      if (head !== undefined && Number.isSafeInteger(offset) && offset >= 0 && offset <= head.acked) return undefined;
      throw new ReplicaCursorAckError(offset, 'no command was handed out at this offset since the last acknowledged one');
    }
    const h = this.histories[k];
    this.histories.splice(0, k);
    // inside a MULTI block: the position before it
    let at = offset;
    for (const b of h.blocks) {
      if (b.before < offset && offset < b.end) {
        at = b.before;
        break;
      }
    }
    if (at <= h.acked && k === 0) return undefined;
    let db = h.acked >= h.base ? h.ackedDb : h.baseDb;
    let s = 0;
    for (; s < h.selects.length && h.selects[s].at <= at; s++) db = h.selects[s].db;
    h.selects.splice(0, s);
    let b = 0;
    while (b < h.blocks.length && h.blocks[b].end <= at) b++;
    h.blocks.splice(0, b);
    h.acked = at;
    h.ackedDb = db;
    return { replid: h.replid, offset: at, db };
  }

  /** Histories held (tests). */
  get size(): number {
    return this.histories.length;
  }
}

function newHistory(replid: string, base: number, db: number, start: Item | null, ended: boolean, acked: number): History {
  return { replid, base, baseDb: db, start, end: null, ended, last: base, acked, ackedDb: db, blocks: [], selects: [] };
}
