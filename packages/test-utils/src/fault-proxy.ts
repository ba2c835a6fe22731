/**
 * A loopback TCP proxy for fault tests: put it between a replica and its master and cut, stall,
 * delay, throttle or black-hole the link on command. Every accepted connection opens one connection
 * to the target and two {@link FaultPipe}s (client -> target, target -> client). A mode applies to
 * the open connections and to those accepted later, until {@link FaultProxy.resume}.
 */
import { createServer, type Server, Socket } from 'node:net';
import { type FaultMode, FaultPipe } from './fault-proxy-pipe';

export type { FaultMode } from './fault-proxy-pipe';

/** Which way a fault applies: `toTarget` is client -> target (replica -> master when the target is the master). */
export type FaultDirection = 'both' | 'toTarget' | 'toClient';

export interface FaultProxyOptions {
  /** where accepted connections are forwarded */
  target: { host: string; port: number };
  /** listening port @default 0 (a free one) */
  port?: number;
  /**
   * Bytes one direction of one connection holds before it stops reading its source (the
   * stalled/throttled/delayed sender then sees TCP backpressure). @default 262144
   */
  maxQueuedBytes?: number;
}

export interface FaultProxyStats {
  /** connections accepted so far */
  accepted: number;
  /** connections open now */
  open: number;
  /** bytes forwarded client -> target and target -> client, over every connection so far */
  toTarget: number;
  toClient: number;
  /** bytes swallowed by blackhole() */
  dropped: number;
  /** bytes read and not yet forwarded, over the open connections */
  queued: number;
}

interface Pair {
  client: Socket;
  upstream: Socket;
  toTarget: FaultPipe;
  toClient: FaultPipe;
}

export interface FaultProxy {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** the modes now in force, per direction */
  readonly modes: { readonly toTarget: FaultMode; readonly toClient: FaultMode };
  stats(): FaultProxyStats;
  /** destroys every open connection (both sockets); new connections are still accepted */
  cut(): void;
  /** stops forwarding (bytes are held, bounded, then the sender is pushed back) */
  stall(direction?: FaultDirection): void;
  /** forwards each chunk `ms` after it arrived */
  delay(ms: number, direction?: FaultDirection): void;
  /** forwards at most `bytesPerSec` */
  throttle(bytesPerSec: number, direction?: FaultDirection): void;
  /**
   * swallows every byte, the held ones included, and keeps reading (the sender sees no pushback,
   * the receiver silence); on {@link resume} the connections that lost bytes are cut, since no
   * TCP connection could ever deliver a stream with a hole in it
   */
  blackhole(direction?: FaultDirection): void;
  /** back to plain forwarding in both directions; held bytes go out in order */
  resume(): void;
  /** cuts every connection, stops listening, clears every timer */
  close(): Promise<void>;
}

const DEFAULT_MAX_QUEUED = 256 * 1024;
const PASS: FaultMode = { kind: 'pass' };

export async function createFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const maxQueued = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED;
  if (!(maxQueued > 0)) throw new RangeError(`maxQueuedBytes must be > 0, got ${maxQueued}`);
  const pairs = new Set<Pair>();
  const modes = { toTarget: PASS, toClient: PASS };
  let accepted = 0;
  let closedTotals = { toTarget: 0, toClient: 0, dropped: 0 };
  let closing = false;

  const destroyPair = (p: Pair): void => {
    if (!pairs.delete(p)) return;
    p.toTarget.close();
    p.toClient.close();
    closedTotals = {
      toTarget: closedTotals.toTarget + p.toTarget.forwarded,
      toClient: closedTotals.toClient + p.toClient.forwarded,
      dropped: closedTotals.dropped + p.toTarget.dropped + p.toClient.dropped,
    };
    p.client.destroy();
    p.upstream.destroy();
  };

  const server: Server = createServer((client) => {
    if (closing) {
      client.destroy();
      return;
    }
    accepted++;
    const upstream = new Socket();
    const pair: Pair = {
      client,
      upstream,
      toTarget: new FaultPipe(client, upstream, maxQueued),
      toClient: new FaultPipe(upstream, client, maxQueued),
    };
    pair.toTarget.setMode(modes.toTarget);
    pair.toClient.setMode(modes.toClient);
    pairs.add(pair);
    // either side going away takes the other one with it, as a real broken link would
    for (const s of [client, upstream]) {
      s.on('error', () => destroyPair(pair));
      s.on('close', () => destroyPair(pair));
    }
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    upstream.connect(options.target.port, options.target.host);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  const apply = (mode: FaultMode, direction: FaultDirection): void => {
    if (direction !== 'toClient') modes.toTarget = mode;
    if (direction !== 'toTarget') modes.toClient = mode;
    for (const p of pairs) {
      p.toTarget.setMode(modes.toTarget);
      p.toClient.setMode(modes.toClient);
    }
  };

  return {
    host: '127.0.0.1',
    port,
    get modes() {
      return { toTarget: modes.toTarget, toClient: modes.toClient };
    },
    stats() {
      const s: FaultProxyStats = { accepted, open: pairs.size, ...closedTotals, queued: 0 };
      for (const p of pairs) {
        s.toTarget += p.toTarget.forwarded;
        s.toClient += p.toClient.forwarded;
        s.dropped += p.toTarget.dropped + p.toClient.dropped;
        s.queued += p.toTarget.queuedBytes + p.toClient.queuedBytes;
      }
      return s;
    },
    cut() {
      for (const p of [...pairs]) destroyPair(p);
    },
    stall(direction = 'both') {
      apply({ kind: 'stall' }, direction);
    },
    delay(ms, direction = 'both') {
      if (!(ms >= 0)) throw new RangeError(`delay must be >= 0 ms, got ${ms}`);
      apply({ kind: 'delay', ms }, direction);
    },
    throttle(bytesPerSec, direction = 'both') {
      if (!(bytesPerSec > 0)) throw new RangeError(`throttle must be > 0 bytes/s, got ${bytesPerSec}`);
      apply({ kind: 'throttle', bytesPerSec }, direction);
    },
    blackhole(direction = 'both') {
      apply({ kind: 'blackhole' }, direction);
    },
    resume() {
      for (const p of [...pairs]) if (p.toTarget.lostBytes || p.toClient.lostBytes) destroyPair(p);
      apply(PASS, 'both');
    },
    async close() {
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const p of [...pairs]) destroyPair(p);
      await stopped;
    },
  };
}
