/**
 * The search areas of GEORADIUS/GEOSEARCH (Redis 7.0 geohash_helper.c and geohash.c): the
 * bounding box of a circle or rectangle, the geohash step estimated from its size, the centre
 * cell with its eight neighbours (dropping those the box cannot reach), and the score range of
 * each cell. Cells are `{ bits, step }` with bits as BigInt (up to 52 bits).
 */
import { GEO_LAT_MAX, GEO_LAT_MIN, GEO_LONG_MAX, GEO_LONG_MIN, geoDistance, geohashEncode } from './geohash';

const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const D_R = Math.PI / 180.0;
const degRad = (a: number) => a * D_R;
const radDeg = (a: number) => a / D_R;

export interface GeoCell {
  bits: bigint;
  step: number;
}

/** The search shape: centre, size (in the unit) and meters per unit. */
export interface GeoShape {
  lon: number;
  lat: number;
  conversion: number;
  radius?: number;
  width?: number;
  height?: number;
}

interface Area {
  latMin: number;
  latMax: number;
  lonMin: number;
  lonMax: number;
}

const LONG_RANGE = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
const LAT_RANGE = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };

function estimateSteps(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  return Math.min(26, Math.max(1, step));
}

/** geohashBoundingBox: [minLon, minLat, maxLon, maxLat]. */
function boundingBox(s: GeoShape): [number, number, number, number] {
  const circ = s.radius !== undefined;
  const height = s.conversion * (circ ? (s.radius as number) : (s.height as number) / 2);
  const width = s.conversion * (circ ? (s.radius as number) : (s.width as number) / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const longDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(s.lat + latDelta)));
  const longDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(s.lat - latDelta)));
  const south = s.lat < 0;
  return [south ? s.lon - longDeltaBottom : s.lon - longDeltaTop, s.lat - latDelta, south ? s.lon + longDeltaBottom : s.lon + longDeltaTop, s.lat + latDelta];
}

function decode(c: GeoCell): Area {
  let lat = 0;
  let lon = 0;
  for (let i = 31; i >= 0; i--) {
    lat = lat * 2 + Number((c.bits >> BigInt(2 * i)) & 1n);
    lon = lon * 2 + Number((c.bits >> BigInt(2 * i + 1)) & 1n);
  }
  const scale = 2 ** c.step;
  const latScale = LAT_RANGE.max - LAT_RANGE.min;
  const longScale = LONG_RANGE.max - LONG_RANGE.min;
  return {
    latMin: LAT_RANGE.min + (lat / scale) * latScale,
    latMax: LAT_RANGE.min + ((lat + 1) / scale) * latScale,
    lonMin: LONG_RANGE.min + (lon / scale) * longScale,
    lonMax: LONG_RANGE.min + ((lon + 1) / scale) * longScale,
  };
}

const ODD = 0xaaaaaaaaaaaaaaaan;
const EVEN = 0x5555555555555555n;
const M64 = 0xffffffffffffffffn;

function move(c: GeoCell, d: number, xAxis: boolean): GeoCell {
  if (d === 0) return c;
  const shift = BigInt(64 - c.step * 2);
  let x = c.bits & ODD;
  let y = c.bits & EVEN;
  const zz = (xAxis ? EVEN : ODD) >> shift;
  let v = xAxis ? x : y;
  if (d > 0) v = (v + (zz + 1n)) & M64;
  else {
    v |= zz;
    v = (v - (zz + 1n)) & M64;
  }
  v &= (xAxis ? ODD : EVEN) >> shift;
  if (xAxis) x = v;
  else y = v;
  return { bits: x | y, step: c.step };
}

const shifted = (c: GeoCell, dx: number, dy: number) => move(move(c, dx, true), dy, false);
const ZERO: GeoCell = { bits: 0n, step: 0 };

/**
 * geohashCalculateAreasByShapeWGS84: the cells to scan, in Redis's order (centre, N, S, E, W,
 * NE, NW, SE, SW), unreachable neighbours as `{ bits: 0n, step: 0 }`.
 */
export function searchCells(s: GeoShape): GeoCell[] {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(s);
  const w = s.width as number;
  const h = s.height as number;
  let radiusMeters = s.radius !== undefined ? s.radius : Math.sqrt((w / 2) * (w / 2) + (h / 2) * (h / 2));
  radiusMeters *= s.conversion;
  let steps = estimateSteps(radiusMeters, s.lat);
  const encode = (st: number): GeoCell => ({ bits: geohashEncode(LONG_RANGE, LAT_RANGE, s.lon, s.lat, st) ?? 0n, step: st });
  let hash = encode(steps);
  let dec = false;
  if (decode(shifted(hash, 0, 1)).latMax < maxLat) dec = true;
  if (decode(shifted(hash, 0, -1)).latMin > minLat) dec = true;
  if (decode(shifted(hash, 1, 0)).lonMax < maxLon) dec = true;
  if (decode(shifted(hash, -1, 0)).lonMin > minLon) dec = true;
  if (steps > 1 && dec) {
    steps--;
    hash = encode(steps);
  }
  const area = decode(hash);
  let n = shifted(hash, 0, 1);
  let so = shifted(hash, 0, -1);
  let e = shifted(hash, 1, 0);
  let we = shifted(hash, -1, 0);
  let ne = shifted(hash, 1, 1);
  let nw = shifted(hash, -1, 1);
  let se = shifted(hash, 1, -1);
  let sw = shifted(hash, -1, -1);
  if (steps >= 2) {
    if (area.latMin < minLat) so = sw = se = ZERO;
    if (area.latMax > maxLat) n = ne = nw = ZERO;
    if (area.lonMin < minLon) we = sw = nw = ZERO;
    if (area.lonMax > maxLon) e = se = ne = ZERO;
  }
  return [hash, n, so, e, we, ne, nw, se, sw];
}

/** scoresOfGeoHashBox: the [min, max) score range of a cell. */
export function cellScores(c: GeoCell): [number, number] {
  const shift = BigInt(52 - c.step * 2);
  return [Number(BigInt.asUintN(64, c.bits << shift)), Number(BigInt.asUintN(64, (c.bits + 1n) << shift))];
}

/** geoWithinShape: the distance (meters) from the centre, or undefined when outside. */
export function distanceInShape(s: GeoShape, lon: number, lat: number): number | undefined {
  if (s.radius !== undefined) {
    const d = geoDistance(s.lon, s.lat, lon, lat);
    return d > s.radius * s.conversion ? undefined : d;
  }
  const widthM = (s.width as number) * s.conversion;
  const heightM = (s.height as number) * s.conversion;
  if (EARTH_RADIUS_IN_METERS * Math.abs(degRad(s.lat) - degRad(lat)) > heightM / 2) return undefined;
  if (geoDistance(lon, lat, s.lon, lat) > widthM / 2) return undefined;
  return geoDistance(s.lon, s.lat, lon, lat);
}
