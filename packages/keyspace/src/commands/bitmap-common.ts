/**
 * Shared pieces of the bitmap commands (Redis 7.0 bitops.c): bit-offset parsing with its error
 * text, popcount and bitpos scans over binary strings and byte arrays.
 */
import { ErrorReply } from '@replikit/resp';
import type { BinaryString, CommandContext } from '../command-api';
import { parseInt64, parseInt64Big } from '../util/int64';

export const BIT_OFFSET_ERR = new ErrorReply('ERR bit offset is not an integer or out of range');

/**
 * getBitOffsetFromArgument: a non-negative bit offset whose byte is below proto-max-bulk-len
 * (no limit for commands from our master). With `bits` > 0 (BITFIELD) the `#N` form means N * bits,
 * multiplied as a wrapping 64-bit integer like Redis's C code.
 */
export function bitOffsetArg(ctx: CommandContext, s: BinaryString, bits = 0): number | ErrorReply {
  const hash = bits > 0 && s.charCodeAt(0) === 0x23;
  if (!hash) {
    // up to 15 digits: exact as a double, no BigInt needed
    const n = parseInt64(s);
    if (typeof n === 'number') {
      if (n < 0 || (!ctx.fromMaster && Math.floor(n / 8) >= ctx.protoMaxBulkLen)) return BIT_OFFSET_ERR;
      return n;
    }
  }
  let v = parseInt64Big(hash ? s.slice(1) : s);
  if (v === null) return BIT_OFFSET_ERR;
  if (hash) v = BigInt.asIntN(64, v * BigInt(bits));
  if (v < 0n) return BIT_OFFSET_ERR;
  if (!ctx.fromMaster && v >> 3n >= BigInt(ctx.protoMaxBulkLen)) return BIT_OFFSET_ERR;
  return Number(v);
}

const POP = new Uint8Array(256);
for (let i = 1; i < 256; i++) POP[i] = (i & 1) + POP[i >> 1];

/** Number of set bits in bytes start..end (inclusive) of `s`. */
export function popcount(s: BinaryString | Uint8Array, start: number, end: number): number {
  let n = 0;
  if (typeof s === 'string') for (let i = start; i <= end; i++) n += POP[s.charCodeAt(i)];
  else for (let i = start; i <= end; i++) n += POP[s[i]];
  return n;
}

/** Number of set bits in one byte. */
export function popcountByte(b: number): number {
  return POP[b & 0xff];
}

/**
 * redisBitpos over `count` bytes of `bytes(i)`: the position of the first bit equal to `bit`;
 * for a set bit -1 when there is none, for a clear bit `count * 8` (the bits right of the range
 * count as zeros).
 */
export function bitpos(byteAt: (i: number) => number, count: number, bit: 0 | 1): number {
  const skip = bit ? 0 : 0xff;
  for (let i = 0; i < count; i++) {
    const b = byteAt(i);
    if (b === skip) continue;
    for (let k = 0; k < 8; k++) {
      if (((b >> (7 - k)) & 1) === bit) return i * 8 + k;
    }
  }
  return bit ? -1 : count * 8;
}
