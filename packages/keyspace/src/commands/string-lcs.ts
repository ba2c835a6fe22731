/**
 * LCS (Redis 7.0 t_string.c lcsCommand) and SUBSTR (the old name of GETRANGE, same handler).
 */
import { ErrorReply, MapReply, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { isError } from '../command-helpers';
import { NOT_INTEGER, SYNTAX_ERR } from '../reply-errors';
import { parseInt64 } from '../util/int64';
import { familySpec } from './meta-families';
import { stringNumericCommands } from './string-numeric';

const NOT_STRINGS = new ErrorReply('ERR The specified keys must contain string values');
const LEN_AND_IDX = new ErrorReply('ERR If you want both the length and indexes, please just use IDX.');
const TOO_LONG = new ErrorReply('ERR String too long for LCS');
const TABLE_TOO_BIG = new ErrorReply('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');

interface LcsOptions {
  getlen: boolean;
  getidx: boolean;
  withmatchlen: boolean;
  minmatchlen: number;
}

function lcsOptions(argv: readonly BinaryString[]): LcsOptions | ErrorReply {
  const o: LcsOptions = { getlen: false, getidx: false, withmatchlen: false, minmatchlen: 0 };
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const more = argv.length - 1 - j;
    if (opt === 'idx') o.getidx = true;
    else if (opt === 'len') o.getlen = true;
    else if (opt === 'withmatchlen') o.withmatchlen = true;
    else if (opt === 'minmatchlen' && more > 0) {
      const v = parseInt64(argv[++j]);
      if (v === null) return NOT_INTEGER;
      o.minmatchlen = v < 0 ? 0 : Number(v);
    } else return SYNTAX_ERR;
  }
  if (o.getlen && o.getidx) return LEN_AND_IDX;
  return o;
}

/** LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN] */
function lcs(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const va = ctx.db.lookupRead(argv[1]);
  const vb = ctx.db.lookupRead(argv[2]);
  if ((va !== undefined && typeof va !== 'string') || (vb !== undefined && typeof vb !== 'string')) return NOT_STRINGS;
  const a = (va as BinaryString | undefined) ?? '';
  const b = (vb as BinaryString | undefined) ?? '';
  const o = lcsOptions(argv);
  if (isError(o)) return o;
  if (a.length >= 0xfffffffe || b.length >= 0xfffffffe) return TOO_LONG;
  const alen = a.length;
  const blen = b.length;
  const w = blen + 1;
  if ((alen + 1) * w * 4 > ctx.protoMaxBulkLen) return TABLE_TOO_BIG;
  // table[j + i * (blen + 1)]: the LCS length of a[0..i) and b[0..j)
  const table = new Uint32Array((alen + 1) * w);
  for (let i = 1; i <= alen; i++) {
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= blen; j++) {
      if (ca === b.charCodeAt(j - 1)) table[j + i * w] = table[j - 1 + (i - 1) * w] + 1;
      else {
        const l1 = table[j + (i - 1) * w];
        const l2 = table[j - 1 + i * w];
        table[j + i * w] = Math.max(l1, l2);
      }
    }
  }
  const total = table[blen + alen * w];
  if (o.getlen) return total;
  // walk back from the end, collecting the common string and (for IDX) the matching ranges,
  // emitted in the order and with the range rules of Redis's loop
  const out: number[] = new Array(total);
  let k = total;
  const matches: RespValue[] = [];
  let aStart = alen;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = alen;
  let j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      out[k - 1] = a.charCodeAt(i - 1);
      if (aStart === alen) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      k--;
      i--;
      j--;
    } else {
      if (table[j + (i - 1) * w] > table[j - 1 + i * w]) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (o.getidx && (o.minmatchlen === 0 || matchLen >= o.minmatchlen)) {
        const m: RespValue[] = [
          [aStart, aEnd],
          [bStart, bEnd],
        ];
        if (o.withmatchlen) m.push(matchLen);
        matches.push(m);
      }
      aStart = alen;
    }
  }
  if (o.getidx)
    return new MapReply([
      ['matches', matches],
      ['len', total],
    ]);
  return Buffer.from(out).toString('latin1');
}

const getrange = stringNumericCommands.find((c) => c.name === 'getrange');
if (!getrange) throw new Error('GETRANGE is missing from the string commands');

export const stringLcsCommands: CommandSpec[] = [familySpec('lcs', lcs), familySpec('substr', getrange.handler)];
