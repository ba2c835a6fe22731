/**
 * Test support for the set and sorted set command tests: a real Keyspace (executor, arity,
 * propagation) plus a direct-call context with `resp: 3` for RESP3 reply shapes.
 * Not exported from the package.
 */
import { ErrorReply, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec, StoredValue } from '../command-api';
import { type Keyspace, createKeyspace } from '../keyspace';
import { ScanCursors } from '../util/scan-cursor';

export interface Run {
  reply: RespValue;
  /** propagated argv lists (MULTI/EXEC included) */
  prop: BinaryString[][];
}

export class Kit {
  readonly ks: Keyspace = createKeyspace();
  private readonly session = { db: 0 };

  run(...argv: BinaryString[]): Run {
    const r = this.ks.execute(argv, this.session);
    return { reply: r.reply, prop: r.propagate.map((p) => p.argv) };
  }

  call(...argv: BinaryString[]): RespValue {
    return this.run(...argv).reply;
  }

  /** The error text of a reply (or the reply itself). */
  err(...argv: BinaryString[]): unknown {
    const r = this.call(...argv);
    return r instanceof ErrorReply ? r.message : r;
  }

  close(): void {
    this.ks.close();
  }
}

/** Runs a handler directly against a Map-backed db with the given protocol (for RESP3 shapes). */
export function callWithResp(spec: CommandSpec, data: Map<BinaryString, StoredValue>, resp: 2 | 3, ...argv: BinaryString[]): RespValue {
  const db = {
    index: 0,
    lookupRead: (k: BinaryString) => data.get(k),
    lookupWrite: (k: BinaryString) => data.get(k),
    setValue: (k: BinaryString, v: StoredValue) => data.set(k, v),
    delete: (k: BinaryString) => data.delete(k),
  };
  const ctx = {
    db,
    resp,
    now: Date.now(),
    fromMaster: false,
    scanCursors: new ScanCursors(),
    dirty: () => {},
    rewrite: () => {},
    alsoPropagate: () => {},
    preventPropagation: () => {},
    notify: () => {},
  } as unknown as CommandContext;
  return spec.handler(ctx, argv);
}
