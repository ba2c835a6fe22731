/**
 * Test support: string keys of every kind for the snapshot RDB tests (slab and heap strings,
 * integers at every INT width and near misses, binary, empty, long and compressible keys and
 * values, TTLs) with the collections of spreadDataset, over dbs 0, 3 and 9.
 */
import type { RdbWriteEntry } from '@replikit/rdb';
import { spreadDataset } from './fixtures';

const INTS = ['0', '7', '-1', '127', '128', '-128', '-129', '32767', '32768', '-32768', '-32769', '2147483647', '2147483648', '-2147483648', '-2147483649'];
const NEAR_INTS = ['-0', '007', '+5', '1e3', ' 5', '5 ', '12345678901', '-', '', '99999999999', '0x10', '١'];

/** A deterministic pseudo-random byte string. */
function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

/** The dataset (deterministic). */
export function mixedStrings(): RdbWriteEntry[] {
  const out: RdbWriteEntry[] = [];
  const str = (db: number, key: Buffer | string, value: Buffer | string, expireAtMs = -1): void => {
    out.push({ db, key: Buffer.from(key as string, 'latin1'), value: { type: 'string', value: Buffer.from(value as string, 'latin1') }, expireAtMs });
  };
  for (let i = 0; i < 300; i++) str(i % 3 === 0 ? 0 : i % 3 === 1 ? 3 : 9, `key:${i}`, 'x'.repeat(i % 7) + String(i).padStart(100, 'v'), i % 11 === 0 ? 4102444800000 + i : -1);
  for (const [i, v] of INTS.entries()) str(0, `int:${i}`, v);
  for (const [i, v] of NEAR_INTS.entries()) str(3, `near:${i}`, v);
  for (const [i, v] of INTS.entries()) str(9, v, `key is an integer ${i}`);
  for (const v of NEAR_INTS) str(9, `${v}|k`, v, 4102444800000);
  for (let i = 0; i < 20; i++) str(3, bytes(1 + i * 3, i), bytes(i * 60, 100 + i), i % 2 ? 4102444800000 : -1);
  str(0, '', 'the empty key');
  str(0, 'empty value', '');
  str(0, 'slab limit', 'y'.repeat(1024));
  str(0, 'past the slab limit', 'z'.repeat(1025));
  str(3, 'k'.repeat(1025), 'a key on the heap');
  str(3, 'long compressible key '.repeat(4), 'and its compressible value '.repeat(6));
  str(9, bytes(40, 7), bytes(900, 8));
  for (const e of spreadDataset()) if (e.value.type !== 'string') out.push({ ...e, db: [0, 3, 9][(e.db ?? 0) % 3] });
  return out;
}

