/**
 * DUMP and RESTORE (cluster.c dumpCommand / restoreCommand) over @replikit/rdb's payload codec.
 * Payloads are what Redis 7.0 produces (compact encodings, RDB version 10, CRC64) and anything a
 * 7.0 server would accept. RESTORE is propagated like Redis: a relative TTL is rewritten to an
 * absolute one with ABSTTL added.
 */
import { type Keyspace, NOTIFY_GENERIC, NOTIFY_NEW, type StoredValue } from '@replikit/keyspace';
import { rdbValueToStored, storedToRdbValue } from '@replikit/keyspace-rdb';
import { createDumpPayload, parseDumpPayload } from '@replikit/rdb';
import { ErrorReply, OK, type RespValue } from '@replikit/resp';
import { parseStrictInt } from './arg-parsing';
import type { CommandContext, ServerCommandSpec } from '../dispatch/command-spec';
import { NOT_INTEGER, SYNTAX } from '../dispatch/reply-texts';

export const BUSYKEY = new ErrorReply('BUSYKEY Target key name already exists.');
export const BAD_PAYLOAD = new ErrorReply('ERR DUMP payload version or checksum are wrong');
export const BAD_DATA = new ErrorReply('ERR Bad data format');
const BAD_TTL = new ErrorReply('ERR Invalid TTL value, must be >= 0');
const BAD_IDLE = new ErrorReply('ERR Invalid IDLETIME value, must be >= 0');
const BAD_FREQ = new ErrorReply('ERR Invalid FREQ value, must be >= 0 and <= 255');

const KEY1 = { firstKey: 1, lastKey: 1, keyStep: 1 };

/** Whether `key` exists for the client, with the keyspace's expiry rules (a master deletes it if expired). */
function exists(ctx: CommandContext, key: string): boolean {
  return ctx.keyspace(['EXISTS', key]) === 1;
}

export function dumpCommands(keyspace: Keyspace, options: { compress: () => boolean }): ServerCommandSpec[] {
  const dump: ServerCommandSpec = {
    name: 'dump',
    arity: 2,
    flags: ['readonly'],
    categories: ['@keyspace', '@read', '@slow'],
    ...KEY1,
    handler(ctx, argv) {
      const key = argv[1] as string;
      if (!exists(ctx, key)) return null;
      const found = keyspace.peek(ctx.client.db, key);
      if (found === undefined) return null;
      return createDumpPayload(storedToRdbValue(found.value), { compress: options.compress() });
    },
  };

  const restore: ServerCommandSpec = {
    name: 'restore',
    arity: -4,
    flags: ['write', 'denyoom'],
    categories: ['@keyspace', '@write', '@slow', '@dangerous'],
    ...KEY1,
    handler(ctx, argv) {
      // one propagation unit: a lazy-expiry DEL and the RESTORE are wrapped in MULTI/EXEC, like call()
      return ctx.runtime.propagateAsUnit(ctx.client, () => restoreHandler(keyspace, ctx, argv as string[]));
    },
  };
  return [dump, restore];
}

function restoreHandler(keyspace: Keyspace, ctx: CommandContext, argv: string[]): RespValue {
  let replace = false;
  let absttl = false;
  let idle = -1;
  let freq = -1;
  for (let j = 4; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const more = argv.length - j - 1;
    if (opt === 'replace') replace = true;
    else if (opt === 'absttl') absttl = true;
    else if (opt === 'idletime' && more >= 1 && freq === -1) {
      const v = parseStrictInt(argv[j + 1]);
      if (v === null) return NOT_INTEGER;
      if (v < 0) return BAD_IDLE;
      idle = v;
      j++;
    } else if (opt === 'freq' && more >= 1 && idle === -1) {
      const v = parseStrictInt(argv[j + 1]);
      if (v === null) return NOT_INTEGER;
      if (v < 0 || v > 255) return BAD_FREQ;
      freq = v;
      j++;
    } else return SYNTAX;
  }
  const key = argv[1];
  const db = ctx.client.db;
  const rt = ctx.runtime;
  // lookupKeyWrite (no keyspace_hits/misses); a lazily expired key's DEL goes out with the RESTORE
  const found = keyspace.existsForWrite(db, key);
  if (found.propagate.length > 0) rt.propagate(found.propagate, ctx.client);
  const existed = found.exists;
  if (!replace && existed) return BUSYKEY;
  let ttl = parseStrictInt(argv[2]);
  if (ttl === null) return NOT_INTEGER;
  if (ttl < 0) return BAD_TTL;
  const payload = Buffer.from(argv[3], 'latin1');
  let value: StoredValue;
  try {
    value = rdbValueToStored(parseDumpPayload(payload));
  } catch (e) {
    return (e as { code?: string }).code === 'ERR_RDB_DUMP_PAYLOAD' ? BAD_PAYLOAD : BAD_DATA;
  }
  if (ttl && !absttl) ttl += Date.now();
  if (ttl && ttl < Date.now()) {
    // already expired: the key is not created; an existing one replaced is deleted (propagated as DEL)
    if (existed) ctx.keyspace(['DEL', key]);
    return OK;
  }
  // notifies WATCH and blocked clients at once; server.dirty++ like restoreCommand
  keyspace.load(db, key, value, ttl ? ttl : -1, { countChange: true });
  if (idle >= 0 || freq >= 0) keyspace.eviction.restoreAccess(db, key, idle, freq);
  keyspace.notifyKeyspaceEvent(NOTIFY_NEW, 'new', db, key);
  keyspace.notifyKeyspaceEvent(NOTIFY_GENERIC, 'restore', db, key);
  const out = ['RESTORE', key, ttl ? String(ttl) : '0', argv[3]];
  if (replace) out.push('REPLACE');
  if (ttl) out.push('ABSTTL');
  if (idle >= 0) out.push('IDLETIME', String(idle));
  if (freq >= 0) out.push('FREQ', String(freq));
  rt.propagate([{ db, argv: out }], ctx.client);
  return OK;
}

