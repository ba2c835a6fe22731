/**
 * Byte-exact offset accounting of the applied stream (protocol.md §4.4): the offset moves past a
 * command once it took effect, a MULTI block moves it only at EXEC, `REPLCONF GETACK` is answered
 * with the offset before its own bytes, and the exact bytes of what took effect go to the node
 * (backlog, sub-replicas) in order. What took effect is always a prefix of the stream (commands
 * take effect in stream order; a MULTI block's bytes wait for its EXEC), so only a count of bytes
 * is kept per command and the bytes themselves are taken from the stream's source once per chunk
 * read from the master (`flush`): one backlog copy per read instead of one per command, and no
 * views or arrays per command. Everything that reads or moves the node's offset runs between chunks.
 */
import type { StreamApplier } from './stream-applier';
import type { UpstreamNode } from './options';

interface Queued {
  argv: string[];
  db: number;
  bytes: number;
}

/** Where the bytes of the commands handed to {@link StreamTracker.command} are taken from, in order. */
export interface StreamByteSource {
  takeStreamBytes(bytes: number): Buffer[];
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
  /** applied stream bytes not yet taken from the source and handed to the node */
  private fedBytes = 0;
  private source: StreamByteSource | null = null;

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

  /** The stream of a new link: the bytes applied from the previous one are handed over first. */
  useSource(source: StreamByteSource | null): void {
    this.flush();
    this.source = source;
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
  command(argv: string[], bytes: number): void {
    const db = this.db;
    // only PING, REPLCONF and SELECT are looked at here: other names are not lowercased (no string per command)
    const first = argv[0];
    const n = first.length;
    const name = n === 4 || n === 6 || n === 8 ? first.toLowerCase() : '';
    if (this.queued.length === 0) {
      if (name === 'ping') {
        this.advance(argv, db, bytes);
        return;
      }
      if (name === 'replconf') {
        // GETACK is answered with the offset before its own bytes; ACK and other options are never answered
        if (this.acks && argv.length >= 2 && argv[1].toLowerCase() === 'getack') this.sendAck(this.reploff);
        this.advance(argv, db, bytes);
        return;
      }
    }
    if (name === 'select' && argv.length === 2) {
      const n = Number(argv[1]);
      if (Number.isInteger(n) && n >= 0) this.db = n;
    }
    if (this.applier.apply(argv) === 'queued') {
      this.queued.push({ argv, db, bytes });
      this.queuedTotal += bytes;
      return;
    }
    if (this.queued.length > 0) {
      const block = this.queued;
      this.queued = [];
      this.queuedTotal = 0;
      for (const q of block) this.advance(q.argv, q.db, q.bytes);
    }
    this.advance(argv, db, bytes);
  }

  /** Hands the applied bytes gathered since the last call to the node (after each chunk read). */
  flush(): void {
    const bytes = this.fedBytes;
    if (bytes === 0) return;
    this.fedBytes = 0;
    if (this.node !== undefined && this.source !== null) this.node.feedUpstream(this.source.takeStreamBytes(bytes), bytes);
  }

  private advance(argv: string[], db: number, bytes: number): void {
    this.reploff += bytes;
    this.fedBytes += bytes;
    this.onApplied(argv, db, this.reploff);
  }
}
