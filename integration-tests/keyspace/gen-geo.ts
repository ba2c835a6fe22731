/**
 * Differential generator: GEOADD (NX/XX/CH, out-of-range and invalid coordinates), GEODIST with
 * every unit, GEOPOS, GEOHASH, and the searches (GEORADIUS[BYMEMBER][_RO], GEOSEARCH[STORE] with
 * BYRADIUS/BYBOX, COUNT [ANY], ASC/DESC, WITH* and STORE/STOREDIST), on geo keys `g1`/`g2` and the
 * shared pool (wrong types). Members often share a position, so COUNT cuts between equal
 * distances: the keyspace must then order them as Redis's partial quicksort does.
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
    const radius = f.tuple(f.constantFrom('0', '1', '100', '5000', '200000', '1000000', '20000000', '-1', 'x'), f.constantFrom('m', 'km', 'KM', 'mi', 'ft', 'yd'));
    const center = f.tuple(lon, lat);
    const withs = f.subarray(['WITHDIST', 'WITHHASH', 'WITHCOORD', 'withdist'], { maxLength: 3 });
    const tail = f.tuple(withs, f.constantFrom<string[]>([], [], ['ASC'], ['DESC'], ['asc']), f.constantFrom<string[]>([], [], ['COUNT', '1'], ['COUNT', '3'], ['COUNT', '2', 'ANY'], ['COUNT', '0'], ['ANY'], ['COUNT', 'x'])).map(([w, s, c]) => [...w, ...s, ...c]);
    // STOREDIST is left out: its scores are distances whose last bits follow the platform's
    // sin/cos/asin (glibc's and V8's differ by an ulp now and then), so they are not byte-equal
    const store = f.constantFrom<string[]>([], [], [], ['STORE', 'gd'], ['STORE', 'g2']);
    const from = f.oneof(center.map(([x, y]) => ['FROMLONLAT', x, y]), member.map((m) => ['FROMMEMBER', m]));
    const by = f.oneof(radius.map(([r, u]) => ['BYRADIUS', r, u]), f.tuple(f.constantFrom('0', '10', '400', '3000', '-2', 'x'), f.constantFrom('10', '500', '4000', '1e5'), f.constantFrom('km', 'm', 'mi', 'xx')).map(([w, h, u]) => ['BYBOX', w, h, u]));
    const mode = (argv: string[]): GenStep => ({ argv });
    return [
      { weight: 4, arbitrary: f.tuple(gk, center, radius, tail, store, f.boolean()).map(([k, [x, y], [r, u], t, s, ro]) => mode([ro ? 'GEORADIUS_RO' : 'GEORADIUS', k, x, y, r, u, ...t, ...(ro ? [] : s)])) },
      { weight: 3, arbitrary: f.tuple(gk, member, radius, tail, store, f.boolean()).map(([k, m, [r, u], t, s, ro]) => mode([ro ? 'GEORADIUSBYMEMBER_RO' : 'GEORADIUSBYMEMBER', k, m, r, u, ...t, ...(ro ? [] : s)])) },
      { weight: 5, arbitrary: f.tuple(gk, from, by, tail).map(([k, fr, b, t]) => mode(['GEOSEARCH', k, ...fr, ...b, ...t])) },
      { weight: 3, arbitrary: f.tuple(f.constantFrom('gd', 'g2'), gk, from, by, tail, f.constant<string[]>([])).map(([d, k, fr, b, t, sd]) => mode(['GEOSEARCHSTORE', d, k, ...fr, ...b, ...t.filter((x) => !x.toUpperCase().startsWith('WITH')), ...sd])) },
      { weight: 1, arbitrary: step(f.constantFrom(['GEOSEARCH', 'g1', 'BYRADIUS', '10', 'km'], ['GEOSEARCH', 'g1', 'FROMLONLAT', '1', '2'], ['GEOSEARCH', 'g1', 'FROMMEMBER', 'a', 'FROMLONLAT', '1', '2', 'BYRADIUS', '1', 'm'], ['GEOSEARCHSTORE', 'gd', 'g1', 'FROMMEMBER', 'a', 'BYRADIUS', '1', 'km', 'WITHDIST'], ['GEORADIUS', 'g1', '1', '2', '3', 'km', 'WITHDIST', 'STORE', 'gd'])) },
      { weight: 1, arbitrary: step(f.constantFrom(['ZRANGE', 'gd', '0', '-1', 'WITHSCORES'], ['OBJECT', 'ENCODING', 'gd'])) },
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
