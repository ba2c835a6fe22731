/**
 * What the replica's next connection attempt needs, prepared before the link is lost: the
 * AbortController (and its signal), the handshake's reply reader and whatever the connector
 * prepares (the TCP connector: its socket object) are built while the link is up
 * and idle, not on the path from a lost link to the new handshake write, where building them cold
 * (the caches evicted by whatever ran in between) costs tens of µs each. Also whether the attempt may
 * pipeline PSYNC with the handshake (see handshake.ts), and what its PSYNC asks for.
 */
import { HandshakeReader, type HandshakeResult } from './handshake';
import type { UpstreamNode } from './options';
import type { StreamTracker } from './stream-tracker';

/** How long after a link came up the lost link is closed and the next attempt prepared. */
export const TIDY_DELAY_MS = 10;

export class NextAttempt {
  private abort: AbortController | null = null;
  private reader: HandshakeReader | null = null;
  /**
   * `yes` once a handshake with this master went through, so AUTH is known to pass (a PSYNC
   * answered behind a failed AUTH would start a sync nobody uses); back to `no` after a failed
   * handshake; `never` once the master refused it (a Redis master answers `pending output`, then
   * PSYNC goes alone).
   */
  private pipeline: 'no' | 'yes' | 'never' = 'no';
  private tidyTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly onKeepalive: () => void,
    /** the connector's own preparation (ReplicaConnector.prepare) */
    private readonly prepareConnect: (() => void) | undefined,
    /** ReplicaOptions.pipelinePsync */
    pipelinePsync = true,
  ) {
    if (!pipelinePsync) this.pipeline = 'never';
  }

  /** Builds the objects of the next attempt (call while nothing waits, e.g. in a setImmediate after link up). */
  prepare(): void {
    this.prepareConnect?.();
    if (this.abort === null) {
      this.abort = new AbortController();
      // the signal is built on first read
      void this.abort.signal;
    }
    this.reader ??= new HandshakeReader(this.onKeepalive);
  }

  /**
   * `tidy` (closing the lost link) and prepare(), {@link TIDY_DELAY_MS} after a link came up: the
   * stream that came with the PSYNC reply and the replies to clients asking whether the link is
   * up go first. {@link cancel} stops it.
   */
  afterLinkUp(tidy: () => void): void {
    this.cancel();
    this.tidyTimer = setTimeout(() => {
      this.tidyTimer = null;
      tidy();
      this.prepare();
    }, TIDY_DELAY_MS);
    this.tidyTimer.unref();
  }

  cancel(): void {
    if (this.tidyTimer !== null) clearTimeout(this.tidyTimer);
    this.tidyTimer = null;
  }

  takeAbort(): AbortController {
    const a = this.abort ?? new AbortController();
    this.abort = null;
    return a;
  }

  /**
   * The controller of an attempt that connected without being aborted serves the next attempt
   * too (a controller and its signal cost ~0.1 ms of CPU built cold; the connectors of this
   * package remove their abort listener once connected).
   */
  giveBackAbort(a: AbortController): void {
    if (this.abort === null && !a.signal.aborted) this.abort = a;
  }

  takeReader(): HandshakeReader {
    const r = this.reader ?? new HandshakeReader(this.onKeepalive);
    this.reader = null;
    return r;
  }

  /** PSYNC in the handshake's write for the next attempt. */
  get pipelinePsync(): boolean {
    return this.pipeline === 'yes';
  }

  handshakeDone(result: HandshakeResult): void {
    if (result.pipelineRefused) this.pipeline = 'never';
    else if (this.pipeline === 'no') this.pipeline = 'yes';
  }

  handshakeFailed(): void {
    if (this.pipeline === 'yes') this.pipeline = 'no';
  }
}

/** What PSYNC asks for; `streamDb`: the db a restarted node's history left the stream in, when known. */
export interface PsyncTarget {
  readonly replid: string;
  readonly offset: number;
  readonly failover?: boolean;
  readonly streamDb?: number;
}

/**
 * PSYNC arguments: the node's cached master, or the history `tracker` followed (undefined: `PSYNC ? -1`).
 * The node may hold history this syncer never followed (a demoted master, a restart from an RDB
 * with repl aux fields): the tracker is moved to it, so a +CONTINUE resumes from exactly the offset
 * asked for.
 */
export function psyncTargetOf(node: UpstreamNode | undefined, tracker: StreamTracker): PsyncTarget | undefined {
  if (node !== undefined) {
    const target = node.psyncTarget();
    if (target !== undefined) tracker.resumeFrom(target.replid, target.offset - 1);
    return target;
  }
  return tracker.replid === '' ? undefined : { replid: tracker.replid, offset: tracker.reploff + 1 };
}
