/**
 * Finds the end of a protocol line in a buffer that may still grow, remembering how far it has
 * scanned so a line split across many chunks is scanned once, not once per chunk.
 */
export class LineScanner {
  /** the start of the line scanned last, -1 when none */
  private line = -1;
  /** where the scan of that line stopped */
  private pos = 0;
  /** the line has a NUL before its end byte */
  private nul = false;

  /**
   * The index of the first `stop` byte of the line starting at `lineStart`, unless a NUL comes
   * first (Redis searches with strchr, which stops at NUL: such a line never completes); -1 when
   * not (yet) there.
   */
  find(buf: Buffer, lineStart: number, end: number, stop: number): number {
    let p = lineStart;
    if (this.line === lineStart) {
      if (this.nul) return -1;
      p = this.pos;
    } else {
      this.line = lineStart;
      this.nul = false;
    }
    for (; p < end; p++) {
      const c = buf[p];
      if (c === stop) {
        this.pos = p;
        return p;
      }
      if (c === 0) {
        this.nul = true;
        return -1;
      }
    }
    this.pos = p;
    return -1;
  }

  /** The buffer's bytes moved `shift` places to the left: the remembered line moves with them. */
  shift(shift: number): void {
    if (shift !== 0 && this.line >= 0) {
      this.line -= shift;
      this.pos -= shift;
    }
  }

  /** Forgets the remembered line (its bytes were consumed or dropped). */
  forget(): void {
    this.line = -1;
  }
}
