import type { BacklogRange } from './replication-backlog';
import { type ReplicationIds, replidEquals } from './replication-identity';

/** What the replica sent: `PSYNC <replid> <offset>`, the offset already parsed as an integer. */
export interface PsyncRequest {
  /** the id the replica asks for, or `?` to force a full resync */
  replid: string;
  /** the first byte the replica does not have yet (its processed offset + 1); -1 with `?` */
  offset: number;
}

/**
 * Why a partial resync was refused, in the order Redis 7.0 tests (masterTryPartialResynchronization):
 *
 * | reason | condition |
 * |---|---|
 * | `invalid-offset` | the offset is not a safe integer (NaN, fraction, beyond 2^53 - 1). Redis instead replies `-ERR value is not an integer or out of range` to text that is not an integer; parsing is the caller's job |
 * | `force-full` | the id matches neither id and starts with `?` (`PSYNC ? -1`); not a failed PSYNC in Redis's stats |
 * | `replid-mismatch` | the id is neither `replid` nor `replid2` |
 * | `replid2-offset-bound` | the id is `replid2` (not `replid`) and `offset > secondReplOffset` |
 * | `no-backlog` | the ids match but there is no backlog |
 * | `offset-before-backlog` | `offset < firstByteOffset` (the bytes were overwritten, or predate the backlog) |
 * | `offset-past-end` | `offset > firstByteOffset + histlen` (= `masterReplOffset + 1`): the replica claims bytes this server never produced |
 */
export type FullResyncReason =
  | 'invalid-offset'
  | 'force-full'
  | 'replid-mismatch'
  | 'replid2-offset-bound'
  | 'no-backlog'
  | 'offset-before-backlog'
  | 'offset-past-end';

export interface PsyncContinue {
  kind: 'continue';
  /** the id for `+CONTINUE <replid>`: always the current `replid`, even when the request matched `replid2` */
  replid: string;
  /** send the backlog from this offset (the request's offset) */
  fromOffset: number;
  /** how many backlog bytes that is (`histlen - (fromOffset - firstByteOffset)`); 0 when nothing is missing */
  length: number;
  /** true when the request matched `replid2` rather than `replid` */
  matchedReplid2: boolean;
}

export interface PsyncFullResync {
  kind: 'fullresync';
  reason: FullResyncReason;
  /** a log line in the spirit of Redis's own */
  message: string;
}

export type PsyncDecision = PsyncContinue | PsyncFullResync;

function full(reason: FullResyncReason, message: string): PsyncFullResync {
  return { kind: 'fullresync', reason, message };
}

/**
 * The partial-vs-full decision of a master receiving `PSYNC <replid> <offset>` (protocol.md §2.2),
 * as a pure function of the request, the server's ids and its backlog (`null`/`undefined` when it
 * has none):
 *
 * ```
 * continue iff ( replid == ids.replid  OR  (replid == ids.replid2 AND offset <= ids.secondReplOffset) )
 *          AND a backlog exists
 *          AND firstByteOffset <= offset <= firstByteOffset + histlen
 * ```
 * Ids are compared ASCII case-insensitively (`strcasecmp`). `offset == masterReplOffset + 1` is a
 * continue with `length` 0. The checks before the decision (§2.1: already a replica, FAILOVER,
 * pending output, NOMASTERLINK, ...) are the caller's.
 */
export function decidePsync(
  request: PsyncRequest,
  ids: ReplicationIds,
  backlog: BacklogRange | null | undefined,
): PsyncDecision {
  const { replid, offset } = request;
  if (!Number.isSafeInteger(offset)) {
    return full('invalid-offset', `Partial resynchronization not accepted: offset ${offset} is not an integer`);
  }

  const matchesReplid = replidEquals(replid, ids.replid);
  if (!matchesReplid) {
    const matchesReplid2 = replidEquals(replid, ids.replid2);
    if (!matchesReplid2 || offset > ids.secondReplOffset) {
      if (replid.startsWith('?')) return full('force-full', 'Full resync requested by replica');
      if (!matchesReplid2) {
        return full(
          'replid-mismatch',
          `Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '${replid}', my replication IDs are '${ids.replid}' and '${ids.replid2}')`,
        );
      }
      return full(
        'replid2-offset-bound',
        `Partial resynchronization not accepted: Requested offset for second ID was ${offset}, but I can reply up to ${ids.secondReplOffset}`,
      );
    }
  }

  if (!backlog) {
    return full('no-backlog', `Unable to partial resync for lack of backlog (Replica request was: ${offset})`);
  }
  const first = backlog.firstByteOffset;
  const end = first + backlog.histlen; // == masterReplOffset + 1
  if (offset < first) {
    return full(
      'offset-before-backlog',
      `Unable to partial resync for lack of backlog (Replica request was: ${offset}, backlog starts at ${first})`,
    );
  }
  if (offset > end) {
    return full(
      'offset-past-end',
      `Unable to partial resync: replica tried to PSYNC with offset ${offset}, greater than the master replication offset + 1 (${end})`,
    );
  }
  return { kind: 'continue', replid: ids.replid, fromOffset: offset, length: end - offset, matchedReplid2: !matchesReplid };
}
