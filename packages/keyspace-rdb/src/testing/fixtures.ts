/**
 * Test support (not exported): keyspaces filled from @replikit/rdb's hand-made dataset (one key per
 * encoding decision, streams with groups, every db boundary), and a canonical dump of a keyspace
 * through @replikit/rdb's value normalizer (set and hash order ignored, zsets by score).
 */
import { createKeyspace, type Keyspace, type Snapshot } from '@replikit/keyspace';
import type { RdbWriteEntry } from '@replikit/rdb';
import { everyEncodingDataset } from '../../../rdb/src/writer/testing/datasets';
import { normalizeValue } from '../../../rdb/src/writer/testing/redis-values';
import { snapshotToRdbChunks } from '../snapshot-rdb';
import { rdbValueToStored, storedToRdbValue } from '../values';

export { everyEncodingDataset, normalizeValue };

/** The dataset spread over dbs 0..3 (its db 1 and db 15 keys stay where they are), with a few TTLs. */
export function spreadDataset(): RdbWriteEntry[] {
  return everyEncodingDataset().map((e, i) => ({
    ...e,
    db: e.db ?? i % 4,
    expireAtMs: e.expireAtMs ?? (i % 5 === 0 ? 4102444800000 + i : -1),
  }));
}

export function keyspaceOf(entries: readonly RdbWriteEntry[]): Keyspace {
  const ks = createKeyspace();
  for (const e of entries) ks.load(e.db ?? 0, e.key.toString('latin1'), rdbValueToStored(e.value as never), e.expireAtMs ?? -1);
  return ks;
}

export interface CanonicalKey {
  db: number;
  key: string;
  expireAt: number;
  encoding: string;
  value: unknown;
}

/** Every key of every db, sorted, with its TTL, OBJECT ENCODING and normalized content. */
export function canonical(ks: Keyspace): CanonicalKey[] {
  const out: CanonicalKey[] = [];
  for (let db = 0; db < ks.databases; db++) {
    const it = ks.database(db).keys();
    for (let r = it.next(); !r.done; r = it.next()) {
      const p = ks.peek(db, r.value)!;
      const enc = typeof p.value === 'string' ? 'string' : p.value.encoding();
      out.push({ db, key: Buffer.from(r.value, 'latin1').toString('hex'), expireAt: p.expireAt, encoding: enc, value: normalizeValue(storedToRdbValue(p.value)) });
    }
  }
  return out.sort((a, b) => a.db - b.db || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** What the dataset should look like once loaded (independent of this package's conversions). */
export function expectedOf(entries: readonly RdbWriteEntry[]): Array<Omit<CanonicalKey, 'encoding'>> {
  return entries
    .map((e) => ({ db: e.db ?? 0, key: e.key.toString('hex'), expireAt: e.expireAtMs ?? -1, value: normalizeValue(e.value as never) }))
    .sort((a, b) => a.db - b.db || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export async function rdbOf(ks: Keyspace, snap: Snapshot = ks.snapshot(), o?: Parameters<typeof snapshotToRdbChunks>[2]): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of snapshotToRdbChunks(ks, snap, o)) parts.push(c);
  return Buffer.concat(parts);
}
