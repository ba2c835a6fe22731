/**
 * The contract between a change stream and the place it keeps its cursor: the position of the
 * last item the application acknowledged, read back at start to continue with a partial resync.
 *
 * A position is `{ replid, offset, db }`:
 * - `offset >= 0`: every item up to this replication offset of history `replid` was handled; the
 *   stream continues with `PSYNC <replid> <offset + 1>`, and commands after it run in `db` (the
 *   master does not repeat its SELECT on a partial resync, so the db is part of the position);
 * - `offset === -1`: the application dropped what it derived for a new snapshot of `replid` and had
 *   not finished it; no partial resync is possible from there (Redis cannot resume a snapshot), the
 *   stream asks for a new full sync.
 */
import { ReplicaCursorCorruptError } from './errors';

export interface CursorPosition {
  /** the master's replication id (history) the offset belongs to */
  readonly replid: string;
  /** the last replication offset handled, or -1 inside an unfinished snapshot */
  readonly offset: number;
  /** the db the master's stream has selected after `offset` */
  readonly db: number;
}

/**
 * Where a change stream keeps its cursor. `save` resolves once the position is durable (it
 * survives a process crash); saves of one store are applied in call order, the last one wins.
 * The stream never calls `save` again before the previous call settled. The application owns the
 * store: the stream does not close it.
 */
export interface CursorStore {
  /** the last saved position, or undefined when none was ever saved; rejects on a torn or garbage cursor */
  load(): Promise<CursorPosition | undefined>;
  save(position: CursorPosition): Promise<void>;
}

const REPLID = /^[0-9A-Za-z]{1,64}$/;
const MAX_DB = 0x7fffffff;

/** Why `p` is not a valid cursor position, or undefined when it is. */
export function cursorPositionProblem(p: unknown): string | undefined {
  if (typeof p !== 'object' || p === null) return 'not an object';
  const { replid, offset, db } = p as Record<string, unknown>;
  if (typeof replid !== 'string' || !REPLID.test(replid)) return `replid ${JSON.stringify(replid)} is not 1 to 64 letters and digits`;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < -1) return `offset ${String(offset)} is not an integer >= -1`;
  if (typeof db !== 'number' || !Number.isInteger(db) || db < 0 || db > MAX_DB) return `db ${String(db)} is not an integer >= 0`;
  return undefined;
}

/** Checks a position read from `source`; a bad one is a typed ERR_REPLICA_CURSOR_CORRUPT error. */
export function checkCursorPosition(p: unknown, source: string): CursorPosition {
  const problem = cursorPositionProblem(p);
  if (problem !== undefined) throw new ReplicaCursorCorruptError(source, problem);
  const { replid, offset, db } = p as CursorPosition;
  return { replid, offset, db };
}

/** A cursor store in memory (tests, or a process that only needs link-loss resumes). */
export function createMemoryCursorStore(initial?: CursorPosition): CursorStore & { readonly saved: CursorPosition | undefined; readonly saves: number } {
  let saved = initial === undefined ? undefined : checkCursorPosition(initial, 'memory');
  let saves = 0;
  return {
    load: async () => saved,
    save: async (position) => {
      saved = checkCursorPosition(position, 'memory');
      saves++;
    },
    get saved() {
      return saved;
    },
    get saves() {
      return saves;
    },
  };
}
