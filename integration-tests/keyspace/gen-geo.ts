/**
 * Differential generator: GEOADD (NX/XX/CH, out-of-range and invalid coordinates), GEODIST with
 * every unit, GEOPOS, GEOHASH, on geo keys `g1`/`g2` and the shared pool (wrong types).
 */
import type fc from 'fast-check';
import type { CommandGenerator, GenContext, GenStep } from './generator-types';

const LONS = ['13.361389', '15.087269', '-122.4194', '0', '180', '-180', '179.9999999', '2.3522', '-0.1278', '139.6917', '180.0001', 'x', '1e400', 'inf'];
const LATS = ['38.115556', '37.502669', '37.7749', '0', '85.05112878', '-85.05112878', '85.06', '48.8566', '51.5074', '35.6895', '-33.8688', 'nan', '-90'];
const MEMBERS = ['Palermo', 'Catania', 'a', 'b', 'c', '', '\xff'];

export const geoGenerator: CommandGenerator = {
  family: 'geo',
  steps(c: GenContext, f: typeof fc) {
    const step = (a: fc.Arbitrary<string[]>, compare?: GenStep['compare']) => a.map((argv): GenStep => ({ argv, compare }));
    const gk = f.oneof({ arbitrary: f.constantFrom('g1', 'g2'), weight: 6 }, { arbitrary: c.key, weight: 1 });
    const member = f.constantFrom(...MEMBERS);
    const lon = f.oneof({ arbitrary: f.constantFrom(...LONS.slice(0, 10)), weight: 8 }, { arbitrary: f.constantFrom(...LONS), weight: 1 }, { arbitrary: f.double({ min: -180, max: 180, noNaN: true }).map(String), weight: 3 });
    const lat = f.oneof({ arbitrary: f.constantFrom(...LATS.slice(0, 10)), weight: 8 }, { arbitrary: f.constantFrom(...LATS), weight: 1 }, { arbitrary: f.double({ min: -85.05, max: 85.05, noNaN: true }).map(String), weight: 3 });
    const triples = f.array(f.tuple(lon, lat, member), { minLength: 1, maxLength: 3 }).map((t) => t.flat());
    const opts = f.subarray(['NX', 'XX', 'CH', 'ch'], { maxLength: 2 });
    const unit = f.constantFrom<string[]>([], ['m'], ['KM'], ['ft'], ['mi'], ['Mi'], ['yd'], ['km', 'x']);
    return [
      { weight: 8, arbitrary: step(f.tuple(gk, opts, triples).map(([k, o, t]) => ['GEOADD', k, ...o, ...t])) },
      { weight: 1, arbitrary: step(f.tuple(gk, triples).map(([k, t]) => ['GEOADD', k, ...t, 'extra'])) },
      { weight: 4, arbitrary: step(f.tuple(gk, member, member, unit).map(([k, a, b, u]) => ['GEODIST', k, a, b, ...u])) },
      { weight: 4, arbitrary: step(f.tuple(gk, f.array(member, { maxLength: 3 })).map(([k, m]) => ['GEOPOS', k, ...m])) },
      { weight: 3, arbitrary: step(f.tuple(gk, f.array(member, { maxLength: 3 })).map(([k, m]) => ['GEOHASH', k, ...m])) },
      { weight: 1, arbitrary: step(f.tuple(gk, f.constantFrom('0', '-1', '4503599627370496', '1e20', '123456789'), member).map(([k, s, m]) => ['ZADD', k, s, m])) },
      { weight: 1, arbitrary: step(f.constantFrom(['GEOADD', 'g1', 'NX', 'XX', '1', '2', 'a'], ['GEOADD', 'g1', '1', '2'], ['GEODIST', 'g1', 'a'], ['GEOPOS'], ['DEL', 'g1'])) },
    ];
  },
};
