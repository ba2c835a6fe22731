/** Helpers shared by every command family (internal; re-exported through ../internal.ts). */
export { parseInt64, parseInt64Big, addInt64, compareInt64, normalizeInt64, isIntEncodable, INT64_MAX, INT64_MIN } from './int64';
export type { Int64 } from './int64';
export { parseDouble, formatDouble } from './double';
export { parseLongDouble, addLongDouble, formatLongDouble, longDoubleFromInt, LD_ZERO } from './long-double';
export type { LongDouble } from './long-double';
export { globMatch, compileGlob } from './glob';
export { ScanCursors, parseScanCursor, parseScanOptions } from './scan-cursor';
export type { ScanOptions } from './scan-cursor';
