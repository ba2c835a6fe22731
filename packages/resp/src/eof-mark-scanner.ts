/**
 * Finds the 40-byte EOF mark that ends a diskless snapshot (`$EOF:<mark>` framing) in a sequence of
 * chunks, passing every byte before it on as zero-copy views. Only the few bytes at the end of a
 * chunk that could start the mark are held back (at most 39), so the payload is never accumulated;
 * a mark split across chunks is found by searching the held bytes plus the head of the next chunk.
 */
export class EofMarkScanner {
  private held: Buffer | null = null;

  constructor(private readonly mark: Buffer) {}

  /**
   * Scans `chunk`. Payload bytes go to `emit`. Returns the index in `chunk` of the first byte after
   * the mark, or -1 when the mark has not been seen yet.
   */
  push(chunk: Buffer, emit: (bytes: Buffer) => void): number {
    const mark = this.mark;
    const m = mark.length;
    const held = this.held;
    if (held !== null) {
      this.held = null;
      const head = chunk.subarray(0, Math.min(chunk.length, m - 1));
      const joined = Buffer.concat([held, head]);
      const i = joined.indexOf(mark);
      if (i >= 0) {
        if (i > 0) emit(joined.subarray(0, i));
        return i + m - held.length;
      }
      if (chunk.length < m - 1) {
        // The whole chunk is in `joined`: keep holding what could still start the mark.
        const keep = this.prefixSuffix(joined);
        if (joined.length > keep) emit(joined.subarray(0, joined.length - keep));
        this.held = keep > 0 ? joined.subarray(joined.length - keep) : null;
        return -1;
      }
      // No mark can start in `held` (it would end inside `head`): the held bytes are payload.
      emit(held);
    }
    const j = chunk.indexOf(mark);
    if (j >= 0) {
      if (j > 0) emit(chunk.subarray(0, j));
      return j + m;
    }
    const keep = this.prefixSuffix(chunk);
    if (chunk.length > keep) emit(keep === 0 ? chunk : chunk.subarray(0, chunk.length - keep));
    this.held = keep > 0 ? chunk.subarray(chunk.length - keep) : null;
    return -1;
  }

  /** Bytes held back so far (a possible start of the mark). */
  get heldBytes(): number {
    return this.held === null ? 0 : this.held.length;
  }

  /** Length of the longest suffix of `b` (shorter than the mark) that is a prefix of the mark. */
  private prefixSuffix(b: Buffer): number {
    const mark = this.mark;
    const n = b.length;
    for (let k = Math.min(mark.length - 1, n); k > 0; k--) {
      if (b[n - k] !== mark[0]) continue;
      let i = 1;
      while (i < k && b[n - k + i] === mark[i]) i++;
      if (i === k) return k;
    }
    return 0;
  }
}
