/**
 * The set value. Members live in an array with a member -> index Map so that SPOP and
 * SRANDMEMBER pick uniformly in O(1) (removal swaps the last member into the hole).
 * OBJECT ENCODING follows Redis 7.0: `intset` while every member is a canonical 64-bit integer
 * and there are at most set-max-intset-entries (512) of them, then `hashtable` for good
 * (7.0 has no listpack sets).
 */
import type { BinaryString, CollectionValue } from '../command-api';
import type { ValueCodec } from './plain';

/** set-max-intset-entries */
export const SET_MAX_INTSET_ENTRIES = 512;

const INT_RE = /^(?:0|-?[1-9][0-9]*)$/;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** True when `s` is what Redis's string2ll accepts: a canonical decimal int64 (no sign '+', no leading zeros, no '-0'). */
export function isCanonicalInt64(s: BinaryString): boolean {
  const n = s.length;
  if (n === 0 || n > 20 || !INT_RE.test(s)) return false;
  if (n < 19) return true;
  const v = BigInt(s);
  return v <= INT64_MAX && v >= INT64_MIN;
}

export class SetValue implements CollectionValue {
  readonly type = 'set' as const;
  private members: BinaryString[] = [];
  private readonly index = new Map<BinaryString, number>();
  private intset: boolean;

  /** `intset`: start with the intset encoding (setTypeCreate picks it when the first member is an integer). */
  constructor(intset = true) {
    this.intset = intset;
  }

  /** setTypeCreate: the encoding a new set gets for its first member. */
  static forFirstMember(member: BinaryString): SetValue {
    return new SetValue(isCanonicalInt64(member));
  }

  get size(): number {
    return this.members.length;
  }

  encoding(): string {
    return this.intset ? 'intset' : 'hashtable';
  }

  has(member: BinaryString): boolean {
    return this.index.has(member);
  }

  /** true when added */
  add(member: BinaryString): boolean {
    if (this.index.has(member)) return false;
    this.index.set(member, this.members.length);
    this.members.push(member);
    if (this.intset && (this.members.length > SET_MAX_INTSET_ENTRIES || !isCanonicalInt64(member))) this.intset = false;
    return true;
  }

  /** true when removed */
  remove(member: BinaryString): boolean {
    const i = this.index.get(member);
    if (i === undefined) return false;
    this.index.delete(member);
    const last = this.members.pop()!;
    if (i < this.members.length) {
      this.members[i] = last;
      this.index.set(last, i);
    }
    return true;
  }

  /** A uniformly random member (the set must not be empty). */
  random(): BinaryString {
    return this.members[Math.floor(Math.random() * this.members.length)];
  }

  /** Removes and returns a random member (the set must not be empty). */
  pop(): BinaryString {
    const m = this.random();
    this.remove(m);
    return m;
  }

  /**
   * Recomputes the encoding as if the set were built anew from its members (setTypeCreate +
   * setTypeAdd): SPOP with a count close to the size rebuilds the remaining set that way.
   */
  rebuildEncoding(): void {
    let intset = this.members.length <= SET_MAX_INTSET_ENTRIES;
    for (let i = 0; intset && i < this.members.length; i++) if (!isCanonicalInt64(this.members[i])) intset = false;
    this.intset = intset;
  }

  /** The member at an internal position 0..size-1 (for sampling without replacement). */
  at(i: number): BinaryString {
    return this.members[i];
  }

  /** Members in iteration order: numeric order for an intset, like Redis; else storage order. */
  toArray(): BinaryString[] {
    if (!this.intset) return this.members.slice();
    return this.members.slice().sort(compareIntStrings);
  }

  /** Live iterator over the members, safe under concurrent adds and removes (SSCAN). */
  values(): IterableIterator<BinaryString> {
    return this.index.keys();
  }

  clone(): SetValue {
    const s = new SetValue(this.intset);
    s.members = this.members.slice();
    for (let i = 0; i < s.members.length; i++) s.index.set(s.members[i], i);
    return s;
  }

  toPlain(): BinaryString[] {
    return this.toArray();
  }

  /** Builds a set from members; the encoding follows the final contents, like an RDB load. */
  static fromPlain(members: Iterable<BinaryString>): SetValue {
    const s = new SetValue(true);
    for (const m of members) s.add(m);
    return s;
  }
}

function compareIntStrings(a: BinaryString, b: BinaryString): number {
  if (a.length < 19 && b.length < 19) return Number(a) - Number(b);
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Plain <-> SetValue for the value registry (RDB glue, tests, adapters). */
export const setCodec: ValueCodec<'set'> = {
  type: 'set',
  fromPlain: (plain) => SetValue.fromPlain(plain.value),
  toPlain: (value) => ({ type: 'set', value: (value as SetValue).toPlain() }),
};
