/**
 * The replica side of the handshake (protocol.md §1) as a list of steps: PING, AUTH and the
 * REPLCONFs pipelined in one write, their replies read in order, then PSYNC alone (a 7.0 master
 * refuses a PSYNC that arrives while replies are still pending for that client), and `SYNC` when
 * the master does not understand PSYNC. Redis 7.0 waits for the PONG before it sends AUTH and the
 * REPLCONFs; the master answers them the same way either way (a PING refused for want of AUTH is
 * tolerated and AUTH follows it), so sending them together saves one round trip per
 * (re)connection.
 *
 * With `pipelinePsync` PSYNC goes in that same write, announced by `REPLCONF capa pipelined-psync`:
 * a replikit master then answers it after the other replies, which saves the second round trip.
 * A master that ignores the capability (Redis) answers `-ERR SYNC and PSYNC are invalid with
 * pending output`; PSYNC is then sent again alone, as without the option, and the result says so.
 * A failing step still fails the attempt before the PSYNC reply is looked at, so a `+CONTINUE` or
 * `+FULLRESYNC` behind an AUTH error is never acted on (the caller closes the link).
 *
 * Replies are read with @replikit/resp's reply parser, which stops right after the PSYNC reply and
 * gives back the bytes behind it (keepalives, the snapshot preamble).
 */
import { createReplyParser, encodeCommandToBuffer, ErrorReply, type ReplyParser, type RespValue, SimpleString } from '@replikit/resp';
import { MAX_HANDSHAKE_REPLY } from './defaults';
import { ReplicaHandshakeError, ReplicaLinkClosedError, ReplicaTryLaterError } from './errors';

/** What the steps need to know. */
export interface HandshakeConfig {
  /** `masterauth` */
  readonly masterauth?: string;
  /** `masteruser` (AUTH with two arguments) */
  readonly masteruser?: string;
  /** the port announced with `REPLCONF listening-port` */
  readonly listeningPort: number;
  /** `replica-announce-ip` */
  readonly announceIp?: string;
  /**
   * the cached master to continue from (`PSYNC <replid> <offset>`), or undefined for `PSYNC ? -1`;
   * `failover` appends `FAILOVER` (a master handing over to one of its replicas with the FAILOVER command)
   */
  readonly psync: { readonly replid: string; readonly offset: number; readonly failover?: boolean } | undefined;
  /** PSYNC in the same write as the pipelined steps, announced with `REPLCONF capa pipelined-psync` */
  readonly pipelinePsync?: boolean;
}

/** The capability that tells a replikit master a PSYNC follows in the same write. */
export const PIPELINED_PSYNC_CAPA = 'pipelined-psync';
/** A master's answer to a PSYNC read behind other commands whose replies were not written yet. */
export const PENDING_OUTPUT_ERROR = 'ERR SYNC and PSYNC are invalid with pending output';

/** How a step's reply is judged. */
export type StepVerdict = 'ok' | 'tolerated';

export interface HandshakeStep {
  readonly name: string;
  /** the step is skipped when this returns false */
  readonly when?: (c: HandshakeConfig) => boolean;
  readonly command: (c: HandshakeConfig) => string[];
  /** `alone`: written and answered before anything else is sent; `pipelined`: written back to back with its neighbours */
  readonly mode: 'alone' | 'pipelined';
  /** throws ReplicaHandshakeError to abort the attempt */
  readonly check: (reply: RespValue, step: HandshakeStep) => StepVerdict;
}

function replyText(r: RespValue): string {
  if (r instanceof SimpleString) return `+${r.value}`;
  if (r instanceof ErrorReply) return `-${r.message}`;
  if (Buffer.isBuffer(r)) return r.toString('latin1');
  return String(r);
}

const tolerateErrors = (): StepVerdict => 'ok';

/** The steps of a 7.0 replica, in order (PSYNC and SYNC are run by {@link runHandshake}). */
export const HANDSHAKE_STEPS: readonly HandshakeStep[] = [
  {
    name: 'ping',
    command: () => ['PING'],
    mode: 'pipelined',
    // +PONG, or an auth error: AUTH comes next (a master with requirepass answers -NOAUTH)
    check: (r, s) => {
      if (r instanceof SimpleString) return 'ok';
      const t = replyText(r);
      if (t.startsWith('-NOAUTH') || t.startsWith('-NOPERM') || t.startsWith('-ERR operation not permitted')) return 'tolerated';
      throw new ReplicaHandshakeError(s.name, t);
    },
  },
  {
    name: 'auth',
    when: (c) => c.masterauth !== undefined,
    command: (c) => (c.masteruser !== undefined ? ['AUTH', c.masteruser, c.masterauth as string] : ['AUTH', c.masterauth as string]),
    mode: 'pipelined',
    check: (r, s) => {
      if (r instanceof ErrorReply) throw new ReplicaHandshakeError(s.name, replyText(r));
      return 'ok';
    },
  },
  { name: 'listening-port', command: (c) => ['REPLCONF', 'listening-port', String(c.listeningPort)], mode: 'pipelined', check: tolerateErrors },
  {
    name: 'ip-address',
    when: (c) => c.announceIp !== undefined,
    command: (c) => ['REPLCONF', 'ip-address', c.announceIp as string],
    mode: 'pipelined',
    check: tolerateErrors,
  },
  {
    name: 'capa',
    command: (c) => (c.pipelinePsync === true ? ['REPLCONF', 'capa', 'eof', 'capa', 'psync2', 'capa', PIPELINED_PSYNC_CAPA] : ['REPLCONF', 'capa', 'eof', 'capa', 'psync2']),
    mode: 'pipelined',
    check: tolerateErrors,
  },
];

/** The PSYNC answer: what follows on the link. */
export type PsyncOutcome =
  | { readonly kind: 'full'; readonly replid: string; readonly offset: number }
  | { readonly kind: 'continue'; readonly replid: string | undefined }
  /** legacy `SYNC`: a snapshot with no replication id, then an unacknowledged stream */
  | { readonly kind: 'sync' };

/** Reads the PSYNC reply (protocol.md §2.3); throws ReplicaTryLaterError for -LOADING / -NOMASTERLINK. */
export function parsePsyncReply(reply: RespValue): PsyncOutcome | 'unsupported' {
  if (reply instanceof SimpleString) {
    const parts = reply.value.split(' ');
    if (parts[0] === 'FULLRESYNC' && parts.length >= 3 && parts[1].length === 40 && /^-?\d+$/.test(parts[2])) {
      return { kind: 'full', replid: parts[1], offset: Number.parseInt(parts[2], 10) };
    }
    if (parts[0] === 'CONTINUE') {
      const id = parts[1];
      return { kind: 'continue', replid: id !== undefined && id.length === 40 ? id : undefined };
    }
    return 'unsupported';
  }
  const t = replyText(reply);
  if (t.startsWith('-NOMASTERLINK') || t.startsWith('-LOADING')) throw new ReplicaTryLaterError(t.slice(1));
  return 'unsupported';
}

/**
 * Reply reading for the handshake: the link's bytes go to `write`, `next()` resolves with the
 * replies in order. `lastReply()` makes the parser stop after the next reply; `takeRest()` then
 * returns every byte received after it.
 */
export class HandshakeReader {
  private readonly parser: ReplyParser;
  private readonly replies: RespValue[] = [];
  private waiter: { resolve: (r: RespValue) => void; reject: (e: Error) => void } | null = null;
  /** take(): the replies wanted and who waits for them */
  private wanted = 0;
  private batch: ((replies: RespValue[]) => void) | null = null;
  private failure: Error | null = null;
  /** replies still to be parsed before the one after which the parser stops (0: no stop set) */
  private stopCountdown = 0;
  private lineBytes = 0;
  private rest: Buffer | null = null;

  constructor(onKeepalive: () => void) {
    this.parser = createReplyParser({
      onReply: (r) => {
        this.lineBytes = 0;
        // detach() hands over (and forgets) the bytes behind this reply: keep them for takeRest().
        // An error reply has nothing behind it and the handshake may go on (PSYNC sent again).
        if (this.stopCountdown > 0 && --this.stopCountdown === 0 && !(r instanceof ErrorReply)) this.rest = this.parser.detach();
        const w = this.waiter;
        if (w !== null) {
          this.waiter = null;
          w.resolve(r);
          return;
        }
        this.replies.push(r);
        if (this.batch !== null && this.replies.length >= this.wanted) this.settleBatch();
      },
      onKeepalive: () => {
        this.lineBytes = 0;
        onKeepalive();
      },
    });
  }

  write(chunk: Buffer): void {
    if (this.failure !== null) return;
    if (!this.parser.detached) {
      // a handshake reply is one short line (or a small bulk): bound what may pile up before it ends
      this.lineBytes += chunk.length;
      if (this.lineBytes > MAX_HANDSHAKE_REPLY) {
        this.fail(new ReplicaHandshakeError('reply', `reply longer than ${MAX_HANDSHAKE_REPLY} bytes`));
        return;
      }
    }
    try {
      this.parser.write(chunk);
    } catch (err) {
      this.fail(new ReplicaHandshakeError('reply', (err as Error).message));
    }
  }

  fail(err: Error): void {
    if (this.failure !== null) return;
    this.failure = err;
    const w = this.waiter;
    this.waiter = null;
    w?.reject(err);
    if (this.batch !== null) this.settleBatch();
  }

  /** Why the reader stopped (the link failed, a reply too long or malformed), or null. */
  get error(): Error | null {
    return this.failure;
  }

  next(): Promise<RespValue> {
    const r = this.replies.shift();
    if (r !== undefined) return Promise.resolve(r);
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /**
   * Resolves once `count` replies are in (one promise for a pipelined run of steps, not one per
   * reply), or once the reader failed: then with the replies received before, fewer than `count`
   * ({@link error} says why). Never rejects.
   */
  take(count: number): Promise<RespValue[]> {
    if (this.replies.length >= count || this.failure !== null) return Promise.resolve(this.replies.splice(0, count));
    return new Promise((resolve) => {
      this.wanted = count;
      this.batch = resolve;
    });
  }

  private settleBatch(): void {
    const resolve = this.batch as (replies: RespValue[]) => void;
    this.batch = null;
    resolve(this.replies.splice(0, this.wanted));
  }

  /**
   * The `count`-th reply parsed from now on (the next one by default) is the last one the parser
   * reads, unless it is an error reply.
   */
  lastReply(count = 1): void {
    this.stopCountdown = count;
  }

  /** The bytes received after the last reply (call once the reply arrived). */
  takeRest(): Buffer {
    const held = this.rest;
    this.rest = null;
    const more = this.parser.detach();
    if (held === null || held.length === 0) return more;
    return more.length === 0 ? held : Buffer.concat([held, more]);
  }
}

/** The link as the handshake sees it. */
export interface HandshakeIo {
  write(data: Buffer): void;
  readonly reader: HandshakeReader;
}

/** What {@link runHandshake} resolves with. */
export interface HandshakeResult {
  readonly outcome: PsyncOutcome;
  /** the bytes already received after the PSYNC reply */
  readonly rest: Buffer;
  /** a pipelined PSYNC met `pending output` (the master ignores the capability) and was sent again alone */
  readonly pipelineRefused: boolean;
}

/**
 * Runs `steps`, then PSYNC (and SYNC when PSYNC is not understood). Resolves with the outcome and
 * the bytes already received after the PSYNC reply; rejects with a ReplicaError.
 */
export async function runHandshake(io: HandshakeIo, config: HandshakeConfig, steps: readonly HandshakeStep[] = HANDSHAKE_STEPS): Promise<HandshakeResult> {
  const active = steps.filter((s) => s.when === undefined || s.when(config));
  const psync = config.psync;
  const psyncArgv = psync === undefined ? ['PSYNC', '?', '-1'] : ['PSYNC', psync.replid, String(psync.offset)];
  if (psync?.failover === true) psyncArgv.push('FAILOVER');
  // PSYNC rides with the last run of steps when that run is pipelined
  const lastRunPipelined = active.length > 0 && active[active.length - 1].mode === 'pipelined';
  const pipelined = config.pipelinePsync === true && lastRunPipelined;
  let pipelinedReply: RespValue | undefined;
  let i = 0;
  while (i < active.length) {
    // one `alone` step, or a run of pipelined steps
    let j = i + 1;
    if (active[i].mode === 'pipelined') while (j < active.length && active[j].mode === 'pipelined') j++;
    // one write: the master reads the run in one go and answers it with one write
    const run: Buffer[] = [];
    for (let k = i; k < j; k++) run.push(encodeCommandToBuffer(active[k].command(config)));
    if (pipelined && j === active.length) {
      run.push(encodeCommandToBuffer(psyncArgv));
      io.reader.lastReply(run.length);
    }
    io.write(run.length === 1 ? (run[0] as Buffer) : Buffer.concat(run));
    // the replies of the run (and of a pipelined PSYNC) arrive together: one wait for all, then
    // each step checked in order, so a failing step fails the attempt before the PSYNC reply is looked at
    const got = await io.reader.take(run.length);
    for (let k = i; k < j; k++) active[k].check(replyOrFailure(io.reader, got[k - i]), active[k]);
    if (run.length > j - i) pipelinedReply = replyOrFailure(io.reader, got[j - i]);
    i = j;
  }
  let reply = pipelinedReply;
  let pipelineRefused = false;
  if (reply instanceof ErrorReply && reply.message === PENDING_OUTPUT_ERROR) {
    pipelineRefused = true;
    reply = undefined;
  }
  if (reply === undefined) {
    io.reader.lastReply();
    io.write(encodeCommandToBuffer(psyncArgv));
    reply = await io.reader.next();
  }
  const outcome = parsePsyncReply(reply);
  if (outcome !== 'unsupported') return { outcome, rest: io.reader.takeRest(), pipelineRefused };
  // the master did not understand PSYNC: the legacy inline SYNC on the same connection
  io.write(Buffer.from('SYNC\r\n', 'latin1'));
  return { outcome: { kind: 'sync' }, rest: io.reader.takeRest(), pipelineRefused };
}

/** A reply of {@link HandshakeReader.take}, or the reader's failure thrown when it did not arrive. */
function replyOrFailure(reader: HandshakeReader, reply: RespValue | undefined): RespValue {
  if (reply !== undefined) return reply;
  throw reader.error ?? new ReplicaLinkClosedError('handshake reply missing');
}

/** Rejects with ReplicaLinkClosedError; for the reader of a link that went away. */
export function linkClosed(reason: string, cause?: unknown): ReplicaLinkClosedError {
  return new ReplicaLinkClosedError(reason, cause === undefined ? undefined : { cause });
}
