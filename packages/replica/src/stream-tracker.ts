/**
 * Byte-exact offset accounting of the applied stream (protocol.md §4.4): the offset moves past a
 * command once it took effect, a MULTI block moves it only at EXEC, `REPLCONF GETACK` is answered
 * with the offset before its own bytes, and the exact bytes of what took effect go to the node
 * (backlog, sub-replicas) in order. Those bytes are handed to the node once per chunk read from the
 * master (`flush`), with back-to-back views of one chunk merged: one backlog copy per read instead
 * of one per command. Everything that reads or moves the node's offset runs between chunks.
 */
import type { StreamApplier } from './stream-applier';
import type { UpstreamNode } from './options';

interface Queued {
  argv: string[];
  db: number;
  bytes: number;
  raw: readonly Buffer[];
}

export class StreamTracker {
  /** the master's replication id ('' before the first sync) */
  replid = '';
  /** the offset of the last stream byte that took effect (Redis's master->reploff) */
  reploff = -1;
  /** whether REPLCONF GETACK is answered (not on a legacy SYNC link) */
  acks = true;
  /** the db the stream has selected (the master client's db) */
  db = 0;
  private queued: Queued[] = [];
  private queuedTotal = 0;
  /** applied stream bytes not yet handed to the node; `run` is a view still growing at its end */
  private fed: Buffer[] = [];
  private fedBytes = 0;
  private run: Buffer | null = null;
  private runLength = 0;

  constructor(
    private readonly applier: StreamApplier,
    private readonly node: UpstreamNode | undefined,
    private readonly onApplied: (argv: string[], db: number, offset: number) => void,
    private readonly sendAck: (offset: number) => void,
  ) {}

  /** Stream bytes held in an open MULTI block. */
  get queuedBytes(): number {
    return this.queuedTotal;
  }

  /** The history to continue from when nothing was synced in this process. */
  resumeFrom(replid: string, offset: number): void {
    this.replid = replid;
    this.reploff = offset;
  }

  /** A full sync was loaded: the stream starts after `offset`, in `db` (the RDB's repl-stream-db). */
  startFull(replid: string, offset: number, db: number): void {
    this.flush();
    this.replid = replid;
    this.reploff = offset;
    this.db = db;
    this.dropQueued();
    this.applier.reset(db);
  }

  /** The link was lost: an unfinished MULTI block never took effect. */
  dropQueued(): void {
    this.flush();
    if (this.queued.length > 0) {
      this.queued = [];
      this.queuedTotal = 0;
    }
    this.applier.discardTransaction();
  }

  /** One command of the stream with its exact bytes. */
  command(argv: string[], bytes: number, raw: readonly Buffer[]): void {
    const db = this.db;
    // only PING, REPLCONF and SELECT are looked at here: other names are not lowercased (no string per command)
    const first = argv[0];
    const n = first.length;
    const name = n === 4 || n === 6 || n === 8 ? first.toLowerCase() : '';
    if (this.queued.length === 0) {
      if (name === 'ping') {
        this.advance(argv, db, bytes, raw);
        return;
      }
      if (name === 'replconf') {
        // GETACK is answered with the offset before its own bytes; ACK and other options are never answered
        if (this.acks && argv.length >= 2 && argv[1].toLowerCase() === 'getack') this.sendAck(this.reploff);
        this.advance(argv, db, bytes, raw);
        return;
      }
    }
    if (name === 'select' && argv.length === 2) {
      const n = Number(argv[1]);
      if (Number.isInteger(n) && n >= 0) this.db = n;
    }
    if (this.applier.apply(argv) === 'queued') {
      this.queued.push({ argv, db, bytes, raw });
      this.queuedTotal += bytes;
      return;
    }
    if (this.queued.length > 0) {
      const block = this.queued;
      this.queued = [];
      this.queuedTotal = 0;
      for (const q of block) this.advance(q.argv, q.db, q.bytes, q.raw);
    }
    this.advance(argv, db, bytes, raw);
  }

  /** Hands the applied bytes gathered since the last call to the node (after each chunk read). */
  flush(): void {
    const run = this.run;
    if (run !== null) {
      this.fed.push(this.runLength === run.length ? run : Buffer.from(run.buffer, run.byteOffset, this.runLength));
      this.run = null;
    }
    if (this.fedBytes === 0) return;
    const fed = this.fed;
    const bytes = this.fedBytes;
    this.fed = [];
    this.fedBytes = 0;
    this.node?.feedUpstream(fed, bytes);
  }

  private advance(argv: string[], db: number, bytes: number, raw: readonly Buffer[]): void {
    this.reploff += bytes;
    if (this.node !== undefined) this.gather(raw, bytes);
    this.onApplied(argv, db, this.reploff);
  }

  private gather(raw: readonly Buffer[], bytes: number): void {
    this.fedBytes += bytes;
    for (let i = 0; i < raw.length; i++) {
      const v = raw[i];
      const run = this.run;
      // the next bytes of the same chunk: the run grows, no new view
      if (run !== null && v.buffer === run.buffer && run.byteOffset + this.runLength === v.byteOffset) {
        this.runLength += v.length;
        continue;
      }
      if (run !== null) this.fed.push(this.runLength === run.length ? run : Buffer.from(run.buffer, run.byteOffset, this.runLength));
      this.run = v;
      this.runLength = v.length;
    }
  }
}
