import { type CommandEntry, type Keyspace, type PropagatedCommand, type Session, aclCategoriesOf } from '@replikit/keyspace';
import type { RespValue } from '@replikit/resp';
import type { ServerCommandSpec } from './command-spec';
import type { KeyspaceBridge, KeyspaceResult } from './keyspace-bridge';

const EMPTY: readonly PropagatedCommand[] = [];

function toSpec(e: CommandEntry, fullname: string): ServerCommandSpec {
  let subcommands: Map<string, ServerCommandSpec> | undefined;
  if (e.subcommandEntries !== undefined) {
    subcommands = new Map();
    for (const [name, sub] of e.subcommandEntries) subcommands.set(name, toSpec(sub, `${fullname}|${name}`));
  }
  return {
    name: fullname,
    arity: e.arity,
    flags: e.flags,
    firstKey: e.firstKey,
    lastKey: e.lastKey,
    keyStep: e.keyStep,
    categories: aclCategoriesOf(e),
    keySpecs: e.keySpecs,
    subcommands,
    keyspace: true,
    docs: e.group !== undefined ? { summary: '', group: e.group, since: '1.0.0' } : undefined,
    handler: (ctx, argv) => ctx.keyspace(argv as string[]),
  };
}

/** Adapts @replikit/keyspace's Keyspace to what the server needs. */
export function createKeyspaceBridge(ks: Keyspace): KeyspaceBridge {
  // one reused session: execute() runs synchronously, nothing keeps it between calls
  const session: Session = { db: 0, resp: 2 };
  // reused result objects: the server reads a result before its next execute() (no allocation per command)
  const out: { reply: RespValue; propagate: readonly PropagatedCommand[] } = { reply: null, propagate: EMPTY as readonly PropagatedCommand[] };
  const result: { reply: RespValue; writes: readonly PropagatedCommand[] } = { reply: null, writes: EMPTY };
  return {
    databases: ks.databases,
    specs: () => [...ks.commandTable].map((e) => toSpec(e, e.name)),
    execute(argv, db, resp, fromMaster = false): KeyspaceResult {
      session.db = db;
      session.resp = resp;
      session.fromMaster = fromMaster;
      ks.executeInto(argv, session, out);
      result.reply = out.reply;
      result.writes = out.propagate.length === 0 ? EMPTY : (out.propagate as readonly PropagatedCommand[]);
      return result;
    },
    executeTransaction(queued, db, resp) {
      const s: Session = { db, resp };
      const r = ks.executeTransaction(queued as string[][], s);
      return { replies: r.replies, writes: r.propagate, db: r.db };
    },
    keyVersion: (db, key) => ks.keyVersion(db, key),
    releaseKeyVersion: (db, key) => ks.releaseKeyVersion(db, key),
    onKeyModified: (listener, wanted) => ks.onKeyModified(listener, wanted),
    dbSize: (db) => ks.size(db),
    expiresSize: (db) => ks.expiresSize(db),
    onPropagate: (listener) => ks.onPropagate(listener),
    get stats() {
      return ks.stats;
    },
    resetStats: () => ks.resetStats(),
    freezeExpiryClock: (ms) => ks.freezeExpiryClock(ms),
  };
}
