/**
 * Keyspace notification classes (Redis 7.0 notify.c): the `notify-keyspace-events` flag bits,
 * their string form, and the listener the executor calls for every event a command raises.
 */
import type { BinaryString } from './command-api';

/** `K`: publish on `__keyspace@<db>__:<key>` */
export const NOTIFY_KEYSPACE = 1 << 0;
/** `E`: publish on `__keyevent@<db>__:<event>` */
export const NOTIFY_KEYEVENT = 1 << 1;
/** `g`: generic commands (DEL, EXPIRE, RENAME, ...) */
export const NOTIFY_GENERIC = 1 << 2;
/** `$`: string commands */
export const NOTIFY_STRING = 1 << 3;
/** `l`: list commands */
export const NOTIFY_LIST = 1 << 4;
/** `s`: set commands */
export const NOTIFY_SET = 1 << 5;
/** `h`: hash commands */
export const NOTIFY_HASH = 1 << 6;
/** `z`: sorted set commands */
export const NOTIFY_ZSET = 1 << 7;
/** `x`: a key deleted because its TTL passed */
export const NOTIFY_EXPIRED = 1 << 8;
/** `e`: a key evicted for maxmemory (never raised: replikit does not evict) */
export const NOTIFY_EVICTED = 1 << 9;
/** `t`: stream commands */
export const NOTIFY_STREAM = 1 << 10;
/** `m`: a read lookup missed */
export const NOTIFY_KEY_MISS = 1 << 11;
/** `d`: module key types (never raised) */
export const NOTIFY_MODULE = 1 << 13;
/** `n`: a new key was added */
export const NOTIFY_NEW = 1 << 14;
/** `A`: alias of `g$lshzxetd` */
export const NOTIFY_ALL = NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET | NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE;

/** Called for each event: its class bit, Redis's event name, the database and the key. */
export type KeyspaceEventListener = (type: number, event: string, db: number, key: BinaryString) => void;

const CLASS_CHARS: ReadonlyArray<readonly [string, number]> = [
  ['g', NOTIFY_GENERIC],
  ['$', NOTIFY_STRING],
  ['l', NOTIFY_LIST],
  ['s', NOTIFY_SET],
  ['h', NOTIFY_HASH],
  ['z', NOTIFY_ZSET],
  ['x', NOTIFY_EXPIRED],
  ['e', NOTIFY_EVICTED],
  ['t', NOTIFY_STREAM],
  ['d', NOTIFY_MODULE],
  ['n', NOTIFY_NEW],
];

/** keyspaceEventsStringToFlags: the flag bits of a `notify-keyspace-events` value, or -1 for an unknown character. */
export function parseKeyspaceEvents(classes: string): number {
  let flags = 0;
  for (const c of classes) {
    if (c === 'A') flags |= NOTIFY_ALL;
    else if (c === 'K') flags |= NOTIFY_KEYSPACE;
    else if (c === 'E') flags |= NOTIFY_KEYEVENT;
    else if (c === 'm') flags |= NOTIFY_KEY_MISS;
    else {
      const e = CLASS_CHARS.find((x) => x[0] === c);
      if (e === undefined) return -1;
      flags |= e[1];
    }
  }
  return flags;
}

/**
 * keyspaceEventsFlagsToString: the canonical form CONFIG GET shows. `A` when every class of
 * NOTIFY_ALL is on (and then, like Redis 7.0, `n` is not written), else the class characters in
 * Redis's order; then `K`, `E`, `m`.
 */
export function formatKeyspaceEvents(flags: number): string {
  let out = '';
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) out = 'A';
  else for (const [c, bit] of CLASS_CHARS) if (flags & bit) out += c;
  if (flags & NOTIFY_KEYSPACE) out += 'K';
  if (flags & NOTIFY_KEYEVENT) out += 'E';
  if (flags & NOTIFY_KEY_MISS) out += 'm';
  return out;
}
