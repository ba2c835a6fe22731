/**
 * CRC-64 "Jones" as Redis uses it for RDB files and DUMP payloads (protocol.md §9.12): the one
 * implementation every user in the package (reader, writer, DUMP/RESTORE, CLI) goes through.
 *
 * Exports: `crc64(data, seed?)` (bigint in, bigint out, chainable over chunks), `Crc64` (a running
 * digest) and `CRC64_IMPLEMENTATION` (which kernel is in use).
 *
 * Polynomial 0xad93d23594c935a9, reflected in and out, initial value 0, no final xor.
 * Check value: CRC64("123456789") = 0xe9c6d914c4b8d9ca.
 *
 * Kernels: a hand-assembled WebAssembly slicing-by-8 on native 64-bit integers (crc64-wasm.ts,
 * 2-4x faster, used when WebAssembly is available and passes a self-check), else the JS
 * slicing-by-8 on uint32 halves (crc64-js.ts). Both are tested against each other and against a
 * bit-by-bit reference.
 */
import { Crc64Js } from './crc64-js';
import { loadCrc64Wasm } from './crc64-wasm';

const WASM = loadCrc64Wasm();

/** `'wasm'` or `'js'`: the kernel `Crc64` uses in this process. */
export const CRC64_IMPLEMENTATION: 'wasm' | 'js' = WASM ? 'wasm' : 'js';

/**
 * A running CRC-64 (Redis flavour). `update()` as many times as needed, then `value` (bigint).
 * No allocation per update.
 */
export class Crc64 {
  /** the WebAssembly kernel's state (a signed i64), when that kernel is in use */
  private crc: bigint;
  private readonly js: Crc64Js | null;

  constructor(seed = 0n) {
    if (WASM) {
      this.crc = BigInt.asIntN(64, seed);
      this.js = null;
    } else {
      this.crc = 0n;
      this.js = new Crc64Js(seed);
    }
  }

  /** Feeds `data[start, end)` into the digest. */
  update(data: Uint8Array, start = 0, end = data.length): this {
    if (this.js) this.js.update(data, start, end);
    else if (end > start) this.crc = (WASM as NonNullable<typeof WASM>)(this.crc, data, start, end);
    return this;
  }

  /** The CRC so far, as an unsigned 64-bit bigint. */
  get value(): bigint {
    return this.js ? this.js.value : BigInt.asUintN(64, this.crc);
  }

  /** True when the CRC so far equals the 8 little-endian bytes at `buf[offset]`. */
  equalsLE(buf: Uint8Array, offset: number): boolean {
    if (this.js) return this.js.equalsLE(buf, offset);
    const lo = (buf[offset] | (buf[offset + 1] << 8) | (buf[offset + 2] << 16) | (buf[offset + 3] << 24)) >>> 0;
    const hi = (buf[offset + 4] | (buf[offset + 5] << 8) | (buf[offset + 6] << 16) | (buf[offset + 7] << 24)) >>> 0;
    return ((BigInt(hi) << 32n) | BigInt(lo)) === this.value;
  }

  /** Writes the CRC as 8 little-endian bytes (the form stored in RDB files and DUMP payloads). */
  toBufferLE(): Buffer {
    if (this.js) return this.js.toBufferLE();
    const out = Buffer.allocUnsafe(8);
    out.writeBigUInt64LE(this.value, 0);
    return out;
  }
}

/** CRC-64 of `data`, continuing from `seed` (the CRC of the bytes before), so it chains over chunks. */
export function crc64(data: Uint8Array, seed = 0n): bigint {
  return new Crc64(seed).update(data).value;
}
