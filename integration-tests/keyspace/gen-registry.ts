/**
 * The generators the differential suite draws from.
 * Family owners: add ONE import line and ONE entry line in the marked blocks. Nothing else.
 */
import type { CommandGenerator } from './generator-types';
import { keysGenerator } from './gen-keys';
import { stringGenerator } from './gen-string';
// --- generator imports: one line per family ---
import { hashGenerator } from './gen-hash';
import { listGenerator } from './gen-list';
// set:   import { setGenerator } from './gen-set';
// zset:  import { zsetGenerator } from './gen-zset';
import { setGenerator } from './gen-set';
import { zsetGenerator } from './gen-zset';
import { bitmapGenerator } from './gen-bitmap';
import { lcsGenerator } from './gen-lcs';
import { sortAlphaGenerator } from './gen-sort';
import { hllGenerator } from './gen-hll';
import { geoGenerator } from './gen-geo';
import { lmpopGenerator } from './gen-lmpop';
import { streamGenerator } from '../streams/gen-stream';
// --- end generator imports ---

export const generators: CommandGenerator[] = [
  stringGenerator,
  keysGenerator,
  // --- generator entries: one line per family ---
  hashGenerator,
  listGenerator,
  // setGenerator,
  // zsetGenerator,
  setGenerator,
  zsetGenerator,
  bitmapGenerator,
  lcsGenerator,
  sortAlphaGenerator,
  hllGenerator,
  geoGenerator,
  lmpopGenerator,
  streamGenerator,
  // --- end generator entries ---
];
