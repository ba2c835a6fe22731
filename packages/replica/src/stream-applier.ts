/**
 * Applying the master's command stream. The syncer hands every command except PING and REPLCONF to
 * a {@link StreamApplier}; the applier says whether the command took effect (the replication offset
 * then moves past it) or was queued inside MULTI (the offset waits for EXEC, as Redis's does).
 * A server implements it over its dispatcher, as a client of kind master, so pub/sub, keyspace
 * notifications and blocked clients see the writes; {@link createKeyspaceApplier} is the default
 * that works on a bare keyspace.
 */
import type { Keyspace, Session } from '@replikit/keyspace';
import { ErrorReply, type RespValue } from '@replikit/resp';

/** `applied`: the command (or the EXEC that ends a transaction) took effect; `queued`: inside MULTI. */
export type ApplyOutcome = 'applied' | 'queued';

export interface StreamApplier {
  /** Applies one command from the master, argv as binary strings (latin1). Never throws for a command error. */
  apply(argv: string[]): ApplyOutcome;
  /**
   * A new stream starts: after a full sync the master's `repl-stream-db` (0 when absent), and any
   * half-received MULTI is dropped. After `+CONTINUE` it is not called: the selected db is kept.
   */
  reset(db: number): void;
  /** The link was lost: a transaction whose EXEC never came is discarded (Redis frees the master client). */
  discardTransaction(): void;
}

/** Counters of the default applier. */
export interface KeyspaceApplierStats {
  /** commands that returned an error reply (Redis logs them: "This replica is sending an error to its master") */
  errors: number;
}

/** The default applier: executes on `keyspace` with a session marked `fromMaster`, MULTI blocks at EXEC. */
export function createKeyspaceApplier(
  keyspace: Keyspace,
  hooks: { onErrorReply?(argv: string[], reply: ErrorReply): void } = {},
): StreamApplier & { readonly stats: KeyspaceApplierStats; readonly db: number } {
  const session: Session = { db: 0, fromMaster: true };
  let queued: string[][] | null = null;
  const stats: KeyspaceApplierStats = { errors: 0 };
  const check = (argv: string[], reply: RespValue): void => {
    if (reply instanceof ErrorReply) {
      stats.errors++;
      hooks.onErrorReply?.(argv, reply);
    }
  };
  return {
    get db() {
      return session.db;
    },
    stats,
    apply(argv) {
      const name = argv[0].toLowerCase();
      if (queued !== null) {
        if (name === 'exec') {
          const block = queued;
          queued = null;
          const result = keyspace.executeTransaction(block, session);
          for (let i = 0; i < block.length; i++) check(block[i], result.replies[i]);
          return 'applied';
        }
        if (name === 'discard') {
          queued = null;
          return 'applied';
        }
        queued.push(argv);
        return 'queued';
      }
      if (name === 'multi') {
        queued = [];
        return 'queued';
      }
      check(argv, keyspace.execute(argv, session).reply);
      return 'applied';
    },
    reset(db) {
      queued = null;
      session.db = db;
    },
    discardTransaction() {
      queued = null;
    },
  };
}
