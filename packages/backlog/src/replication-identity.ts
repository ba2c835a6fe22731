import { randomBytes } from 'node:crypto';
import { CLEARED_REPLID, CLEARED_SECOND_REPL_OFFSET, REPLID_LENGTH } from './defaults';
import { BacklogInvalidOffsetError, BacklogInvalidReplidError } from './errors';

/** The identity fields the PSYNC decision reads. */
export interface ReplicationIds {
  /** current replication id */
  readonly replid: string;
  /** previous replication id, {@link CLEARED_REPLID} when cleared */
  readonly replid2: string;
  /** highest PSYNC offset accepted for `replid2`; -1 when cleared */
  readonly secondReplOffset: number;
}

export interface ReplicationIdentityInit {
  /** @default a new random id ({@link generateReplid}) */
  replid?: string;
  /** @default 40 × '0' (cleared) */
  replid2?: string;
  /** @default -1 (cleared) */
  secondReplOffset?: number;
}

const HEX_ID = /^[0-9a-fA-F]{40}$/;

/** A new random replication id: 40 lowercase hex characters from `crypto.randomBytes` (like `getRandomHexChars`). */
export function generateReplid(): string {
  return randomBytes(REPLID_LENGTH / 2).toString('hex');
}

/** True iff `id` is exactly 40 hexadecimal characters (either case; Redis compares ids case-insensitively). */
export function isValidReplid(id: unknown): id is string {
  return typeof id === 'string' && HEX_ID.test(id);
}

/**
 * ASCII case-insensitive equality, like C `strcasecmp(a, b) == 0` in the C locale: only A-Z and
 * a-z are folded, so no Unicode case mapping can make two different ids equal.
 */
export function replidEquals(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 65 && x <= 90) x += 32;
    if (y >= 65 && y <= 90) y += 32;
    if (x !== y) return false;
  }
  return true;
}

function checkReplid(id: string): string {
  if (!isValidReplid(id)) throw new BacklogInvalidReplidError(String(id));
  return id;
}

function checkOffset(offset: number, min: number, what: string): number {
  if (!Number.isSafeInteger(offset) || offset < min) {
    throw new BacklogInvalidOffsetError(offset, `invalid ${what} ${offset}: must be a safe integer >= ${min}`);
  }
  return offset;
}

/**
 * The replication ids of a server (`server.replid`, `server.replid2`, `server.second_replid_offset`).
 * Ids are kept exactly as given (a replica stores its master's id verbatim) and compared
 * case-insensitively.
 */
export class ReplicationIdentity implements ReplicationIds {
  #replid: string;
  #replid2: string;
  #secondReplOffset: number;

  constructor(init: ReplicationIdentityInit = {}) {
    this.#replid = init.replid === undefined ? generateReplid() : checkReplid(init.replid);
    this.#replid2 = init.replid2 === undefined ? CLEARED_REPLID : checkReplid(init.replid2);
    this.#secondReplOffset =
      init.secondReplOffset === undefined
        ? CLEARED_SECOND_REPL_OFFSET
        : checkOffset(init.secondReplOffset, CLEARED_SECOND_REPL_OFFSET, 'second replication offset');
  }

  get replid(): string {
    return this.#replid;
  }

  get replid2(): string {
    return this.#replid2;
  }

  get secondReplOffset(): number {
    return this.#secondReplOffset;
  }

  /** False when `replid2` is cleared (40 × '0' and offset -1). */
  get hasReplid2(): boolean {
    return !(this.#secondReplOffset === CLEARED_SECOND_REPL_OFFSET && this.#replid2 === CLEARED_REPLID);
  }

  /**
   * A new random `replid` (`changeReplicationId`); `replid2` is untouched. Redis does this, followed
   * by {@link clearReplid2}, when a master creates its backlog and when the backlog TTL frees it.
   * @returns the new id
   */
  changeReplid(): string {
    this.#replid = generateReplid();
    return this.#replid;
  }

  /** `replid2 := 40 × '0'`, `secondReplOffset := -1` (`clearReplicationId2`). */
  clearReplid2(): void {
    this.#replid2 = CLEARED_REPLID;
    this.#secondReplOffset = CLEARED_SECOND_REPL_OFFSET;
  }

  /**
   * Starts a new history, keeping the old id valid for PSYNC up to `masterReplOffset + 1`
   * (`shiftReplicationId`): `replid2 := replid`, `secondReplOffset := masterReplOffset + 1`,
   * `replid :=` `newReplid` or a new random id.
   *
   * - Promotion (`REPLICAOF NO ONE`, failover): `shiftReplid(masterReplOffset)`.
   * - Replica reading `+CONTINUE <new id>` that differs from its id:
   *   `shiftReplid(masterReplOffset, newId)` (protocol.md §2.3).
   */
  shiftReplid(masterReplOffset: number, newReplid?: string): void {
    checkOffset(masterReplOffset, 0, 'master replication offset');
    const next = newReplid === undefined ? generateReplid() : checkReplid(newReplid);
    this.#replid2 = this.#replid;
    this.#secondReplOffset = masterReplOffset + 1;
    this.#replid = next;
  }

  /** Adopts a given id as `replid` (a replica after `+FULLRESYNC <id> <off>`); usually followed by {@link clearReplid2}. */
  setReplid(replid: string): void {
    this.#replid = checkReplid(replid);
  }

  /**
   * Sets `replid2` and its bound directly. A master restarting from an RDB with `repl-id` and
   * `repl-offset` aux fields uses `setReplid2(replId, replOffset + 1)` (protocol.md §5.4).
   */
  setReplid2(replid2: string, secondReplOffset: number): void {
    checkReplid(replid2);
    checkOffset(secondReplOffset, CLEARED_SECOND_REPL_OFFSET, 'second replication offset');
    this.#replid2 = replid2;
    this.#secondReplOffset = secondReplOffset;
  }

  /** True iff the current `replid` is 40 hex characters (always, unless state was tampered with). */
  isValidReplid(): boolean {
    return isValidReplid(this.#replid);
  }

  /** A plain snapshot of the three fields. */
  toJSON(): ReplicationIds {
    return { replid: this.#replid, replid2: this.#replid2, secondReplOffset: this.#secondReplOffset };
  }
}
