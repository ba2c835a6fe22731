/**
 * Score and lex intervals of the sorted set range commands (zrangespec / zlexrangespec) and the
 * bound tests the skiplist walks use.
 */
import type { BinaryString } from '../command-api';

/** A score interval; `minex`/`maxex` make the bound exclusive. */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/** A lex bound: `-` / `+` or a member, inclusive (`[`) or exclusive (`(`). */
export type LexBound = { readonly kind: 'min' } | { readonly kind: 'max' } | { readonly kind: 'value'; readonly value: BinaryString; readonly ex: boolean };

export interface LexRange {
  min: LexBound;
  max: LexBound;
}

export function scoreGteMin(score: number, r: ScoreRange): boolean {
  return r.minex ? score > r.min : score >= r.min;
}
export function scoreLteMax(score: number, r: ScoreRange): boolean {
  return r.maxex ? score < r.max : score <= r.max;
}
export function lexGteMin(value: BinaryString, b: LexBound): boolean {
  if (b.kind === 'min') return true;
  if (b.kind === 'max') return false;
  return b.ex ? value > b.value : value >= b.value;
}
export function lexLteMax(value: BinaryString, b: LexBound): boolean {
  if (b.kind === 'max') return true;
  if (b.kind === 'min') return false;
  return b.ex ? value < b.value : value <= b.value;
}
/** An empty score range by construction (Redis checks this before walking). */
export function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minex || r.maxex));
}
/** An empty lex range by construction (zslIsInLexRange's first test). */
export function lexRangeEmpty(r: LexRange): boolean {
  const { min, max } = r;
  if (min.kind === 'max' || max.kind === 'min') return true;
  if (min.kind === 'value' && max.kind === 'value') {
    return min.value > max.value || (min.value === max.value && (min.ex || max.ex));
  }
  return false;
}
