/**
 * Command metadata of Redis 7.0.15 for the bitmap, HyperLogLog, geo, SORT and LCS/SUBSTR
 * commands, generated from redis-server 7.0.15's COMMAND INFO and COMMAND DOCS (which are built
 * from src/commands/*.json): arity, flags, legacy first/last/step key range, group, explicit ACL
 * categories, key specifications, tips, summary and version. `familySpec()` builds a CommandSpec
 * from it exactly as `spec()` in ./meta.ts does for the core table.
 */
import type { CommandSpec } from '../command-api';
import { type CommandMeta, specFromMeta } from './meta';
import { type CommandDocs, type KeySpec, kw } from './meta-docs';

type Ks = KeySpec;
const idx = (index: number) => ({ type: 'index', index }) as const;
const range = (lastKey: number, keyStep: number, limit: number) => ({ type: 'range', lastKey, keyStep, limit }) as const;

const M: Record<string, CommandMeta> = {
  'setbit': { arity: 4, flags: ['write', 'denyoom'], keys: [1, 1, 1], group: 'bitmap', acl: ['bitmap'] },
  'getbit': { arity: 3, flags: ['readonly', 'fast'], keys: [1, 1, 1], group: 'bitmap', acl: ['bitmap'] },
  'bitcount': { arity: -2, flags: ['readonly'], keys: [1, 1, 1], group: 'bitmap', acl: ['bitmap'] },
  'bitpos': { arity: -3, flags: ['readonly'], keys: [1, 1, 1], group: 'bitmap', acl: ['bitmap'] },
  'bitop': { arity: -4, flags: ['write', 'denyoom'], keys: [2, -1, 1], group: 'bitmap', acl: ['bitmap'] },
  'bitfield': { arity: -2, flags: ['write', 'denyoom'], keys: [1, 1, 1], group: 'bitmap', acl: ['bitmap'] },
  'bitfield_ro': { arity: -2, flags: ['readonly', 'fast'], keys: [1, 1, 1], group: 'bitmap', acl: ['bitmap'] },
  'lcs': { arity: -3, flags: ['readonly'], keys: [1, 2, 1], group: 'string', acl: ['string'] },
  'substr': { arity: 4, flags: ['readonly'], keys: [1, 1, 1], group: 'string', acl: ['string'] },
  'sort': { arity: -2, flags: ['write', 'denyoom', 'movablekeys'], keys: [1, 1, 1], group: 'generic', acl: ['set', 'sortedset', 'list', 'dangerous'] },
  'sort_ro': { arity: -2, flags: ['readonly', 'movablekeys'], keys: [1, 1, 1], group: 'generic', acl: ['set', 'sortedset', 'list', 'dangerous'] },
  'pfadd': { arity: -2, flags: ['write', 'denyoom', 'fast'], keys: [1, 1, 1], group: 'hyperloglog', acl: ['hyperloglog'] },
  'pfcount': { arity: -2, flags: ['readonly'], keys: [1, -1, 1], group: 'hyperloglog', acl: ['hyperloglog'] },
  'pfmerge': { arity: -2, flags: ['write', 'denyoom'], keys: [1, -1, 1], group: 'hyperloglog', acl: ['hyperloglog'] },
  'geoadd': { arity: -5, flags: ['write', 'denyoom'], keys: [1, 1, 1], group: 'geo', acl: ['geo'] },
  'geodist': { arity: -4, flags: ['readonly'], keys: [1, 1, 1], group: 'geo', acl: ['geo'] },
  'geopos': { arity: -2, flags: ['readonly'], keys: [1, 1, 1], group: 'geo', acl: ['geo'] },
  'geohash': { arity: -2, flags: ['readonly'], keys: [1, 1, 1], group: 'geo', acl: ['geo'] },
  'geosearch': { arity: -7, flags: ['readonly'], keys: [1, 1, 1], group: 'geo', acl: ['geo'] },
  'geosearchstore': { arity: -8, flags: ['write', 'denyoom'], keys: [1, 2, 1], group: 'geo', acl: ['geo'] },
  'georadius': { arity: -6, flags: ['write', 'denyoom', 'movablekeys'], keys: [1, 1, 1], group: 'geo', acl: ['geo'] },
  'georadius_ro': { arity: -6, flags: ['readonly'], keys: [1, 1, 1], group: 'geo', acl: ['geo'] },
  'georadiusbymember': { arity: -5, flags: ['write', 'denyoom', 'movablekeys'], keys: [1, 1, 1], group: 'geo', acl: ['geo'] },
  'georadiusbymember_ro': { arity: -5, flags: ['readonly'], keys: [1, 1, 1], group: 'geo', acl: ['geo'] },
};

const DOCS: Record<string, CommandDocs> = {
  "setbit": { summary: "Sets or clears the bit at offset in the string value stored at key", since: "2.2.0", tips: [], keySpecs: [{ flags: ["RW","ACCESS","UPDATE"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks] },
  "getbit": { summary: "Returns the bit value at offset in the string value stored at key", since: "2.2.0", tips: [], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks] },
  "bitcount": { summary: "Count set bits in a string", since: "2.6.0", tips: [], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks] },
  "bitpos": { summary: "Find first bit set or clear in a string", since: "2.8.7", tips: [], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks] },
  "bitop": { summary: "Perform bitwise operations between strings", since: "2.6.0", tips: [], keySpecs: [{ flags: ["OW","UPDATE"], beginSearch: idx(2), findKeys: range(0, 1, 0) } as Ks, { flags: ["RO","ACCESS"], beginSearch: idx(3), findKeys: range(-1, 1, 0) } as Ks] },
  "bitfield": { summary: "Perform arbitrary bitfield integer operations on strings", since: "3.2.0", tips: [], keySpecs: [{ flags: ["RW","ACCESS","UPDATE","VARIABLE_FLAGS"], beginSearch: idx(1), findKeys: range(0, 1, 0), notes: "This command allows both access and modification of the key" } as Ks] },
  "bitfield_ro": { summary: "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD", since: "6.0.0", tips: [], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks] },
  "lcs": { summary: "Find longest common substring", since: "7.0.0", tips: [], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: idx(1), findKeys: range(1, 1, 0) } as Ks] },
  "substr": { summary: "Get a substring of the string stored at a key", since: "1.0.0", tips: [], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks] },
  "sort": { summary: "Sort the elements in a list, set or sorted set", since: "1.0.0", tips: [], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks, { flags: ["RO","ACCESS"], beginSearch: { type: 'unknown' }, findKeys: { type: 'unknown' }, notes: "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort" } as Ks, { flags: ["OW","UPDATE"], beginSearch: { type: 'unknown' }, findKeys: { type: 'unknown' }, notes: "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array" } as Ks] },
  "sort_ro": { summary: "Sort the elements in a list, set or sorted set. Read-only variant of SORT.", since: "7.0.0", tips: [], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks, { flags: ["RO","ACCESS"], beginSearch: { type: 'unknown' }, findKeys: { type: 'unknown' }, notes: "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort" } as Ks] },
  "pfadd": { summary: "Adds the specified elements to the specified HyperLogLog.", since: "2.8.9", tips: [], keySpecs: [{ flags: ["RW","INSERT"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks] },
  "pfcount": { summary: "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).", since: "2.8.9", tips: [], keySpecs: [{ flags: ["RW","ACCESS"], beginSearch: idx(1), findKeys: range(-1, 1, 0), notes: "RW because it may change the internal representation of the key, and propagate to replicas" } as Ks] },
  "pfmerge": { summary: "Merge N different HyperLogLogs into a single one.", since: "2.8.9", tips: [], keySpecs: [{ flags: ["RW","ACCESS","INSERT"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks, { flags: ["RO","ACCESS"], beginSearch: idx(2), findKeys: range(-1, 1, 0) } as Ks] },
  "geoadd": { summary: "Add one or more geospatial items in the geospatial index represented using a sorted set", since: "3.2.0", tips: [], keySpecs: [{ flags: ["RW","UPDATE"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks] },
  "geodist": { summary: "Returns the distance between two members of a geospatial index", since: "3.2.0", tips: [], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks] },
  "geopos": { summary: "Returns longitude and latitude of members of a geospatial index", since: "3.2.0", tips: [], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks] },
  "geohash": { summary: "Returns members of a geospatial index as standard geohash strings", since: "3.2.0", tips: [], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks] },
  "geosearch": { summary: "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.", since: "6.2.0", tips: [], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks] },
  "geosearchstore": { summary: "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.", since: "6.2.0", tips: [], keySpecs: [{ flags: ["OW","UPDATE"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks, { flags: ["RO","ACCESS"], beginSearch: idx(2), findKeys: range(0, 1, 0) } as Ks] },
  "georadius": { summary: "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point", since: "3.2.0", tips: [], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks, { flags: ["OW","UPDATE"], beginSearch: kw("STORE", 6), findKeys: range(0, 1, 0) } as Ks, { flags: ["OW","UPDATE"], beginSearch: kw("STOREDIST", 6), findKeys: range(0, 1, 0) } as Ks] },
  "georadius_ro": { summary: "A read-only variant for GEORADIUS", since: "3.2.10", tips: [], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks] },
  "georadiusbymember": { summary: "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member", since: "3.2.0", tips: [], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks, { flags: ["OW","UPDATE"], beginSearch: kw("STORE", 5), findKeys: range(0, 1, 0) } as Ks, { flags: ["OW","UPDATE"], beginSearch: kw("STOREDIST", 5), findKeys: range(0, 1, 0) } as Ks] },
  "georadiusbymember_ro": { summary: "A read-only variant for GEORADIUSBYMEMBER", since: "3.2.10", tips: [], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks] },
};

/** A CommandSpec from the metadata above plus a handler: `familySpec('setbit', handler)`. */
export function familySpec(name: string, handler: CommandSpec['handler']): CommandSpec {
  const m = M[name];
  const d = DOCS[name];
  if (!m || !d) throw new Error(`no command metadata for '${name}'`);
  return specFromMeta(name, m, d, handler);
}
