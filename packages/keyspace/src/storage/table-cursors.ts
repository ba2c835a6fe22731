/**
 * The open cursors of a KeyTable, held weakly: a cursor nobody references any more is dropped the
 * next time the list is pruned, so forgotten iterators cost nothing.
 */

/** A position in the entry order (the next index to visit); squeeze() moves it with the entries. */
export interface Cursor {
  pos: number;
}

export class TableCursors {
  private refs: WeakRef<Cursor>[] = [];
  private pruned = 0;

  /** A new cursor at the first entry. */
  open(): Cursor {
    const c: Cursor = { pos: 0 };
    this.refs.push(new WeakRef(c));
    if (this.refs.length >= 2 * this.pruned + 16) this.live();
    return c;
  }

  /** The cursors still referenced (the others are forgotten). */
  live(): Cursor[] {
    const out: Cursor[] = [];
    const kept: WeakRef<Cursor>[] = [];
    for (const w of this.refs) {
      const c = w.deref();
      if (c === undefined) continue;
      out.push(c);
      kept.push(w);
    }
    this.refs = kept;
    this.pruned = kept.length;
    return out;
  }
}
