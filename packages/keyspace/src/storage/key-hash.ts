/**
 * The key table's hash: FNV-1a with a final mix, over a binary string's char codes or over the same
 * key's latin1 bytes (hashKey and hashKeyBytes agree: a binary string's char codes are its bytes).
 */

// a per-process seed, like Redis's siphash key: colliding keys cannot be precomputed
const SEED = (Math.random() * 0x100000000) | 0;

/** FNV-1a over the key's char codes with a final mix (the bucket index takes the low bits). */
export function hashKey(s: string): number {
  let h = SEED ^ 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}

/**
 * hashKey of the binary string whose latin1 bytes are `buf[start, end)`, computed from the bytes
 * (a binary string's char codes are its bytes, so both give the same hash). No string is made.
 */
export function hashKeyBytes(buf: Uint8Array, start: number, end: number): number {
  let h = SEED ^ 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}

/** True when the binary string `s` has exactly the bytes `buf[start, end)`. */
export function sameBytes(s: string, buf: Uint8Array, start: number, end: number): boolean {
  if (s.length !== end - start) return false;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== buf[start + i]) return false;
  return true;
}
