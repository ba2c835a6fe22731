/**
 * Redis 7.0's geohash arithmetic (geohash.c, geohash_helper.c): 52-bit interleaved scores of
 * WGS84 coordinates (latitude limited to +/-85.05112878), their decoding to cell centres, the
 * standard 11-character geohash string, and the haversine distance with Redis's earth radius.
 * Every operation is done in the same order as the C code so that doubles round the same way.
 */

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;
const EARTH_RADIUS_IN_METERS = 6372797.560856;
const D_R = Math.PI / 180.0;

interface Range {
  min: number;
  max: number;
}

const WGS84_LONG: Range = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
const WGS84_LAT: Range = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };

/** interleave64: bits of `lat` at even positions, of `lon` at odd positions. */
function interleave(lat: number, lon: number): bigint {
  let out = 0n;
  for (let i = 31; i >= 0; i--) {
    out = (out << 2n) | (BigInt((lon >>> i) & 1) << 1n) | BigInt((lat >>> i) & 1);
  }
  return out;
}

/** deinterleave64: [latitude part, longitude part] as uint32s. */
function deinterleave(bits: bigint): [number, number] {
  let lat = 0;
  let lon = 0;
  for (let i = 31; i >= 0; i--) {
    lat = lat * 2 + Number((bits >> BigInt(2 * i)) & 1n);
    lon = lon * 2 + Number((bits >> BigInt(2 * i + 1)) & 1n);
  }
  return [lat, lon];
}

/** C's (uint32_t) conversion of a non-negative double below 2^32. */
const toU32 = (d: number): number => Math.trunc(d) >>> 0;

/** geohashEncode with explicit ranges: the interleaved bits, or null outside the WGS84 limits. */
export function geohashEncode(lonR: Range, latR: Range, longitude: number, latitude: number, step: number): bigint | null {
  if (longitude > GEO_LONG_MAX || longitude < GEO_LONG_MIN || latitude > GEO_LAT_MAX || latitude < GEO_LAT_MIN) return null;
  if (latitude < latR.min || latitude > latR.max || longitude < lonR.min || longitude > lonR.max) return null;
  let latOffset = (latitude - latR.min) / (latR.max - latR.min);
  let longOffset = (longitude - lonR.min) / (lonR.max - lonR.min);
  latOffset *= 2 ** step;
  longOffset *= 2 ** step;
  return interleave(toU32(latOffset), toU32(longOffset));
}

/** The sorted-set score GEOADD stores for a coordinate pair (already range-checked). */
export function geoScore(longitude: number, latitude: number): bigint {
  return geohashEncode(WGS84_LONG, WGS84_LAT, longitude, latitude, GEO_STEP_MAX) ?? 0n;
}

/**
 * C's (uint64_t) conversion of a double as gcc compiles it on x86-64: below 2^63 through a signed
 * conversion (out of range: 2^63), from 2^63 by subtracting 2^63 first (from 2^64, NaN, +inf: 0).
 */
function toU64(d: number): bigint {
  if (Number.isNaN(d) || d >= 2 ** 64) return 0n;
  if (d < -(2 ** 63)) return 1n << 63n;
  return BigInt.asUintN(64, BigInt(Math.trunc(d)));
}

/** decodeGeohash: the [longitude, latitude] centre of the cell a score stands for (clamped). */
export function decodeScore(score: number): [number, number] {
  const [ilato, ilono] = deinterleave(toU64(score));
  const scale = 2 ** GEO_STEP_MAX;
  const latScale = WGS84_LAT.max - WGS84_LAT.min;
  const longScale = WGS84_LONG.max - WGS84_LONG.min;
  const latMin = WGS84_LAT.min + (ilato / scale) * latScale;
  const latMax = WGS84_LAT.min + ((ilato + 1) / scale) * latScale;
  const lonMin = WGS84_LONG.min + (ilono / scale) * longScale;
  const lonMax = WGS84_LONG.min + ((ilono + 1) / scale) * longScale;
  let x = (lonMin + lonMax) / 2;
  if (x > GEO_LONG_MAX) x = GEO_LONG_MAX;
  if (x < GEO_LONG_MIN) x = GEO_LONG_MIN;
  let y = (latMin + latMax) / 2;
  if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
  if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
  return [x, y];
}

const ALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/** GEOHASH's 11-character string: the decoded point re-encoded on the standard -90..90 latitude range. */
export function geohashString(score: number): string {
  const [x, y] = decodeScore(score);
  const bits = geohashEncode({ min: -180, max: 180 }, { min: -90, max: 90 }, x, y, 26) ?? 0n;
  let out = '';
  for (let i = 0; i < 11; i++) {
    const idx = i === 10 ? 0 : Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn);
    out += ALPHABET[idx];
  }
  return out;
}

const degRad = (a: number) => a * D_R;

/** geohashGetDistance: haversine distance in meters. */
export function geoDistance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lon1r = degRad(lon1d);
  const lon2r = degRad(lon2d);
  const v = Math.sin((lon2r - lon1r) / 2);
  if (v === 0.0) return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2d) - degRad(lat1d));
  const lat1r = degRad(lat1d);
  const lat2r = degRad(lat2d);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
}

/** llrint: round half to even. */
function llrint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** fixedpoint_d2string(d, 4): the distance text of GEODIST and WITHDIST. */
export function formatDistance(d: number): string {
  if (d === 0) return '0.0000';
  const sv = llrint(d * 10000);
  const neg = sv < 0;
  const digits = String(Math.abs(sv)).padStart(5, '0');
  return `${neg ? '-' : ''}${digits.slice(0, -4)}.${digits.slice(-4)}`;
}

/** LD_STR_HUMAN (`%.17Lf` without trailing zeros): GEOPOS coordinates. */
export function formatHumanDouble(d: number): string {
  let s = d.toFixed(17);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '-0' : s;
}
