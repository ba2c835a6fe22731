/**
 * HGET HMGET HLEN HEXISTS HGETALL HKEYS HVALS HSTRLEN (t_hash.c). Fields come out in the hash's
 * insertion order (the order of a listpack-encoded hash in Redis).
 */
import { ErrorReply, MapReply } from '@replikit/resp';
import type { CommandSpec } from '../command-api';
import { readHash } from './hash-common';
import { spec } from './meta';

const EMPTY_MAP = new MapReply([]);

export const hgetCommand: CommandSpec = spec('hget', (ctx, argv) => {
  const h = readHash(ctx, argv[1]);
  if (h === undefined) return null;
  if (h instanceof ErrorReply) return h;
  return h.get(argv[2]) ?? null;
});

/** HMGET key field [field ...]: a missing key is an empty hash (all nulls) */
export const hmgetCommand: CommandSpec = spec('hmget', (ctx, argv) => {
  const h = readHash(ctx, argv[1]);
  if (h instanceof ErrorReply) return h;
  const out = new Array<string | null>(argv.length - 2);
  for (let i = 2; i < argv.length; i++) out[i - 2] = h?.get(argv[i]) ?? null;
  return out;
});

export const hlenCommand: CommandSpec = spec('hlen', (ctx, argv) => {
  const h = readHash(ctx, argv[1]);
  if (h === undefined) return 0;
  if (h instanceof ErrorReply) return h;
  return h.size;
});

export const hexistsCommand: CommandSpec = spec('hexists', (ctx, argv) => {
  const h = readHash(ctx, argv[1]);
  if (h === undefined) return 0;
  if (h instanceof ErrorReply) return h;
  return h.has(argv[2]) ? 1 : 0;
});

export const hstrlenCommand: CommandSpec = spec('hstrlen', (ctx, argv) => {
  const h = readHash(ctx, argv[1]);
  if (h === undefined) return 0;
  if (h instanceof ErrorReply) return h;
  return h.get(argv[2])?.length ?? 0;
});

/** HGETALL key: a map (RESP3 `%`, RESP2 flat array) */
export const hgetallCommand: CommandSpec = spec('hgetall', (ctx, argv) => {
  const h = readHash(ctx, argv[1]);
  if (h === undefined) return EMPTY_MAP;
  if (h instanceof ErrorReply) return h;
  return new MapReply(Array.from(h.entries()));
});

export const hkeysCommand: CommandSpec = spec('hkeys', (ctx, argv) => {
  const h = readHash(ctx, argv[1]);
  if (h === undefined) return [];
  if (h instanceof ErrorReply) return h;
  return Array.from(h.fields());
});

export const hvalsCommand: CommandSpec = spec('hvals', (ctx, argv) => {
  const h = readHash(ctx, argv[1]);
  if (h === undefined) return [];
  if (h instanceof ErrorReply) return h;
  return Array.from(h.values());
});
