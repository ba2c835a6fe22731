/** DEL UNLINK EXISTS TYPE TOUCH RENAME RENAMENX COPY MOVE OBJECT ENCODING (db.c, object.c). */
import { type RespValue, SimpleString } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec, Db, StoredValue } from '../command-api';
import { OK_REPLY, rangeLongArg } from '../command-helpers';
import { cloneValue } from '../db';
import { DB_OUT_OF_RANGE, NO_SUCH_KEY, SAME_OBJECT, SYNTAX_ERR } from '../reply-errors';
import { objectFreq, objectIdletime } from '../eviction/object-access';
import { isIntEncodable } from '../util/int64';
import { NOTIFY_GENERIC } from '../notify';
import { spec } from './meta';

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

const TYPE_REPLIES: Record<string, SimpleString> = {
  none: new SimpleString('none'),
  string: new SimpleString('string'),
  list: new SimpleString('list'),
  set: new SimpleString('set'),
  zset: new SimpleString('zset'),
  hash: new SimpleString('hash'),
  stream: new SimpleString('stream'),
};

function del(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const db = ctx.db;
  let n = 0;
  for (let j = 1; j < argv.length; j++) {
    if (db.delete(argv[j])) {
      n++;
      ctx.notify(NOTIFY_GENERIC, 'del', argv[j]);
    }
  }
  if (n) ctx.dirty(n);
  return n;
}

function exists(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const db = ctx.db;
  let n = 0;
  for (let j = 1; j < argv.length; j++) if (db.lookupRead(argv[j]) !== undefined) n++;
  return n;
}

function type(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const v = ctx.db.lookupRead(argv[1]);
  return TYPE_REPLIES[v === undefined ? 'none' : typeof v === 'string' ? 'string' : v.type];
}

/** Moves `key`'s value (and string encoding) from src to dst under `newKey` with its TTL. */
function transfer(src: Db, dst: Db, key: BinaryString, newKey: BinaryString, value: StoredValue, expire: number, copy: boolean): void {
  const enc = typeof value === 'string' ? src.stringEncoding(key) : undefined;
  dst.setValue(newKey, copy ? cloneValue(value) : value);
  if (expire !== -1) dst.setExpire(newKey, expire);
  if (enc !== undefined) dst.setStringEncoding(newKey, enc);
}

function renameGeneric(ctx: CommandContext, argv: readonly BinaryString[], nx: boolean): RespValue {
  const db = ctx.db;
  const [, from, to] = argv;
  const o = db.lookupWrite(from);
  if (o === undefined) return NO_SUCH_KEY;
  if (from === to) return nx ? 0 : OK_REPLY;
  const expire = db.getExpire(from);
  const enc = typeof o === 'string' ? db.stringEncoding(from) : undefined;
  if (db.lookupWrite(to) !== undefined) {
    if (nx) return 0;
    db.delete(to);
  }
  db.delete(from);
  db.setValue(to, o);
  if (expire !== -1) db.setExpire(to, expire);
  if (enc !== undefined) db.setStringEncoding(to, enc);
  ctx.dirty();
  ctx.notify(NOTIFY_GENERIC, 'rename_from', from);
  ctx.notify(NOTIFY_GENERIC, 'rename_to', to);
  return nx ? 1 : OK_REPLY;
}

function dbIndexArg(ctx: CommandContext, s: BinaryString): number | RespValue {
  const id = rangeLongArg(s, INT_MIN, INT_MAX);
  if (typeof id !== 'number') return id;
  if (id < 0 || id >= ctx.databases) return DB_OUT_OF_RANGE;
  return id;
}

function move(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const src = ctx.db;
  const id = dbIndexArg(ctx, argv[2]);
  if (typeof id !== 'number') return id;
  const dst = ctx.database(id);
  if (dst === src) return SAME_OBJECT;
  const key = argv[1];
  const o = src.lookupWrite(key);
  if (o === undefined) return 0;
  const expire = src.getExpire(key);
  if (dst.lookupWrite(key) !== undefined) return 0;
  transfer(src, dst, key, key, o, expire, false);
  src.delete(key);
  ctx.dirty();
  ctx.notify(NOTIFY_GENERIC, 'move_from', key, src.index);
  ctx.notify(NOTIFY_GENERIC, 'move_to', key, dst.index);
  return 1;
}

function copy(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const src = ctx.db;
  let dst = src;
  let replace = false;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    if (opt === 'replace') replace = true;
    else if (opt === 'db' && argv.length - j - 1 >= 1) {
      const id = dbIndexArg(ctx, argv[j + 1]);
      if (typeof id !== 'number') return id;
      dst = ctx.database(id);
      j++;
    } else return SYNTAX_ERR;
  }
  const [, key, newKey] = argv;
  if (src === dst && key === newKey) return SAME_OBJECT;
  const o = src.lookupRead(key);
  if (o === undefined) return 0;
  const expire = src.getExpire(key);
  if (dst.lookupWrite(newKey) !== undefined) {
    if (!replace) return 0;
    dst.delete(newKey);
  }
  transfer(src, dst, key, newKey, o, expire, true);
  ctx.dirty();
  ctx.notify(NOTIFY_GENERIC, 'copy_to', newKey, dst.index);
  return 1;
}

function touch(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  return exists(ctx, argv);
}

/** OBJECT ENCODING of a stored value. */
export function encodingOf(db: Db, key: BinaryString, v: StoredValue): string {
  if (typeof v !== 'string') return v.encoding();
  const forced = db.stringEncoding(key);
  if (forced !== undefined) return forced;
  if (isIntEncodable(v)) return 'int';
  return v.length <= 44 ? 'embstr' : 'raw';
}

function objectEncoding(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const v = ctx.db.lookupRead(argv[2]);
  if (v === undefined) return null;
  return encodingOf(ctx.db, argv[2], v);
}

/** Shared integers (OBJ_SHARED_INTEGERS) report OBJ_SHARED_REFCOUNT; everything else is unshared. */
function objectRefcount(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const v = ctx.db.lookupRead(argv[2]);
  if (v === undefined) return null;
  if (typeof v === 'string' && encodingOf(ctx.db, argv[2], v) === 'int') {
    const n = Number(v);
    if (n >= 0 && n < 10000) return 2147483647;
  }
  return 1;
}

const OBJECT_HELP = [
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
];

function objectHelp(_ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const lines = [`${argv[0].toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`, ...OBJECT_HELP, 'HELP', '    Prints this help.'];
  return lines.map((l) => new SimpleString(l));
}

export const keysBasicCommands: CommandSpec[] = [
  spec('del', del),
  spec('unlink', del),
  spec('exists', exists),
  spec('type', type),
  spec('touch', touch),
  spec('rename', (ctx, argv) => renameGeneric(ctx, argv, false)),
  spec('renamenx', (ctx, argv) => renameGeneric(ctx, argv, true)),
  spec('move', move),
  spec('copy', copy),
  spec('object', () => null, {
    subcommands: {
      encoding: spec('object|encoding', objectEncoding),
      refcount: spec('object|refcount', objectRefcount),
      freq: spec('object|freq', objectFreq),
      idletime: spec('object|idletime', objectIdletime),
      help: spec('object|help', objectHelp),
    },
  }),
];
