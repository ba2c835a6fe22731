import { NULL_ARRAY, OK, type RespValue } from '@replikit/resp';
import type { ServerClient } from '../connection/server-client';
import { type CommandContext, NO_REPLY, type ServerCommandSpec, spec, type ServerCommandFlag } from '../dispatch/command-spec';
import { DISCARD_WITHOUT_MULTI, EXECABORT, EXEC_WITHOUT_MULTI, MULTI_NESTED, WATCH_IN_MULTI } from '../dispatch/reply-texts';
import type { ServerRuntime } from '../dispatch/server-runtime';
import { introspectionOf } from '../introspection/introspection';

const TX: readonly ServerCommandFlag[] = ['noscript', 'loading', 'stale', 'fast', 'allow-busy'];
const TX_CAT = ['@fast', '@transaction'];

/** A watched key changed since WATCH (multi.c touchWatchedKey / isWatchedKeyExpired, by version). */
function watchedKeysChanged(rt: ServerRuntime, c: ServerClient): boolean {
  const ks = rt.keyspace;
  for (const w of c.watched.values()) {
    const now = ks.keyVersion(w.db, w.key);
    ks.releaseKeyVersion(w.db, w.key);
    if (now !== w.version) return true;
  }
  return false;
}

/** UNWATCH: forgets every watched key (EXEC, DISCARD, RESET and a closing connection do too). */
export function unwatchAll(rt: ServerRuntime, c: ServerClient): void {
  if (c.watched.size === 0) return;
  for (const w of c.watched.values()) rt.keyspace.releaseKeyVersion(w.db, w.key);
  c.watched.clear();
}

/** Runs the queued commands: all-keyspace blocks go to ks.executeTransaction in one piece. */
function runQueue(rt: ServerRuntime, c: ServerClient, queue: NonNullable<ServerClient['multi']>['queue']): RespValue | typeof NO_REPLY {
  // ACL rules are checked again at EXEC: they may have changed since the commands were queued
  const denied = rt.users.restricted ? rt.users.execRefusals(c, queue) : undefined;
  if (denied === undefined && queue.every((q) => q.entry.spec.keyspace === true)) {
    for (const q of queue) {
      const s = rt.stats.command(q.entry.fullname);
      s.calls++;
    }
    rt.stats.totalCommandsProcessed += queue.length;
    const db = c.db;
    const t0 = performance.now();
    const r = rt.keyspace.executeTransaction(
      queue.map((q) => q.argv),
      c.db,
      c.protocol,
    );
    // MONITOR, SLOWLOG, LATENCY see each queued command
    introspectionOf(rt).calledInTransaction(c, queue, db, (performance.now() - t0) * 1000);
    c.db = r.db;
    if (r.writes.length > 0) rt.propagate(r.writes, c);
    return r.replies;
  }
  // Each queued command's replies: usually one; SUBSCRIBE a b writes several itself.
  const perCommand: RespValue[][] = [];
  rt.propagateAsUnit(c, () => {
    for (let i = 0; i < queue.length; i++) {
      const q = queue[i] as (typeof queue)[number];
      const refusal = denied?.[i];
      if (refusal !== undefined) {
        perCommand.push([refusal]);
        continue;
      }
      const outer = c.captured;
      c.captured = [];
      let r: ReturnType<typeof rt.dispatcher.call>;
      try {
        r = rt.dispatcher.call(c, q.entry, q.argv, true);
      } finally {
        const got = c.captured;
        c.captured = outer;
        perCommand.push(got);
      }
      if (r !== NO_REPLY) (perCommand[perCommand.length - 1] as RespValue[]).push(r);
    }
  });
  if (perCommand.every((list) => list.length === 1)) return perCommand.map((list) => list[0] as RespValue);
  // Like Redis: the array header counts commands, then every reply follows as written.
  c.writeRaw([Buffer.from(`*${queue.length}\r\n`)]);
  for (const list of perCommand) for (const v of list) c.reply(v);
  return NO_REPLY;
}

function exec(ctx: CommandContext): RespValue | typeof NO_REPLY {
  const c = ctx.client;
  const rt = ctx.runtime;
  const m = c.multi;
  if (m === undefined) return EXEC_WITHOUT_MULTI;
  c.multi = undefined;
  if (m.dirtyExec) {
    unwatchAll(rt, c);
    return EXECABORT;
  }
  const changed = watchedKeysChanged(rt, c);
  unwatchAll(rt, c);
  if (changed) return NULL_ARRAY;
  return runQueue(rt, c, m.queue);
}

export const transactionCommands: ServerCommandSpec[] = [
  spec('multi', 1, TX, TX_CAT, (ctx) => {
    const c = ctx.client;
    if (c.multi !== undefined) return MULTI_NESTED;
    c.multi = { queue: [], dirtyExec: false, hasWrite: false, hasDenyStale: false, hasDenyLoading: false };
    return OK;
  }),
  spec('exec', 1, ['noscript', 'loading', 'stale', 'skip-slowlog'], ['@slow', '@transaction'], exec),
  spec('discard', 1, TX, TX_CAT, (ctx) => {
    const c = ctx.client;
    if (c.multi === undefined) return DISCARD_WITHOUT_MULTI;
    c.multi = undefined;
    unwatchAll(ctx.runtime, c);
    return OK;
  }),
  spec(
    'watch',
    -2,
    TX,
    TX_CAT,
    (ctx, argv) => {
      const c = ctx.client;
      if (c.multi !== undefined) return WATCH_IN_MULTI;
      for (let i = 1; i < argv.length; i++) {
        const key = argv[i] as string;
        const id = `${c.db}:${key}`;
        if (!c.watched.has(id)) c.watched.set(id, { db: c.db, key, version: ctx.runtime.keyspace.keyVersion(c.db, key) });
      }
      return OK;
    },
    { firstKey: 1, lastKey: -1, keyStep: 1 },
  ),
  spec('unwatch', 1, TX, TX_CAT, (ctx) => {
    unwatchAll(ctx.runtime, ctx.client);
    return OK;
  }),
];
