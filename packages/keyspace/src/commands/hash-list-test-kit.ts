/**
 * Test support for the hash and list command tests: a minimal in-memory Db and CommandContext
 * that record what the command did (dirty count, rewrites, write lookups), and a `run` helper
 * that checks arity like the executor does. Not exported from the package.
 */
import { ErrorReply, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec, Db, StoredValue } from '../command-api';
import { wrongArity } from '../reply-errors';
import { ScanCursors } from '../util/scan-cursor';

export class TestDb implements Db {
  readonly index = 0;
  readonly data = new Map<BinaryString, StoredValue>();
  /** keys passed to lookupWrite, in order */
  readonly writeLookups: BinaryString[] = [];
  lookupRead(key: BinaryString): StoredValue | undefined {
    return this.data.get(key);
  }
  lookupReadNoStats(key: BinaryString): StoredValue | undefined {
    return this.data.get(key);
  }
  lookupWrite(key: BinaryString): StoredValue | undefined {
    this.writeLookups.push(key);
    return this.data.get(key);
  }
  setValue(key: BinaryString, value: StoredValue): void {
    this.data.set(key, value);
  }
  delete(key: BinaryString): boolean {
    return this.data.delete(key);
  }
  getExpire(): number {
    return -1;
  }
  setExpire(): void {}
  removeExpire(): boolean {
    return false;
  }
  size(): number {
    return this.data.size;
  }
  expiresSize(): number {
    return 0;
  }
  exists(key: BinaryString): boolean {
    return this.data.has(key);
  }
  isExpired(): boolean {
    return false;
  }
  keys(): Iterator<BinaryString> {
    return this.data.keys();
  }
  randomKey(): BinaryString | undefined {
    return this.data.keys().next().value;
  }
  peek(key: BinaryString): StoredValue | undefined {
    return this.data.get(key);
  }
  stringEncoding(): undefined {
    return undefined;
  }
  setStringEncoding(): void {}
}

export interface TestRun {
  reply: RespValue;
  dirty: number;
  /** the rewritten argv, when the command asked for one */
  rewritten: BinaryString[] | null;
}

export class TestKit {
  readonly db = new TestDb();
  readonly scanCursors = new ScanCursors();
  /** the client's protocol as a future `ctx.resp` would carry it (HRANDFIELD WITHVALUES pairs) */
  resp: 2 | 3 = 2;
  private readonly specs = new Map<string, CommandSpec>();

  constructor(specs: readonly CommandSpec[]) {
    for (const s of specs) this.specs.set(s.name, s);
  }

  /** Runs one command (arity checked like the executor) and reports its effects. */
  run(...argv: BinaryString[]): TestRun {
    const spec = this.specs.get(argv[0].toLowerCase());
    if (!spec) throw new Error(`no such command in this kit: ${argv[0]}`);
    if ((spec.arity > 0 && argv.length !== spec.arity) || (spec.arity < 0 && argv.length < -spec.arity)) {
      return { reply: wrongArity(spec.name), dirty: 0, rewritten: null };
    }
    let dirty = 0;
    let rewritten: BinaryString[] | null = null;
    const db = this.db;
    const ctx = {
      db,
      database: () => db,
      databases: 1,
      now: Date.now(),
      fromMaster: false,
      role: 'master',
      lazyfreeLazyUserDel: false,
      lazyfreeLazyExpire: false,
      protoMaxBulkLen: 512 * 1024 * 1024,
      scanCursors: this.scanCursors,
      resp: this.resp,
      dirty: (n = 1) => {
        dirty += n;
      },
      rewrite: (a: BinaryString[]) => {
        rewritten = a;
      },
      alsoPropagate: () => {
        throw new Error('not expected');
      },
      preventPropagation: () => {},
      select: () => {},
      flushDb: () => {},
      flushAll: () => {},
      swapDb: () => {},
      notify: () => {},
    } as unknown as CommandContext;
    const reply = spec.handler(ctx, argv);
    return { reply, dirty, rewritten };
  }

  /** The reply only. */
  call(...argv: BinaryString[]): RespValue {
    return this.run(...argv).reply;
  }
}

/** The message of an error reply (for `toBe` comparisons), or the reply itself. */
export function err(r: RespValue): unknown {
  return r instanceof ErrorReply ? r.message : r;
}
