// Test helpers (not exported by the package): the master end of an in-memory link, driven by the
// test (what it received, what it sends), and a small RDB to send as a snapshot. For unit tests of
// the handshake and the offset math; interop is tested against a real redis-server.
import type { Duplex } from 'node:stream';
import { createKeyspace } from '@replikit/keyspace';
import { snapshotToRdbChunksSync } from '@replikit/keyspace-rdb';
import { RequestDecoder } from '@replikit/resp';
import { createDuplexPair } from '@replikit/test-utils';
import type { ReplicaConnector } from '../tcp-connector';

export class ScriptedMaster {
  readonly received: string[][] = [];
  /** bare `\n` lines received (the replica's keepalive while loading) */
  newlines = 0;
  private readonly decoder = new RequestDecoder();
  private waiters: Array<() => void> = [];
  private read = 0;

  constructor(readonly side: Duplex) {
    side.on('data', (d: Buffer) => {
      this.decoder.write(d);
      for (let argv = this.decoder.next(); argv !== undefined; argv = this.decoder.next()) this.received.push(argv);
      this.newlines = this.decoder.emptyLines;
      for (const w of this.waiters.splice(0)) w();
    });
    side.on('error', () => {});
  }

  /** The next command received that was not returned yet. */
  async next(): Promise<string[]> {
    while (this.read >= this.received.length) await new Promise<void>((r) => this.waiters.push(r));
    return this.received[this.read++];
  }

  /** Commands received and not returned by next() yet. */
  get unread(): number {
    return this.received.length - this.read;
  }

  send(data: string | Buffer): void {
    this.side.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  cut(): void {
    this.side.destroy();
  }
}

/** A connector over in-memory pairs: each connection attempt hands the master side to `onMaster`. */
export function scriptedConnector(onMaster: (m: ScriptedMaster, attempt: number) => void): ReplicaConnector {
  let attempt = 0;
  return async () => {
    const [replicaSide, masterSide] = createDuplexPair();
    onMaster(new ScriptedMaster(masterSide), attempt++);
    return replicaSide;
  };
}

/** An RDB holding `keys` (db 0) and the repl aux fields when `replication` is given. */
export function smallRdb(keys: Record<string, string>, replication?: { replId: string; offset: number; streamDb: number }): Buffer {
  const ks = createKeyspace();
  for (const [k, v] of Object.entries(keys)) ks.load(0, k, v);
  const snap = ks.snapshot();
  const out = Buffer.concat([...snapshotToRdbChunksSync(ks, snap, { replication })]);
  snap.close();
  ks.close();
  return out;
}

export const REPLID_A = 'a'.repeat(40);
export const REPLID_B = 'b'.repeat(40);
export const MARK = '0123456789abcdef0123456789abcdef01234567';
