/**
 * GEOADD, GEODIST, GEOPOS, GEOHASH (Redis 7.0 geo.c). A geo index is a sorted set whose scores
 * are 52-bit geohashes (../types/geohash.ts). GEOADD runs ZADD with the encoded scores and, as in
 * Redis (which replaces the client's argv), is propagated as that `zadd` command.
 */
import { DoubleReply, ErrorReply, NULL_ARRAY, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { isError, readTyped } from '../command-helpers';
import { NOT_FLOAT, SYNTAX_ERR } from '../reply-errors';
import { GEO_LAT_MAX, GEO_LAT_MIN, GEO_LONG_MAX, GEO_LONG_MIN, decodeScore, formatDistance, formatHumanDouble, geoDistance, geoScore, geohashString } from '../types/geohash';
import type { ZSetValue } from '../types/zset-value';
import { parseDouble } from '../util/double';
import { familySpec } from './meta-families';
import { zsetCommands } from './zset';

const UNIT_ERR = new ErrorReply('ERR unsupported unit provided. please use M, KM, FT, MI');

const zadd = zsetCommands.find((c) => c.name === 'zadd');
if (!zadd) throw new Error('ZADD is missing from the sorted-set commands');

/** C's `%f`. */
function cFixed6(d: number): string {
  if (!Number.isFinite(d)) return Number.isNaN(d) ? 'nan' : d > 0 ? 'inf' : '-inf';
  if (Math.abs(d) >= 1e21) return `${BigInt(d).toString()}.000000`;
  return d.toFixed(6);
}

/** extractUnitOrReply: meters per unit. */
export function unitArg(s: BinaryString): number | ErrorReply {
  const u = s.toLowerCase();
  if (u === 'm') return 1;
  if (u === 'km') return 1000;
  if (u === 'ft') return 0.3048;
  if (u === 'mi') return 1609.34;
  return UNIT_ERR;
}

/** extractLongLatOrReply: [longitude, latitude] within the WGS84 limits Redis accepts. */
export function lonLatArgs(lonArg: BinaryString, latArg: BinaryString): [number, number] | ErrorReply {
  const lon = parseDouble(lonArg);
  if (lon === null) return NOT_FLOAT;
  const lat = parseDouble(latArg);
  if (lat === null) return NOT_FLOAT;
  if (lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX) return new ErrorReply(`ERR invalid longitude,latitude pair ${cFixed6(lon)},${cFixed6(lat)}`);
  return [lon, lat];
}

/** GEOADD key [NX|XX] [CH] longitude latitude member [...] */
function geoadd(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  let nx = false;
  let xx = false;
  let longidx = 2;
  for (; longidx < argv.length; longidx++) {
    const opt = argv[longidx].toLowerCase();
    if (opt === 'nx') nx = true;
    else if (opt === 'xx') xx = true;
    else if (opt !== 'ch') break;
  }
  if ((argv.length - longidx) % 3 !== 0 || (xx && nx)) return SYNTAX_ERR;
  const zargv: BinaryString[] = ['zadd', ...argv.slice(1, longidx)];
  for (let i = longidx; i < argv.length; i += 3) {
    const xy = lonLatArgs(argv[i], argv[i + 1]);
    if (isError(xy)) return xy;
    zargv.push(geoScore(xy[0], xy[1]).toString(), argv[i + 2]);
  }
  const reply = (zadd as CommandSpec).handler(ctx, zargv);
  ctx.rewrite(zargv);
  return reply;
}

/** GEODIST key member1 member2 [M|KM|FT|MI] */
function geodist(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  let toMeter = 1;
  if (argv.length === 5) {
    const u = unitArg(argv[4]);
    if (isError(u)) return u;
    toMeter = u;
  } else if (argv.length > 5) return SYNTAX_ERR;
  const z = readTyped<ZSetValue>(ctx.db, argv[1], 'zset');
  if (z === undefined) return null;
  if (isError(z)) return z;
  const s1 = z.score(argv[2]);
  const s2 = z.score(argv[3]);
  if (s1 === undefined || s2 === undefined) return null;
  const [x1, y1] = decodeScore(s1);
  const [x2, y2] = decodeScore(s2);
  return formatDistance(geoDistance(x1, y1, x2, y2) / toMeter);
}

/** GEOPOS key [member ...]: [longitude, latitude] pairs in Redis's human double format. */
function geopos(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const z = readTyped<ZSetValue>(ctx.db, argv[1], 'zset');
  if (isError(z)) return z;
  const out: RespValue[] = [];
  for (let j = 2; j < argv.length; j++) {
    const s = z?.score(argv[j]);
    if (s === undefined) {
      out.push(NULL_ARRAY);
      continue;
    }
    const xy = decodeScore(s).map((d) => {
      const text = formatHumanDouble(d);
      return ctx.resp === 2 ? text : new DoubleReply(d, text);
    });
    out.push(xy);
  }
  return out;
}

/** GEOHASH key [member ...]: standard 11-character geohashes. */
function geohash(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const z = readTyped<ZSetValue>(ctx.db, argv[1], 'zset');
  if (isError(z)) return z;
  const out: RespValue[] = [];
  for (let j = 2; j < argv.length; j++) {
    const s = z?.score(argv[j]);
    out.push(s === undefined ? null : geohashString(s));
  }
  return out;
}

export const geoCommands: CommandSpec[] = [familySpec('geoadd', geoadd), familySpec('geodist', geodist), familySpec('geopos', geopos), familySpec('geohash', geohash)];
