/**
 * Test helper: a JSON-comparable normal form of keys, built either from our reader's entries
 * (`normalizeEntries`) or from what a live redis-server reports (`snapshotServer`, in
 * server-snapshot.ts). Sets and hashes are sorted, zsets ordered by (score, member), scores and
 * stream ids as text; bytes that are not printable UTF-8 become `b64:<base64>`.
 */
import type { RdbEntry, RdbValue, StreamId } from '../../model';

export interface NormKey {
  db: number;
  key: string;
  type: string;
  expireAtMs: number;
  value: unknown;
}

export function s(b: Buffer): string {
  const t = b.toString('utf8');
  // printable, valid UTF-8 round trip, no leading "b64:" ambiguity
  if (Buffer.from(t, 'utf8').equals(b) && !/[\u0000-\u001f\u007f\ufffd]/.test(t) && !t.startsWith('b64:')) return t;
  return `b64:${b.toString('base64')}`;
}

export function score(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

export function id(i: StreamId): string {
  return `${i.ms}-${i.seq}`;
}

export function cmpBuf(a: Buffer, b: Buffer): number {
  return Buffer.compare(a, b);
}

export function normalizeValue(v: RdbValue): { type: string; value: unknown } {
  switch (v.type) {
    case 'string':
      return { type: 'string', value: s(v.value) };
    case 'list':
      return { type: 'list', value: v.value.map(s) };
    case 'set':
      return { type: 'set', value: [...v.value].sort(cmpBuf).map(s) };
    case 'zset':
      return {
        type: 'zset',
        value: [...v.value].sort((a, b) => a[1] - b[1] || cmpBuf(a[0], b[0])).map(([m, sc]) => [s(m), score(sc)]),
      };
    case 'hash':
      return { type: 'hash', value: [...v.value].sort((a, b) => cmpBuf(a[0], b[0])).map(([f, x]) => [s(f), s(x)]) };
    case 'stream': {
      const st = v.value;
      return {
        type: 'stream',
        value: {
          entries: st.entries.map((e) => [id(e.id), e.fields.flatMap(([f, x]) => [s(f), s(x)])]),
          length: String(st.length),
          lastId: id(st.lastId),
          firstId: id(st.firstId),
          maxDeletedId: id(st.maxDeletedId),
          entriesAdded: String(st.entriesAdded),
          groups: st.groups.map((g) => {
            const owner = new Map<string, string>();
            for (const c of g.consumers) for (const p of c.pending) owner.set(id(p), s(c.name));
            return {
              name: s(g.name),
              lastId: id(g.lastId),
              entriesRead: String(g.entriesRead),
              pel: g.pel.map((p) => [id(p.id), owner.get(id(p.id)) ?? null, String(p.deliveryTime), String(p.deliveryCount)]),
              consumers: g.consumers.map((c) => ({
                name: s(c.name),
                seenTime: String(c.seenTime),
                ...(c.activeTime === undefined ? {} : { activeTime: String(c.activeTime) }),
                pending: c.pending.map(id),
              })),
            };
          }),
        },
      };
    }
    case 'module':
      return { type: 'module', value: { moduleId: String(v.moduleId), raw: v.raw.toString('base64') } };
  }
}

export function normalizeEntries(entries: RdbEntry[]): NormKey[] {
  const out = entries.map((e) => ({ db: e.db, key: s(e.key), expireAtMs: e.expireAtMs, ...normalizeValue(e.value) }));
  out.sort((a, b) => a.db - b.db || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return out.map(({ db, key, type, expireAtMs, value }) => ({ db, key, type, expireAtMs, value }));
}
