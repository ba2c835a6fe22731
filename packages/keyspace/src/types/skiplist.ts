/**
 * A skiplist with span counts ordered by (score, member), the ordered half of a sorted set.
 *
 * Same shape as Redis's zskiplist: each node has forward links per level with the number of
 * level-0 steps each link skips (its span), so rank lookups and rank ranges are O(log n).
 * Members compare as bytes: binary strings hold one byte per char code, so JS `<` on them is
 * memcmp order. The member -> score map lives in ZSetValue; this structure only orders.
 */
import type { BinaryString } from '../command-api';
import { type LexRange, type ScoreRange, lexGteMin, lexLteMax, lexRangeEmpty, scoreGteMin, scoreLteMax, scoreRangeEmpty } from './zset-range';

export type { LexBound, LexRange, ScoreRange } from './zset-range';
export { lexGteMin, lexLteMax, lexRangeEmpty, scoreGteMin, scoreLteMax, scoreRangeEmpty } from './zset-range';

export const SKIPLIST_MAX_LEVEL = 32;
const P = 0.25;

export class SkipNode {
  /** forward[i]: next node at level i; span[i]: level-0 steps that link covers */
  readonly forward: Array<SkipNode | null>;
  readonly span: number[];
  backward: SkipNode | null = null;
  constructor(
    public member: BinaryString,
    public score: number,
    level: number,
  ) {
    this.forward = new Array<SkipNode | null>(level).fill(null);
    this.span = new Array<number>(level).fill(0);
  }
}

// scratch arrays for the search paths (no reentrancy: every operation is synchronous)
const UPDATE: SkipNode[] = new Array(SKIPLIST_MAX_LEVEL);
const RANK: number[] = new Array(SKIPLIST_MAX_LEVEL).fill(0);

function randomLevel(): number {
  let level = 1;
  while (level < SKIPLIST_MAX_LEVEL && Math.random() < P) level++;
  return level;
}

/** (score, member) strictly before (s2, m2) */
function before(s1: number, m1: BinaryString, s2: number, m2: BinaryString): boolean {
  return s1 < s2 || (s1 === s2 && m1 < m2);
}

export class SkipList {
  readonly head = new SkipNode('', 0, SKIPLIST_MAX_LEVEL);
  tail: SkipNode | null = null;
  length = 0;
  level = 1;

  /** First node (rank 1) or null. */
  first(): SkipNode | null {
    return this.head.forward[0];
  }

  /** Inserts a (score, member) that is not present yet. */
  insert(score: number, member: BinaryString): SkipNode {
    const node = new SkipNode(member, score, randomLevel());
    this.link(node);
    return node;
  }

  /** Links a detached node at its (score, member) position, keeping its level. */
  private link(node: SkipNode): void {
    const update = UPDATE;
    const rank = RANK;
    const score = node.score;
    const member = node.member;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1];
      let f = x.forward[i];
      while (f !== null && before(f.score, f.member, score, member)) {
        rank[i] += x.span[i];
        x = f;
        f = x.forward[i];
      }
      update[i] = x;
    }
    const level = node.forward.length;
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.head;
        this.head.span[i] = this.length;
      }
      this.level = level;
    }
    for (let i = 0; i < level; i++) {
      const u = update[i];
      node.forward[i] = u.forward[i];
      u.forward[i] = node;
      node.span[i] = u.span[i] - (rank[0] - rank[i]);
      u.span[i] = rank[0] - rank[i] + 1;
    }
    for (let i = level; i < this.level; i++) update[i].span[i]++;
    node.backward = update[0] === this.head ? null : update[0];
    const next = node.forward[0];
    if (next !== null) next.backward = node;
    else this.tail = node;
    this.length++;
  }

  private unlink(x: SkipNode, update: SkipNode[]): void {
    for (let i = 0; i < this.level; i++) {
      const u = update[i];
      if (u.forward[i] === x) {
        u.span[i] += x.span[i] - 1;
        u.forward[i] = x.forward[i];
      } else {
        u.span[i] -= 1;
      }
    }
    const next = x.forward[0];
    if (next !== null) next.backward = x.backward;
    else this.tail = x.backward;
    while (this.level > 1 && this.head.forward[this.level - 1] === null) this.level--;
    this.length--;
  }

  /**
   * Fills `update[i]` with the last node before (score, member) on every level and returns the
   * level-0 predecessor (the element itself, if present, is its `forward[0]`).
   */
  private findUpdate(score: number, member: BinaryString, update: SkipNode[]): SkipNode {
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i];
      while (f !== null && before(f.score, f.member, score, member)) {
        x = f;
        f = x.forward[i];
      }
      update[i] = x;
    }
    return x;
  }

  /** Removes (score, member); false when absent. */
  delete(score: number, member: BinaryString): boolean {
    const update = UPDATE;
    const target = this.findUpdate(score, member, update).forward[0];
    if (target === null || target.score !== score || target.member !== member) return false;
    this.unlink(target, update);
    return true;
  }

  /**
   * Changes the score of an existing (curScore, member). Like zslUpdateScore it updates in place
   * when the node keeps its position, else removes and reinserts.
   */
  updateScore(curScore: number, member: BinaryString, newScore: number): SkipNode {
    const update = UPDATE;
    const node = this.findUpdate(curScore, member, update).forward[0];
    if (node === null || node.score !== curScore || node.member !== member) {
      throw new Error('skiplist: updateScore of a missing element');
    }
    const prev = node.backward;
    const next = node.forward[0];
    if ((prev === null || before(prev.score, prev.member, newScore, member)) && (next === null || before(newScore, member, next.score, next.member))) {
      node.score = newScore;
      return node;
    }
    this.unlink(node, update);
    node.score = newScore;
    node.backward = null;
    this.link(node);
    return node;
  }

  /** 1-based rank of (score, member), 0 when absent. */
  getRank(score: number, member: BinaryString): number {
    let rank = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i];
      while (f !== null && (before(f.score, f.member, score, member) || (f.score === score && f.member === member))) {
        rank += x.span[i];
        x = f;
        f = x.forward[i];
      }
      if (x !== this.head && x.member === member && x.score === score) return rank;
    }
    return 0;
  }

  /** The node at 1-based rank, or null. */
  getByRank(rank: number): SkipNode | null {
    if (rank < 1 || rank > this.length) return null;
    let traversed = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i];
      while (f !== null && traversed + x.span[i] <= rank) {
        traversed += x.span[i];
        x = f;
        f = x.forward[i];
      }
      if (traversed === rank) return x;
    }
    return null;
  }

  /** First node whose score is in range, or null. */
  firstInScoreRange(r: ScoreRange): SkipNode | null {
    if (scoreRangeEmpty(r)) return null;
    const last = this.tail;
    const first = this.head.forward[0];
    if (last === null || first === null || !scoreGteMin(last.score, r) || !scoreLteMax(first.score, r)) return null;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i];
      while (f !== null && !scoreGteMin(f.score, r)) {
        x = f;
        f = x.forward[i];
      }
    }
    const n = x.forward[0];
    return n !== null && scoreLteMax(n.score, r) ? n : null;
  }

  /** Last node whose score is in range, or null. */
  lastInScoreRange(r: ScoreRange): SkipNode | null {
    if (scoreRangeEmpty(r)) return null;
    const last = this.tail;
    const first = this.head.forward[0];
    if (last === null || first === null || !scoreGteMin(last.score, r) || !scoreLteMax(first.score, r)) return null;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i];
      while (f !== null && scoreLteMax(f.score, r)) {
        x = f;
        f = x.forward[i];
      }
    }
    return x !== this.head && scoreGteMin(x.score, r) ? x : null;
  }

  /** First node whose member is in the lex range (assumes equal scores, like Redis). */
  firstInLexRange(r: LexRange): SkipNode | null {
    if (lexRangeEmpty(r)) return null;
    const last = this.tail;
    const first = this.head.forward[0];
    if (last === null || first === null || !lexGteMin(last.member, r.min) || !lexLteMax(first.member, r.max)) return null;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i];
      while (f !== null && !lexGteMin(f.member, r.min)) {
        x = f;
        f = x.forward[i];
      }
    }
    const n = x.forward[0];
    return n !== null && lexLteMax(n.member, r.max) ? n : null;
  }

  /** Last node whose member is in the lex range. */
  lastInLexRange(r: LexRange): SkipNode | null {
    if (lexRangeEmpty(r)) return null;
    const last = this.tail;
    const first = this.head.forward[0];
    if (last === null || first === null || !lexGteMin(last.member, r.min) || !lexLteMax(first.member, r.max)) return null;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i];
      while (f !== null && lexLteMax(f.member, r.max)) {
        x = f;
        f = x.forward[i];
      }
    }
    return x !== this.head && lexGteMin(x.member, r.min) ? x : null;
  }

  /** Removes every node for which `inRange` holds, starting at `start`; returns the removed nodes. */
  private removeRun(start: SkipNode | null, update: SkipNode[], inRange: (n: SkipNode) => boolean): SkipNode[] {
    const removed: SkipNode[] = [];
    let x = start;
    while (x !== null && inRange(x)) {
      const next = x.forward[0];
      this.unlink(x, update);
      removed.push(x);
      x = next;
    }
    return removed;
  }

  deleteRangeByScore(r: ScoreRange): SkipNode[] {
    if (scoreRangeEmpty(r)) return [];
    const update: SkipNode[] = new Array(SKIPLIST_MAX_LEVEL);
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i];
      while (f !== null && !scoreGteMin(f.score, r)) {
        x = f;
        f = x.forward[i];
      }
      update[i] = x;
    }
    return this.removeRun(x.forward[0], update, (n) => scoreLteMax(n.score, r));
  }

  deleteRangeByLex(r: LexRange): SkipNode[] {
    if (lexRangeEmpty(r)) return [];
    const update: SkipNode[] = new Array(SKIPLIST_MAX_LEVEL);
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i];
      while (f !== null && !lexGteMin(f.member, r.min)) {
        x = f;
        f = x.forward[i];
      }
      update[i] = x;
    }
    return this.removeRun(x.forward[0], update, (n) => lexLteMax(n.member, r.max));
  }

  /** Removes 1-based ranks start..end inclusive. */
  deleteRangeByRank(start: number, end: number): SkipNode[] {
    const update: SkipNode[] = new Array(SKIPLIST_MAX_LEVEL);
    let traversed = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i];
      while (f !== null && traversed + x.span[i] < start) {
        traversed += x.span[i];
        x = f;
        f = x.forward[i];
      }
      update[i] = x;
    }
    let rank = traversed + 1;
    return this.removeRun(x.forward[0], update, () => rank++ <= end);
  }

  /** Builds a list from entries already in (score, member) order, in O(n). */
  static fromSorted(entries: Iterable<readonly [BinaryString, number]>): SkipList {
    const sl = new SkipList();
    const last: SkipNode[] = new Array(SKIPLIST_MAX_LEVEL).fill(sl.head);
    const lastRank: number[] = new Array(SKIPLIST_MAX_LEVEL).fill(0);
    let prev: SkipNode | null = null;
    let n = 0;
    for (const [member, score] of entries) {
      n++;
      const level = randomLevel();
      if (level > sl.level) sl.level = level;
      const node = new SkipNode(member, score, level);
      for (let i = 0; i < level; i++) {
        last[i].forward[i] = node;
        last[i].span[i] = n - lastRank[i];
        last[i] = node;
        lastRank[i] = n;
      }
      node.backward = prev;
      prev = node;
    }
    // links that end the list span to one past the tail (Redis keeps those spans as the remaining count)
    for (let i = 0; i < sl.level; i++) last[i].span[i] = n - lastRank[i];
    sl.tail = prev;
    sl.length = n;
    return sl;
  }

  *[Symbol.iterator](): IterableIterator<SkipNode> {
    for (let x = this.head.forward[0]; x !== null; x = x.forward[0]) yield x;
  }
}
