/**
 * DEBUG (debug.c), the subcommands operators and tests use: HELP, SLEEP, RELOAD [MERGE|NOFLUSH|
 * NOSAVE], POPULATE, SET-ACTIVE-EXPIRE, LOG, ERROR. Refused unless `enable-debug-command` allows
 * the client, with Redis's text.
 */
import { ErrorReply, OK, type RespValue, SimpleString } from '@replikit/resp';
import type { OperatorContext } from '../config-binding-operator';
import { type ServerCommandSpec, spec } from '../dispatch/command-spec';
import { allowProtectedAction } from './config-command';

export const DEBUG_NOT_ALLOWED = new ErrorReply(
  'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
);
const NOT_POSITIVE = new ErrorReply('ERR value is out of range, must be positive');
const RELOAD_OPTS = new ErrorReply('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
const GENERIC_ERR = new ErrorReply('ERR');

const HELP = [
  'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ERROR <string>',
  '    Return a Redis protocol error with <string> as message. Useful for clients',
  '    unit tests to simulate Redis errors.',
  'LOG <message>',
  '    Write <message> to the server log.',
  'POPULATE <count> [<prefix>] [<size>]',
  "    Create <count> string keys named key:<num>. If <prefix> is specified then",
  "    it is used instead of the 'key' prefix. These are not propagated to",
  '    replicas.',
  'RELOAD [option ...]',
  '    Save the RDB on disk and reload it back to memory. Valid <option> values:',
  '    * MERGE: conflicting keys will be loaded from RDB.',
  '    * NOFLUSH: the existing database will not be removed before load.',
  '    * NOSAVE: the database will be loaded from an existing RDB file.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Setting it to 0 disables expiring keys in background when they are not',
  '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
  '    default.',
  'SLEEP <seconds>',
  '    Stop the server for <seconds>. Decimals allowed.',
  'HELP',
  '    Prints this help.',
];

/** getPositiveLongFromObjectOrReply */
function positive(s: string): number | ErrorReply {
  if (!/^(0|-?[1-9][0-9]*)$/.test(s) || !Number.isSafeInteger(Number(s))) return new ErrorReply('ERR value is not an integer or out of range');
  const n = Number(s);
  return n < 0 ? NOT_POSITIVE : n;
}

/** nanosleep: blocks the whole process, like Redis's DEBUG SLEEP. */
export function blockingSleep(ms: number): void {
  if (ms <= 0) return;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** strtod's leading number ("0.5x" -> 0.5, "x" -> 0). */
function strtod(s: string): number {
  const m = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/i.exec(s);
  return m ? Number(m[0]) : 0;
}

function populate(op: OperatorContext, db: number, argv: readonly string[]): RespValue {
  const count = positive(argv[2]);
  if (count instanceof ErrorReply) return count;
  let size = 0;
  if (argv.length === 5) {
    const v = positive(argv[4]);
    if (v instanceof ErrorReply) return v;
    size = v;
  }
  const prefix = argv.length >= 4 ? argv[3] : 'key';
  const ks = op.keyspace;
  const d = ks.database(db);
  const now = Date.now();
  // Keys and values are built in a scratch buffer and read back as one flat string each: a
  // concatenation (`prefix + n`, `value + padding`) or a slice gives V8 cons/sliced strings that keep
  // their parts alive, which made these values cost twice what the same values SET over the wire cost.
  const scratch = Buffer.alloc(Math.max(size, prefix.length + 24));
  for (let j = 0; j < count; j++) {
    const klen = scratch.write(`${prefix}:${j}`, 0, 'latin1');
    const key = scratch.toString('latin1', 0, klen);
    if (d.peek(key) !== undefined) {
      const at = d.getExpire(key);
      if (at < 0 || at >= now) continue;
    }
    const n = scratch.write(`value:${j}`, 0, 'latin1');
    let len = n;
    if (size > 0) {
      if (n < size) scratch.fill(0, n, size);
      len = size;
    }
    // notifies WATCH at once; like debug.c, no change is counted (rdb_changes_since_last_save)
    ks.load(db, key, { type: 'string', value: scratch.toString('latin1', 0, len) });
  }
  return OK;
}

function reload(op: OperatorContext, argv: readonly string[]): RespValue {
  let flush = true;
  let save = true;
  for (let j = 2; j < argv.length; j++) {
    const o = argv[j].toLowerCase();
    if (o === 'merge') continue;
    else if (o === 'noflush') flush = false;
    else if (o === 'nosave') save = false;
    else return RELOAD_OPTS;
  }
  if (save && !op.persistence.saveSync()) return GENERIC_ERR;
  try {
    op.persistence.reload(false, flush);
  } catch (e) {
    op.logger.warning(`DEBUG RELOAD failed: ${(e as Error).message}`);
    return new ErrorReply('ERR Error trying to load the RDB dump');
  }
  op.logger.warning('DB reloaded by DEBUG RELOAD');
  return OK;
}

export function debugCommand(op: OperatorContext): ServerCommandSpec {
  return spec('debug', -2, ['admin', 'noscript', 'loading', 'stale', 'protected'], ['@admin', '@slow', '@dangerous'], (ctx, raw) => {
    if (!allowProtectedAction(op.config.getString('enable-debug-command'), ctx.client)) return DEBUG_NOT_ALLOWED;
    const argv = raw as string[];
    const sub = argv[1].toLowerCase();
    const n = argv.length;
    if (sub === 'help' && n === 2) return HELP.map((l) => new SimpleString(l));
    if (sub === 'sleep' && n === 3) {
      blockingSleep(strtod(argv[2]) * 1000);
      return OK;
    }
    if (sub === 'reload') return reload(op, argv);
    if (sub === 'populate' && n >= 3 && n <= 5) return populate(op, ctx.client.db, argv);
    if (sub === 'set-active-expire' && n === 3) {
      if (Number.parseInt(argv[2], 10)) op.keyspace.startActiveExpire();
      else op.keyspace.stopActiveExpire();
      return OK;
    }
    if (sub === 'log' && n === 3) {
      op.logger.warning(`DEBUG LOG: ${argv[2]}`);
      return OK;
    }
    if (sub === 'error' && n === 3) return new ErrorReply(argv[2].replace(/[\r\n]/g, ' '));
    return new ErrorReply(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try DEBUG HELP.`);
  });
}
