/**
 * A connection in the replication handshake gets its replies written while the server handles
 * the read that carried the commands (the replica's next step waits for them; under load the end
 * of the event-loop turn comes after every other client's batch), and PSYNC's `+CONTINUE` with
 * the backlog leaves the socket at once instead of with the turn's stream. Other clients keep the
 * end-of-turn flush. Observed on the sockets the server accepted: which writes happen inside the
 * `data` event, and whether the socket is left corked after it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectLinePeer, getFreePort } from '@replikit/test-utils';
import { createServerFromConfig } from '../config-binding-server';
import { loadConfigFromArgs } from '../config/load-config';
import type { ClientConnection } from '../connection/client-connection';
import { Logger } from '../logger';

/** What happened on one accepted socket, per `data` event. */
interface ReadRecord {
  /** bytes handed to socket.write while the event was handled */
  written: string;
  /** socket.writableCorked when the handling returned */
  corkedAfter: number;
  /** writes the stream handed to the socket's handle (_write / _writev calls) while the event was handled */
  handleWrites: number;
}

describe('replies to a replica in the handshake', () => {
  let dir: string;
  let server: ReturnType<typeof createServerFromConfig>;
  let port: number;
  const reads: ReadRecord[][] = [];
  const peers: Socket[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'replikit-hs-flush-'));
    port = await getFreePort();
    const { config } = loadConfigFromArgs(['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--repl-diskless-sync-delay', '0']);
    server = createServerFromConfig(config, { logger: new Logger({ sink: () => {} }) });
    server.server.on('client:connect', (c) => {
      const socket = (c as ClientConnection).socket;
      const mine: ReadRecord[] = [];
      reads.push(mine);
      let current: ReadRecord | undefined;
      const write = socket.write.bind(socket) as (chunk: Uint8Array | string) => boolean;
      socket.write = ((chunk: Uint8Array | string, ...rest: unknown[]) => {
        if (current !== undefined) current.written += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1');
        return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as Socket['write'];
      const internals = socket as unknown as Record<'_write' | '_writev', (...a: unknown[]) => unknown>;
      for (const name of ['_write', '_writev'] as const) {
        const original = internals[name].bind(socket);
        internals[name] = (...a: unknown[]) => {
          if (current !== undefined) current.handleWrites++;
          return original(...a);
        };
      }
      const emit = socket.emit.bind(socket) as (event: string, ...args: unknown[]) => boolean;
      socket.emit = ((event: string, ...args: unknown[]) => {
        if (event !== 'data') return emit(event, ...args);
        current = { written: '', corkedAfter: 0, handleWrites: 0 };
        try {
          return emit(event, ...args);
        } finally {
          current.corkedAfter = socket.writableCorked;
          mine.push(current);
          current = undefined;
        }
      }) as Socket['emit'];
    });
    await server.start();
  });

  afterEach(async () => {
    for (const s of peers.splice(0)) s.destroy();
    reads.splice(0);
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A first replica creates the backlog: the master's id and the offset to continue from. */
  async function firstReplica(): Promise<{ replid: string; offset: number }> {
    const first = await connectLinePeer(port);
    peers.push(first.socket);
    first.socket.write('REPLCONF capa eof capa psync2\r\n');
    await first.line(/^\+OK$/);
    first.socket.write('PSYNC ? -1\r\n');
    const replid = (await first.line(/^\+FULLRESYNC /)).split(' ')[1] as string;
    first.socket.destroy();
    return { replid, offset: server.replication.node.masterReplOffset + 1 };
  }

  it('PING and the REPLCONFs are answered inside the read; +CONTINUE and the backlog are not held for the end of the turn', async () => {
    const { replid, offset } = await firstReplica();

    const p = await connectLinePeer(port);
    peers.push(p.socket);
    p.socket.write('*1\r\n$4\r\nPING\r\n*3\r\n$8\r\nREPLCONF\r\n$14\r\nlistening-port\r\n$4\r\n6380\r\n*5\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$3\r\neof\r\n$4\r\ncapa\r\n$6\r\npsync2\r\n');
    await p.line(/^\+OK$/);
    const mine = reads[1] as ReadRecord[];
    expect(mine[0]?.written).toBe('+PONG\r\n+OK\r\n+OK\r\n');
    p.socket.write(`PSYNC ${replid} ${offset}\r\n`);
    await p.line(/^\+CONTINUE/);
    expect(mine[1]?.written).toBe(`+CONTINUE ${replid}\r\n`);
    expect(mine[1]?.corkedAfter).toBe(0);
  });

  it('an ACK on the replica link (no reply) does not flush: no AOF write out of turn', async () => {
    const p = await connectLinePeer(port);
    peers.push(p.socket);
    p.socket.write('REPLCONF capa eof capa psync2\r\n');
    await p.line(/^\+OK$/);
    p.socket.write('PSYNC ? -1\r\n');
    const offset = Number((await p.line(/^\+FULLRESYNC /)).split(' ')[2]);
    let flushes = 0;
    const before = server.server.beforeReply;
    server.server.beforeReply = () => {
      flushes++;
      before?.();
    };
    p.socket.write(`*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$${String(offset + 1).length}\r\n${offset + 1}\r\n`);
    for (let i = 0; i < 200 && server.replication.node.replicas()[0]?.offset !== offset + 1; i++) await new Promise((r) => setTimeout(r, 5));
    expect(server.replication.node.replicas()[0]?.offset).toBe(offset + 1);
    expect(flushes).toBe(0);
  });

  it('a PSYNC in the same read as the REPLCONF still meets the pending reply (as Redis 7.0)', async () => {
    const p = await connectLinePeer(port);
    peers.push(p.socket);
    p.socket.write('REPLCONF capa eof\r\nPSYNC ? -1\r\n');
    expect(await p.line(/^-ERR/)).toBe('-ERR SYNC and PSYNC are invalid with pending output');
    expect(reads[0]?.[0]?.written).toBe('+OK\r\n-ERR SYNC and PSYNC are invalid with pending output\r\n');
  });

  it('with capa pipelined-psync, the PSYNC in the same read is answered after the earlier replies, all inside the read', async () => {
    const { replid, offset } = await firstReplica();

    const p = await connectLinePeer(port);
    peers.push(p.socket);
    p.socket.write(`PING\r\nREPLCONF capa eof capa psync2 capa pipelined-psync\r\nPSYNC ${replid} ${offset}\r\n`);
    await p.line(/^\+CONTINUE/);
    expect(reads[1]?.[0]?.written).toBe(`+PONG\r\n+OK\r\n+CONTINUE ${replid}\r\n`);
    expect(reads[1]?.[0]?.corkedAfter).toBe(0);
    // the replies and +CONTINUE leave in one write: the replica reads them in one go
    expect(reads[1]?.[0]?.handleWrites).toBe(1);
    expect(server.replication.node.counters.syncPartialOk).toBe(1);
  });

  it('a normal client still gets its replies at the end of the turn', async () => {
    const p = await connectLinePeer(port);
    peers.push(p.socket);
    p.socket.write('PING\r\n');
    await p.line(/^\+PONG$/);
    expect(reads[0]?.[0]?.written).toBe('');
  });
});
