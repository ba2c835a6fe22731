/**
 * Test support (not exported by the package): read a key back from a real redis-server with plain
 * commands, and normalize model values so that two values compare equal exactly when Redis would
 * consider them the same (set/hash order ignored, zsets ordered by score then member).
 */
import type { RawClient, RawReply } from '@replikit/test-utils';
import type { RdbValue, StreamGroup, StreamId, StreamValue } from '../../model';

function parseId(b: RawReply | undefined): StreamId {
  const [ms, seq] = String(b).split('-');
  return { ms: BigInt(ms), seq: BigInt(seq) };
}

function pairs(flat: RawReply): Array<[Buffer, Buffer]> {
  const a = flat as Buffer[];
  const out: Array<[Buffer, Buffer]> = [];
  for (let i = 0; i < a.length; i += 2) out.push([a[i], a[i + 1]]);
  return out;
}

function asMap(flat: RawReply): Map<string, RawReply> {
  const a = flat as RawReply[];
  const m = new Map<string, RawReply>();
  for (let i = 0; i < a.length; i += 2) m.set(String(a[i]), a[i + 1]);
  return m;
}

async function call(c: RawClient, ...argv: Array<string | Buffer | number>): Promise<RawReply> {
  const r = await c.call(...argv);
  if (r instanceof Error) throw r;
  return r;
}

/** Reads `key` from the server as an RdbValue (streams through XINFO STREAM FULL). */
export async function fetchRedisValue(c: RawClient, key: Buffer): Promise<RdbValue | null> {
  const type = String(await call(c, 'TYPE', key));
  switch (type) {
    case 'none':
      return null;
    case 'string':
      return { type: 'string', value: (await call(c, 'GET', key)) as Buffer };
    case 'list':
      return { type: 'list', value: (await call(c, 'LRANGE', key, 0, -1)) as Buffer[] };
    case 'set':
      return { type: 'set', value: (await call(c, 'SMEMBERS', key)) as Buffer[] };
    case 'hash':
      return { type: 'hash', value: pairs(await call(c, 'HGETALL', key)) };
    case 'zset': {
      const flat = (await call(c, 'ZRANGE', key, 0, -1, 'WITHSCORES')) as Buffer[];
      const out: Array<[Buffer, number]> = [];
      for (let i = 0; i < flat.length; i += 2) out.push([flat[i], parseScore(flat[i + 1].toString())]);
      return { type: 'zset', value: out };
    }
    case 'stream': {
      const m = asMap(await call(c, 'XINFO', 'STREAM', key, 'FULL', 'COUNT', 0));
      const entries = (m.get('entries') as RawReply[][]).map(([id, fv]) => ({ id: parseId(id), fields: pairs(fv) }));
      const groups: StreamGroup[] = (m.get('groups') as RawReply[]).map((gr) => {
        const g = asMap(gr);
        const er = g.get('entries-read');
        return {
          name: g.get('name') as Buffer,
          lastId: parseId(g.get('last-delivered-id')),
          entriesRead: er === null ? -1n : BigInt(er as number),
          pel: (g.get('pending') as RawReply[][]).map(([id, , time, count]) => ({ id: parseId(id), deliveryTime: BigInt(time as number), deliveryCount: BigInt(count as number) })),
          consumers: (g.get('consumers') as RawReply[]).map((cr) => {
            const cm = asMap(cr);
            return {
              name: cm.get('name') as Buffer,
              seenTime: BigInt(cm.get('seen-time') as number),
              pending: (cm.get('pending') as RawReply[][]).map(([id]) => parseId(id)),
            };
          }),
        };
      });
      const value: StreamValue = {
        entries,
        length: BigInt(m.get('length') as number),
        lastId: parseId(m.get('last-generated-id')),
        firstId: parseId(m.get('recorded-first-entry-id')),
        maxDeletedId: parseId(m.get('max-deleted-entry-id')),
        entriesAdded: BigInt(m.get('entries-added') as number),
        groups,
      };
      return { type: 'stream', value };
    }
    default:
      throw new Error(`unexpected type ${type}`);
  }
}

/** Redis's score text (`inf`, `-inf`, `%.17g`) as a double. */
export function parseScore(s: string): number {
  if (s === 'inf' || s === '+inf') return Infinity;
  if (s === '-inf') return -Infinity;
  return Number(s);
}

const hex = (b: Buffer) => b.toString('hex');
const cmpBuf = (a: Buffer, b: Buffer) => Buffer.compare(a, b);
const idStr = (id: StreamId) => `${id.ms}-${id.seq}`;

/** A JSON-able canonical form: equal forms ⇔ equal Redis values. */
export function normalizeValue(v: RdbValue | null): unknown {
  if (v === null) return null;
  switch (v.type) {
    case 'string':
      return { string: hex(v.value) };
    case 'list':
      return { list: v.value.map(hex) };
    case 'set':
      return { set: v.value.slice().sort(cmpBuf).map(hex) };
    case 'hash':
      return { hash: v.value.slice().sort((a, b) => cmpBuf(a[0], b[0])).map(([f, x]) => [hex(f), hex(x)]) };
    case 'zset':
      return {
        zset: v.value
          .slice()
          .sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : cmpBuf(a[0], b[0])))
          .map(([m, s]) => [hex(m), Object.is(s, -0) ? 0 : s]),
      };
    case 'stream': {
      const s = v.value;
      return {
        stream: {
          entries: s.entries.map((e) => [idStr(e.id), e.fields.map(([f, x]) => [hex(f), hex(x)])]),
          length: String(s.length),
          lastId: idStr(s.lastId),
          firstId: idStr(s.firstId),
          maxDeletedId: idStr(s.maxDeletedId),
          entriesAdded: String(s.entriesAdded),
          groups: s.groups
            .slice()
            .sort((a, b) => cmpBuf(a.name, b.name))
            .map((g) => ({
              name: hex(g.name),
              lastId: idStr(g.lastId),
              entriesRead: String(g.entriesRead),
              pel: g.pel.map((p) => [idStr(p.id), String(p.deliveryTime), String(p.deliveryCount)]).sort(),
              consumers: g.consumers
                .slice()
                .sort((a, b) => cmpBuf(a.name, b.name))
                .map((c) => ({ name: hex(c.name), seenTime: String(c.seenTime), pending: c.pending.map(idStr).sort() })),
            })),
        },
      };
    }
    default:
      return { module: String(v.moduleId), raw: hex(v.raw) };
  }
}
