/**
 * The sorted set value: a member -> score Map for O(1) lookups plus a SkipList for order, rank
 * and ranges, like Redis's skiplist encoding. OBJECT ENCODING follows Redis 7.0: `listpack`
 * while small (zset-max-listpack-entries 128, zset-max-listpack-value 64), then `skiplist`
 * for good. The conversions mirror zsetTypeCreate / zsetTypeMaybeConvert / zsetAdd.
 */
import type { BinaryString, CollectionValue } from '../command-api';
import type { ValueCodec } from './plain';
import { type LexRange, type ScoreRange, type SkipNode, SkipList, lexGteMin, lexLteMax, lexRangeEmpty } from './skiplist';

/** zset-max-listpack-entries */
export const ZSET_MAX_LISTPACK_ENTRIES = 128;
/** zset-max-listpack-value */
export const ZSET_MAX_LISTPACK_VALUE = 64;

/** The plain form of a sorted set: [member, score] pairs in order. */
export type ZSetPlain = Array<[BinaryString, number]>;

export class ZSetValue implements CollectionValue {
  readonly type = 'zset' as const;
  readonly dict: Map<BinaryString, number>;
  sl: SkipList;
  private listpack: boolean;

  /**
   * `firstMemberLen` picks the starting encoding like Redis 7.0's zaddGenericCommand: listpack
   * unless the first member added is longer than zset-max-listpack-value.
   */
  constructor(firstMemberLen = 0) {
    this.dict = new Map();
    this.sl = new SkipList();
    this.listpack = firstMemberLen <= ZSET_MAX_LISTPACK_VALUE;
  }

  /** An empty sorted set with the skiplist encoding (the result set of ZUNIONSTORE & co). */
  static createSkiplist(): ZSetValue {
    return new ZSetValue(Number.POSITIVE_INFINITY);
  }

  get size(): number {
    return this.dict.size;
  }

  encoding(): string {
    return this.listpack ? 'listpack' : 'skiplist';
  }

  get isListpack(): boolean {
    return this.listpack;
  }

  /** zsetConvertToListpackIfNeeded (used for the result of ZUNIONSTORE & co). */
  convertToListpackIfSmall(): void {
    if (this.listpack || !this.fitsListpack()) return;
    this.listpack = true;
    // a listpack stores "-0" as the integer 0
    for (let x = this.sl.first(); x !== null; x = x.forward[0]) {
      if (Object.is(x.score, -0)) {
        x.score = 0;
        this.dict.set(x.member, 0);
      }
    }
  }

  /** Forces the skiplist encoding. */
  convertToSkiplist(): void {
    this.listpack = false;
  }

  score(member: BinaryString): number | undefined {
    return this.dict.get(member);
  }

  /** Adds a member that is not present. */
  insert(member: BinaryString, score: number): void {
    // like zsetAdd: convert first when this element does not fit, then insert
    if (this.listpack) {
      if (this.dict.size + 1 > ZSET_MAX_LISTPACK_ENTRIES || member.length > ZSET_MAX_LISTPACK_VALUE) this.listpack = false;
      else if (score === 0) score = 0; // a listpack stores "-0" as the integer 0
    }
    this.dict.set(member, score);
    this.sl.insert(score, member);
  }

  /** Sets the score of a present member. */
  update(member: BinaryString, score: number): void {
    if (this.listpack && score === 0) score = 0;
    const cur = this.dict.get(member)!;
    if (Object.is(cur, score)) return;
    this.sl.updateScore(cur, member, score);
    this.dict.set(member, score);
  }

  /** Adds or updates. */
  set(member: BinaryString, score: number): void {
    if (this.dict.has(member)) this.update(member, score);
    else this.insert(member, score);
  }

  remove(member: BinaryString): boolean {
    const cur = this.dict.get(member);
    if (cur === undefined) return false;
    this.dict.delete(member);
    this.sl.delete(cur, member);
    return true;
  }

  /** 0-based rank (reverse: from the highest), or undefined when absent. */
  rank(member: BinaryString, reverse = false): number | undefined {
    const score = this.dict.get(member);
    if (score === undefined) return undefined;
    const r = this.sl.getRank(score, member);
    return reverse ? this.sl.length - r : r - 1;
  }

  /** The node at 0-based rank (counted from the lowest). */
  nodeAt(rank: number): SkipNode | null {
    return this.sl.getByRank(rank + 1);
  }

  /** How many members have a score in range. */
  countInScoreRange(r: ScoreRange): number {
    const first = this.sl.firstInScoreRange(r);
    if (first === null) return 0;
    const last = this.sl.lastInScoreRange(r)!;
    return this.sl.getRank(last.score, last.member) - this.sl.getRank(first.score, first.member) + 1;
  }

  /**
   * First node in a lex range. Lex ranges assume equal scores; with mixed scores Redis's answer
   * depends on the encoding, so a listpack is scanned linearly like zzlFirstInLexRange and a
   * skiplist is walked like zslFirstInLexRange.
   */
  firstInLexRange(r: LexRange): SkipNode | null {
    if (!this.listpack) return this.sl.firstInLexRange(r);
    if (!this.lexInRange(r)) return null;
    for (let x = this.sl.first(); x !== null; x = x.forward[0]) {
      if (lexGteMin(x.member, r.min)) return lexLteMax(x.member, r.max) ? x : null;
    }
    return null;
  }

  /** Last node in a lex range (zzlLastInLexRange / zslLastInLexRange). */
  lastInLexRange(r: LexRange): SkipNode | null {
    if (!this.listpack) return this.sl.lastInLexRange(r);
    if (!this.lexInRange(r)) return null;
    for (let x = this.sl.tail; x !== null; x = x.backward) {
      if (lexLteMax(x.member, r.max)) return lexGteMin(x.member, r.min) ? x : null;
    }
    return null;
  }

  /** zzlIsInLexRange */
  private lexInRange(r: LexRange): boolean {
    const first = this.sl.first();
    const last = this.sl.tail;
    return !lexRangeEmpty(r) && first !== null && last !== null && lexGteMin(last.member, r.min) && lexLteMax(first.member, r.max);
  }

  /** ZLEXCOUNT: a listpack counts forward from the first match; a skiplist subtracts ranks. */
  countInLexRange(r: LexRange): number {
    const first = this.firstInLexRange(r);
    if (first === null) return 0;
    if (this.listpack) {
      let n = 0;
      for (let x: SkipNode | null = first; x !== null && lexLteMax(x.member, r.max); x = x.forward[0]) n++;
      return n;
    }
    const rank = this.sl.getRank(first.score, first.member);
    let count = this.sl.length - (rank - 1);
    const last = this.sl.lastInLexRange(r);
    if (last !== null) count -= this.sl.length - this.sl.getRank(last.score, last.member);
    return count;
  }

  private dropNodes(nodes: SkipNode[]): BinaryString[] {
    const out = new Array<BinaryString>(nodes.length);
    for (let i = 0; i < nodes.length; i++) {
      this.dict.delete(nodes[i].member);
      out[i] = nodes[i].member;
    }
    return out;
  }

  removeRangeByScore(r: ScoreRange): BinaryString[] {
    return this.dropNodes(this.sl.deleteRangeByScore(r));
  }

  removeRangeByLex(r: LexRange): BinaryString[] {
    if (!this.listpack) return this.dropNodes(this.sl.deleteRangeByLex(r));
    // zzlDeleteRangeByLex: from the first match (linear scan) while <= max
    const out: BinaryString[] = [];
    let x = this.firstInLexRange(r);
    while (x !== null && lexLteMax(x.member, r.max)) {
      const next: SkipNode | null = x.forward[0];
      out.push(x.member);
      this.remove(x.member);
      x = next;
    }
    return out;
  }

  /** 0-based inclusive ranks, already clamped by the caller. */
  removeRangeByRank(start: number, end: number): BinaryString[] {
    return this.dropNodes(this.sl.deleteRangeByRank(start + 1, end + 1));
  }

  clone(): ZSetValue {
    const z = new ZSetValue();
    z.listpack = this.listpack;
    const entries: Array<[BinaryString, number]> = [];
    for (let x = this.sl.first(); x !== null; x = x.forward[0]) {
      entries.push([x.member, x.score]);
      z.dict.set(x.member, x.score);
    }
    z.sl = SkipList.fromSorted(entries);
    return z;
  }

  /** [member, score] pairs from the lowest score. */
  toPlain(): ZSetPlain {
    const out: ZSetPlain = [];
    for (let x = this.sl.first(); x !== null; x = x.forward[0]) out.push([x.member, x.score]);
    return out;
  }

  /** Builds a sorted set from pairs in any order; the encoding follows the final size like an RDB load. */
  static fromPlain(pairs: ReadonlyArray<readonly [BinaryString, number]>): ZSetValue {
    let fits = pairs.length <= ZSET_MAX_LISTPACK_ENTRIES;
    for (let i = 0; fits && i < pairs.length; i++) if (pairs[i][0].length > ZSET_MAX_LISTPACK_VALUE) fits = false;
    const z = fits ? new ZSetValue() : ZSetValue.createSkiplist();
    for (const [m, s] of pairs) z.set(m, s);
    return z;
  }

  private fitsListpack(): boolean {
    if (this.dict.size > ZSET_MAX_LISTPACK_ENTRIES) return false;
    for (const m of this.dict.keys()) if (m.length > ZSET_MAX_LISTPACK_VALUE) return false;
    return true;
  }
}

/** Plain <-> ZSetValue for the value registry (RDB glue, tests, adapters). */
export const zsetCodec: ValueCodec<'zset'> = {
  type: 'zset',
  fromPlain: (plain) => ZSetValue.fromPlain(plain.value),
  toPlain: (value) => ({ type: 'zset', value: (value as ZSetValue).toPlain() }),
};
