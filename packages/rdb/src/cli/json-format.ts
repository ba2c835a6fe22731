/**
 * JSON form of RDB values for `replikit-rdb json`: binary-safe (a string that is not valid UTF-8
 * becomes `{"base64":"..."}`), order-preserving (hashes and zsets as arrays of pairs, since field
 * names need not be text), and exact (64-bit numbers beyond 2^53 as decimal strings, scores
 * ±inf as "inf"/"-inf", stream ids as "ms-seq").
 */
import { isUtf8 } from 'node:buffer';
import type { RdbEntry, RdbValue, StreamId } from '../model';

export type JsonString = string | { base64: string };

export function jsonString(b: Buffer): JsonString {
  return isUtf8(b) ? b.toString('utf8') : { base64: b.toString('base64') };
}

function jsonBig(n: bigint): number | string {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
}

function jsonScore(s: number): number | string {
  if (s === Infinity) return 'inf';
  if (s === -Infinity) return '-inf';
  if (Object.is(s, -0)) return '-0';
  return s;
}

const id = (x: StreamId) => `${x.ms}-${x.seq}`;

export function jsonValue(v: RdbValue): unknown {
  switch (v.type) {
    case 'string':
      return jsonString(v.value);
    case 'list':
    case 'set':
      return v.value.map(jsonString);
    case 'zset':
      return v.value.map(([m, s]) => [jsonString(m), jsonScore(s)]);
    case 'hash':
      return v.value.map(([f, x]) => [jsonString(f), jsonString(x)]);
    case 'stream': {
      const s = v.value;
      return {
        entries: s.entries.map((e) => ({ id: id(e.id), fields: e.fields.map(([f, x]) => [jsonString(f), jsonString(x)]) })),
        length: jsonBig(s.length),
        lastId: id(s.lastId),
        firstId: id(s.firstId),
        maxDeletedId: id(s.maxDeletedId),
        entriesAdded: jsonBig(s.entriesAdded),
        groups: s.groups.map((g) => ({
          name: jsonString(g.name),
          lastId: id(g.lastId),
          entriesRead: jsonBig(g.entriesRead),
          pel: g.pel.map((p) => ({ id: id(p.id), deliveryTime: jsonBig(p.deliveryTime), deliveryCount: jsonBig(p.deliveryCount) })),
          consumers: g.consumers.map((c) => ({
            name: jsonString(c.name),
            seenTime: jsonBig(c.seenTime),
            ...(c.activeTime === undefined ? {} : { activeTime: jsonBig(c.activeTime) }),
            pending: c.pending.map(id),
          })),
        })),
      };
    }
    case 'module':
      return { moduleId: jsonBig(v.moduleId), raw: { base64: v.raw.toString('base64') } };
  }
}

/** One line of `replikit-rdb json`: `{"db":0,"key":...,"type":"hash","expireAtMs":null,"value":...}`. */
export function jsonEntryLine(e: RdbEntry, rdbType?: string): string {
  const o: Record<string, unknown> = {
    db: e.db,
    key: jsonString(e.key),
    type: e.value.type,
    expireAtMs: e.expireAtMs >= 0 ? e.expireAtMs : null,
  };
  if (rdbType !== undefined) o.encoding = rdbType.toLowerCase();
  if (e.idleSeconds !== undefined) o.idleSeconds = e.idleSeconds;
  if (e.lfuFreq !== undefined) o.lfuFreq = e.lfuFreq;
  o.value = jsonValue(e.value);
  return `${JSON.stringify(o)}\n`;
}
