/** Test helpers for keyspace unit tests (not exported from the package). */
import { ErrorReply, type RespValue, SimpleString } from '@replikit/resp';
import { createKeyspace, type Keyspace, type KeyspaceOptions } from './keyspace';

export interface Kit {
  ks: Keyspace;
  session: { db: number; fromMaster?: boolean };
  /** runs a command, returns a plain view of the reply: OK/errors as strings prefixed +/-, others as is */
  r(...argv: string[]): unknown;
  /** the propagated commands of one execution as argv arrays */
  p(...argv: string[]): string[][];
  clock: { now: number };
  close(): void;
}

export function plain(v: RespValue): unknown {
  if (v instanceof SimpleString) return `+${v.value}`;
  if (v instanceof ErrorReply) return `-${v.message}`;
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

export function kit(options: KeyspaceOptions = {}): Kit {
  const clock = { now: 1_700_000_000_000 };
  const ks = createKeyspace({ clock: () => clock.now, ...options });
  const session = { db: 0 };
  return {
    ks,
    session,
    clock,
    r: (...argv) => plain(ks.execute(argv, session).reply),
    p: (...argv) => ks.execute(argv, session).propagate.map((c) => c.argv),
    close: () => ks.close(),
  };
}
