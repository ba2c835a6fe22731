/**
 * GEORADIUS, GEORADIUSBYMEMBER (and their _RO forms), GEOSEARCH and GEOSEARCHSTORE (Redis 7.0
 * geo.c georadiusGeneric): argument rules and error texts, the cell scan in Redis's order, COUNT
 * [ANY], ASC/DESC (glibc's stable qsort, or Redis's pqsort under COUNT), WITHDIST/WITHHASH/WITHCOORD replies and
 * STORE/STOREDIST into a sorted set.
 */
import { DoubleReply, ErrorReply, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { EMPTY_ARRAY, isError, readTyped } from '../command-helpers';
import { NOT_INTEGER, SYNTAX_ERR } from '../reply-errors';
import { type GeoShape, cellScores, distanceInShape, searchCells } from '../types/geohash-area';
import { decodeScore, formatDistance, formatHumanDouble } from '../types/geohash';
import { ZSetValue } from '../types/zset-value';
import { parseDouble } from '../util/double';
import { parseInt64 } from '../util/int64';
import { lonLatArgs, unitArg } from './geo';
import { NOTIFY_GENERIC, NOTIFY_ZSET } from '../notify';
import { familySpec } from './meta-families';
import { pqsort } from './pqsort';

const err = (m: string) => new ErrorReply(`ERR ${m}`);
const BAD_MEMBER = err('could not decode requested zset member');

const COORDS = 1;
const MEMBER = 2;
const NOSTORE = 4;
const SEARCH = 8;
const SEARCHSTORE = 16;

interface Point {
  member: BinaryString;
  score: number;
  lon: number;
  lat: number;
  dist: number;
}

/** extractDistanceOrReply: [radius, meters per unit]. */
function distanceArgs(r: BinaryString, u: BinaryString): [number, number] | ErrorReply {
  const d = parseDouble(r);
  if (d === null) return err('need numeric radius');
  if (d < 0) return err('radius cannot be negative');
  const c = unitArg(u);
  return isError(c) ? c : [d, c];
}

/** extractBoxOrReply: [width, height, meters per unit]. */
function boxArgs(w: BinaryString, h: BinaryString, u: BinaryString): [number, number, number] | ErrorReply {
  const width = parseDouble(w);
  if (width === null) return err('need numeric width');
  const height = parseDouble(h);
  if (height === null) return err('need numeric height');
  if (height < 0 || width < 0) return err('height or width cannot be negative');
  const c = unitArg(u);
  return isError(c) ? c : [width, height, c];
}

/** The members of `z` inside the shape, cell by cell as membersOfAllNeighbors scans them. */
function scan(z: ZSetValue, shape: GeoShape, limit: number): Point[] {
  const pairs = z.toPlain();
  const out: Point[] = [];
  const cells = searchCells(shape);
  let last = -1;
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    if (c.bits === 0n && c.step === 0) continue;
    if (last > 0 && c.bits === cells[last].bits && c.step === cells[last].step) continue;
    if (out.length && limit && out.length >= limit) break;
    const [min, max] = cellScores(c);
    let lo = 0;
    let hi = pairs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[mid][1] < min) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < pairs.length && pairs[k][1] < max; k++) {
      const [lon, lat] = decodeScore(pairs[k][1]);
      const dist = distanceInShape(shape, lon, lat);
      if (dist !== undefined) out.push({ member: pairs[k][0], score: pairs[k][1], lon, lat, dist });
      if (out.length && limit && out.length >= limit) break;
    }
    last = i;
  }
  return out;
}

function georadiusGeneric(ctx: CommandContext, argv: readonly BinaryString[], srcKeyIndex: number, flags: number): RespValue {
  const z = readTyped<ZSetValue>(ctx.db, argv[srcKeyIndex], 'zset');
  if (isError(z)) return z;
  const shape: GeoShape = { lon: 0, lat: 0, conversion: 1 };
  let baseArgs: number;
  let storekey: BinaryString | undefined;
  let storedist = false;
  if (flags & COORDS) {
    baseArgs = 6;
    const xy = lonLatArgs(argv[2], argv[3]);
    if (isError(xy)) return xy;
    [shape.lon, shape.lat] = xy;
    const d = distanceArgs(argv[4], argv[5]);
    if (isError(d)) return d;
    [shape.radius, shape.conversion] = d;
  } else if (flags & MEMBER) {
    baseArgs = 5;
    if (z !== undefined) {
      const s = z.score(argv[2]);
      if (s === undefined) return BAD_MEMBER;
      [shape.lon, shape.lat] = decodeScore(s);
      const d = distanceArgs(argv[3], argv[4]);
      if (isError(d)) return d;
      [shape.radius, shape.conversion] = d;
    }
  } else {
    baseArgs = flags & SEARCHSTORE ? 3 : 2;
    if (flags & SEARCHSTORE) storekey = argv[1];
  }
  let withdist = false;
  let withhash = false;
  let withcoords = false;
  let frommember = false;
  let fromloc = false;
  let byradius = false;
  let bybox = false;
  let sort: 'none' | 'asc' | 'desc' = 'none';
  let any = false;
  let count = 0;
  const remaining = argv.length - baseArgs;
  for (let i = 0; i < remaining; i++) {
    const arg = argv[baseArgs + i].toLowerCase();
    const at = (k: number) => argv[baseArgs + i + k];
    if (arg === 'withdist') withdist = true;
    else if (arg === 'withhash') withhash = true;
    else if (arg === 'withcoord') withcoords = true;
    else if (arg === 'any') any = true;
    else if (arg === 'asc') sort = 'asc';
    else if (arg === 'desc') sort = 'desc';
    else if (arg === 'count' && i + 1 < remaining) {
      const n = parseInt64(at(1));
      if (n === null) return NOT_INTEGER;
      if (n <= 0) return err('COUNT must be > 0');
      count = Number(n);
      i++;
    } else if ((arg === 'store' || arg === 'storedist') && i + 1 < remaining && !(flags & NOSTORE) && !(flags & SEARCH)) {
      storekey = at(1);
      storedist = arg === 'storedist';
      i++;
    } else if (arg === 'storedist' && flags & SEARCH && flags & SEARCHSTORE) {
      storedist = true;
    } else if (arg === 'frommember' && i + 1 < remaining && flags & SEARCH && !fromloc) {
      if (z !== undefined) {
        const s = z.score(at(1));
        if (s === undefined) return BAD_MEMBER;
        [shape.lon, shape.lat] = decodeScore(s);
      }
      frommember = true;
      i++;
    } else if (arg === 'fromlonlat' && i + 2 < remaining && flags & SEARCH && !frommember) {
      const xy = lonLatArgs(at(1), at(2));
      if (isError(xy)) return xy;
      [shape.lon, shape.lat] = xy;
      fromloc = true;
      i += 2;
    } else if (arg === 'byradius' && i + 2 < remaining && flags & SEARCH && !bybox) {
      const d = distanceArgs(at(1), at(2));
      if (isError(d)) return d;
      [shape.radius, shape.conversion] = d;
      shape.width = shape.height = undefined;
      byradius = true;
      i += 2;
    } else if (arg === 'bybox' && i + 3 < remaining && flags & SEARCH && !byradius) {
      const b = boxArgs(at(1), at(2), at(3));
      if (isError(b)) return b;
      [shape.width, shape.height, shape.conversion] = b;
      shape.radius = undefined;
      bybox = true;
      i += 3;
    } else return SYNTAX_ERR;
  }
  if (storekey !== undefined && (withdist || withhash || withcoords)) return err(`${flags & SEARCHSTORE ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS'} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
  if (flags & SEARCH && !(frommember || fromloc)) return err(`exactly one of FROMMEMBER or FROMLONLAT can be specified for ${argv[0]}`);
  if (flags & SEARCH && !(byradius || bybox)) return err(`exactly one of BYRADIUS and BYBOX can be specified for ${argv[0]}`);
  if (any && !count) return err('the ANY argument requires COUNT argument');
  if (z === undefined) {
    if (storekey === undefined) return EMPTY_ARRAY;
    if (ctx.db.delete(storekey)) {
      ctx.notify(NOTIFY_GENERIC, 'del', storekey);
      ctx.dirty();
    }
    return 0;
  }
  if (count !== 0 && sort === 'none' && !any) sort = 'asc';
  const found = scan(z, shape, any ? count : 0);
  if (found.length === 0 && storekey === undefined) return EMPTY_ARRAY;
  const returned = count === 0 || found.length < count ? found.length : count;
  if (sort !== 'none') {
    const asc = (a: Point, b: Point) => (a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1);
    const cmp = sort === 'asc' ? asc : (a: Point, b: Point) => -asc(a, b);
    // glibc's qsort (a stable merge sort here) for everything, Redis's partial quicksort for COUNT
    if (returned === found.length) found.sort(cmp);
    else pqsort(found, cmp, 0, returned - 1);
  }
  const picked = found.slice(0, returned);
  if (storekey === undefined) {
    return picked.map((p) => {
      if (!withdist && !withhash && !withcoords) return p.member;
      const item: RespValue[] = [p.member];
      if (withdist) item.push(formatDistance(p.dist / shape.conversion));
      // addReplyLongLong of the double score: C's (long long) conversion
      if (withhash) item.push(Number.isSafeInteger(Math.trunc(p.score)) ? Math.trunc(p.score) : Math.abs(p.score) < 2 ** 63 ? BigInt(Math.trunc(p.score)) : -(2n ** 63n));
      if (withcoords) item.push([p.lon, p.lat].map((d) => (ctx.resp === 2 ? formatHumanDouble(d) : new DoubleReply(d, formatHumanDouble(d)))));
      return item;
    });
  }
  if (returned > 0) {
    ctx.db.setValue(storekey, ZSetValue.fromPlain(picked.map((p) => [p.member, storedist ? p.dist / shape.conversion : p.score] as const)));
    ctx.notify(NOTIFY_ZSET, flags & SEARCH ? 'geosearchstore' : 'georadiusstore', storekey);
    ctx.dirty(returned);
  } else if (ctx.db.delete(storekey)) {
    ctx.notify(NOTIFY_GENERIC, 'del', storekey);
    ctx.dirty();
  }
  return returned;
}

export const geoSearchCommands: CommandSpec[] = [
  familySpec('georadius', (ctx, argv) => georadiusGeneric(ctx, argv, 1, COORDS)),
  familySpec('georadiusbymember', (ctx, argv) => georadiusGeneric(ctx, argv, 1, MEMBER)),
  familySpec('georadius_ro', (ctx, argv) => georadiusGeneric(ctx, argv, 1, COORDS | NOSTORE)),
  familySpec('georadiusbymember_ro', (ctx, argv) => georadiusGeneric(ctx, argv, 1, MEMBER | NOSTORE)),
  familySpec('geosearch', (ctx, argv) => georadiusGeneric(ctx, argv, 1, SEARCH)),
  familySpec('geosearchstore', (ctx, argv) => georadiusGeneric(ctx, argv, 2, SEARCH | SEARCHSTORE)),
];
