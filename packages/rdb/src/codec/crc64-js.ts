/**
 * CRC-64 "Jones" as Redis uses it for RDB files and DUMP payloads (protocol.md §9.12), in plain
 * JavaScript: the fallback of `Crc64` (crc64.ts) where WebAssembly is unavailable, and the
 * reference the WebAssembly kernel is tested against.
 *
 * Exports `Crc64Js`, a running digest that keeps the state as two uint32 halves (no bigint work
 * per chunk).
 *
 * Polynomial 0xad93d23594c935a9, reflected in and out, initial value 0, no final xor.
 * Check value: CRC64("123456789") = 0xe9c6d914c4b8d9ca.
 *
 * Implementation: slicing-by-8 with the 64-bit table entries stored as two Uint32Array halves
 * (lo/hi), so the inner loop is plain 32-bit integer arithmetic. 8 tables × 256 entries × 2 halves.
 */

const REFLECTED_POLY_LO = 0xac4bc9b5; // 0x95AC9329AC4BC9B5, low half
const REFLECTED_POLY_HI = 0x95ac9329; // high half

const TABLE_LO: Uint32Array[] = [];
const TABLE_HI: Uint32Array[] = [];

function buildTables(): void {
  const t0lo = new Uint32Array(256);
  const t0hi = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let lo = i;
    let hi = 0;
    for (let k = 0; k < 8; k++) {
      const lsb = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (lsb) {
        lo = (lo ^ REFLECTED_POLY_LO) >>> 0;
        hi = (hi ^ REFLECTED_POLY_HI) >>> 0;
      }
    }
    t0lo[i] = lo;
    t0hi[i] = hi;
  }
  TABLE_LO.push(t0lo);
  TABLE_HI.push(t0hi);
  // T[k][i] = CRC of byte i followed by k zero bytes = one more byte step of T[k-1][i].
  for (let k = 1; k < 8; k++) {
    const plo = TABLE_LO[k - 1];
    const phi = TABLE_HI[k - 1];
    const lo = new Uint32Array(256);
    const hi = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      const idx = plo[i] & 0xff;
      lo[i] = t0lo[idx] ^ ((plo[i] >>> 8) | (phi[i] << 24));
      hi[i] = t0hi[idx] ^ (phi[i] >>> 8);
    }
    TABLE_LO.push(lo);
    TABLE_HI.push(hi);
  }
}
buildTables();

const [L0, L1, L2, L3, L4, L5, L6, L7] = TABLE_LO;
const [H0, H1, H2, H3, H4, H5, H6, H7] = TABLE_HI;

/**
 * A running CRC-64 (Redis flavour) in JS. `update()` as many times as needed, then `value` (bigint).
 * The state is two uint32 halves; no allocation per update.
 */
export class Crc64Js {
  private lo: number;
  private hi: number;

  constructor(seed = 0n) {
    this.lo = Number(seed & 0xffffffffn) >>> 0;
    this.hi = Number((seed >> 32n) & 0xffffffffn) >>> 0;
  }

  /** Feeds `data[start, end)` into the digest. */
  update(data: Uint8Array, start = 0, end = data.length): this {
    let lo = this.lo;
    let hi = this.hi;
    let p = start;
    const fastEnd = end - 8;
    while (p <= fastEnd) {
      const a = lo ^ (data[p] | (data[p + 1] << 8) | (data[p + 2] << 16) | (data[p + 3] << 24));
      const b = hi ^ (data[p + 4] | (data[p + 5] << 8) | (data[p + 6] << 16) | (data[p + 7] << 24));
      lo =
        L7[a & 0xff] ^
        L6[(a >>> 8) & 0xff] ^
        L5[(a >>> 16) & 0xff] ^
        L4[a >>> 24] ^
        L3[b & 0xff] ^
        L2[(b >>> 8) & 0xff] ^
        L1[(b >>> 16) & 0xff] ^
        L0[b >>> 24];
      hi =
        H7[a & 0xff] ^
        H6[(a >>> 8) & 0xff] ^
        H5[(a >>> 16) & 0xff] ^
        H4[a >>> 24] ^
        H3[b & 0xff] ^
        H2[(b >>> 8) & 0xff] ^
        H1[(b >>> 16) & 0xff] ^
        H0[b >>> 24];
      p += 8;
    }
    while (p < end) {
      const idx = (lo ^ data[p]) & 0xff;
      lo = L0[idx] ^ ((lo >>> 8) | (hi << 24));
      hi = H0[idx] ^ (hi >>> 8);
      p++;
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
    return this;
  }

  /** The CRC so far, as an unsigned 64-bit bigint. */
  get value(): bigint {
    return (BigInt(this.hi >>> 0) << 32n) | BigInt(this.lo >>> 0);
  }

  /** True when the CRC so far equals the 8 little-endian bytes at `buf[offset]`. */
  equalsLE(buf: Uint8Array, offset: number): boolean {
    const lo = (buf[offset] | (buf[offset + 1] << 8) | (buf[offset + 2] << 16) | (buf[offset + 3] << 24)) >>> 0;
    const hi = (buf[offset + 4] | (buf[offset + 5] << 8) | (buf[offset + 6] << 16) | (buf[offset + 7] << 24)) >>> 0;
    return lo === this.lo && hi === this.hi;
  }

  /** Writes the CRC as 8 little-endian bytes (the form stored in RDB files and DUMP payloads). */
  toBufferLE(): Buffer {
    const out = Buffer.allocUnsafe(8);
    out.writeUInt32LE(this.lo >>> 0, 0);
    out.writeUInt32LE(this.hi >>> 0, 4);
    return out;
  }
}
