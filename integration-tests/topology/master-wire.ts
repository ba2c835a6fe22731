/**
 * Master-side wire scenarios of protocol.md §10, written once and run against a real
 * redis-server and against replikit-server: a WireProbe plays the replica by hand and each
 * scenario returns what it observed with ids and absolute offsets replaced by relations (equal,
 * changed, counted), so the two servers' observations can be compared with toEqual.
 */
import type Redis from 'ioredis';
import { ids, info, waitFor } from './topology-kit';
import { WireProbe, encode } from './wire-probe';

const FULLRESYNC = /^\+FULLRESYNC ([0-9a-f]{40}) (\d+)$/;

/** Reads lines, counting bare `\n` keepalives, until a non-empty one. */
async function lineAfterKeepalives(p: WireProbe): Promise<{ line: string; keepalives: number }> {
  let keepalives = 0;
  for (;;) {
    const line = await p.line();
    if (line !== '') return { line, keepalives };
    keepalives++;
  }
}

/** Stream commands until exactly `bytes` bytes were read (heartbeat pings included). */
async function streamBytes(p: WireProbe, bytes: number): Promise<Array<{ argv: string[]; bytes: number }>> {
  const out: Array<{ argv: string[]; bytes: number }> = [];
  let got = 0;
  while (got < bytes) {
    for (const cmd of await p.commands(1)) {
      out.push(cmd);
      got += cmd.bytes;
    }
  }
  if (got !== bytes) throw new Error(`the stream went past ${bytes} bytes (${got}): ${JSON.stringify(out.map((c) => c.argv))}`);
  return out;
}

async function handshake(port: number, capaEof = true): Promise<WireProbe> {
  const p = await WireProbe.open(port);
  p.send(encode('PING'));
  if ((await p.line()) !== '+PONG') throw new Error('PING not answered with +PONG');
  // AUTH and the REPLCONFs may be pipelined (protocol.md §10.4)
  const capa = capaEof ? encode('REPLCONF', 'capa', 'eof', 'capa', 'psync2') : encode('REPLCONF', 'capa', 'psync2');
  p.send(Buffer.concat([encode('REPLCONF', 'listening-port', '6380'), capa]));
  const replies = [await p.line(), await p.line()];
  if (replies.join() !== '+OK,+OK') throw new Error(`REPLCONF replies: ${replies}`);
  return p;
}

const notPing = (c: { argv: string[] }) => c.argv[0] !== 'ping';

/**
 * Items 1, 2, 3, 5, 6, 8, 10, 19: a diskless full sync under a delay seen byte by byte, the
 * stream held until the first ACK, offsets counted exactly, GETACK for WAIT, ACK (with FACK)
 * never answered, +CONTINUE from exactly the next byte wanted and a full resync past the end.
 */
export async function fullSyncTrace(port: number, c: Redis): Promise<Record<string, unknown>> {
  const probes: WireProbe[] = [];
  try {
    await c.set('before-any-replica', 'x');
    const start = await ids(c);
    const p = await handshake(port);
    probes.push(p);
    p.send(encode('PSYNC', '?', '-1'));
    const full = await lineAfterKeepalives(p);
    const m = FULLRESYNC.exec(full.line);
    if (!m) throw new Error(`expected +FULLRESYNC, got ${full.line}`);
    const [replid, off] = [m[1], Number(m[2])];
    const atSnapshot = await ids(c);
    const preamble = await lineAfterKeepalives(p);
    const mark = /^\$EOF:(.{40})$/.exec(preamble.line)?.[1];
    if (mark === undefined) throw new Error(`expected $EOF:<40 chars>, got ${preamble.line}`);
    const payload = await p.until(Buffer.from(mark, 'latin1'));

    // written after the payload, held back until the replica's first REPLCONF ACK
    await c.set('k', 'v');
    const afterWrite = (await ids(c)).offset;
    await new Promise((r) => setTimeout(r, 300));
    const heldUntilAck = p.pending.length === 0;
    p.send(encode('REPLCONF', 'ACK', String(off)));
    const first = await streamBytes(p, afterWrite - off);

    // WAIT makes the master send GETACK; the answer reports the offset before the GETACK
    const waiting = c.call('WAIT', '1', '0') as Promise<number>;
    const beforeGetack = afterWrite;
    const [getack, ...extra] = await p.commands(1);
    if (extra.length > 0) throw new Error(`unexpected commands after GETACK: ${JSON.stringify(extra.map((x) => x.argv))}`);
    p.send(encode('REPLCONF', 'ACK', String(beforeGetack)));
    const waited = await waiting;
    const afterGetack = (await ids(c)).offset;

    // an ACK carrying FACK is taken and never answered: the next bytes are the next write
    p.send(encode('REPLCONF', 'ACK', String(afterGetack), 'FACK', String(afterGetack)));
    await waitFor('the ACK with FACK', async () => (await info(c, 'replication')).get('slave0')?.includes(`offset=${afterGetack},`));
    await c.set('k2', 'v2');
    const end = (await ids(c)).offset;
    const second = await streamBytes(p, end - afterGetack);

    // PSYNC <replid> <offset> names the next byte wanted: off+1 continues with every stream byte
    const q = await handshake(port);
    probes.push(q);
    q.send(encode('PSYNC', replid, String(off + 1)));
    const cont = await q.line();
    const replayed = await q.bytes(end - off);
    const streamed = Buffer.concat([...first, getack, ...second].map((x) => encode(...x.argv)));
    const r = await handshake(port);
    probes.push(r);
    r.send(encode('PSYNC', replid, String(end + 1)));
    const contAtEnd = await r.line();
    // without capa eof: a disk-based sync, started at once (no diskless delay)
    const s = await handshake(port, false);
    probes.push(s);
    s.send(encode('PSYNC', replid, String(end + 2)));
    const past = (await lineAfterKeepalives(s)).line;

    return {
      'offset before any replica': start.offset,
      'replid changed by the first backlog': replid !== start.replid,
      'keepalives before +FULLRESYNC': full.keepalives > 0,
      '+FULLRESYNC offset = master_repl_offset at the snapshot': off === atSnapshot.offset,
      'keepalives between +FULLRESYNC and $EOF': preamble.keepalives,
      'payload is an RDB ending with the mark, no CRLF': payload.subarray(0, 9).toString('latin1') === 'REDIS0010' && payload.subarray(-42, -40).toString('latin1') !== '\r\n',
      'stream held until the first ACK': heldUntilAck,
      'stream after the payload': first.filter(notPing).map((x) => x.argv),
      'stream bytes = master_repl_offset - FULLRESYNC offset': first.reduce((n, x) => n + x.bytes, 0) === afterWrite - off,
      'GETACK as WAIT sends it, counted in the offset': [getack.argv, afterGetack - beforeGetack === getack.bytes],
      'WAIT answered by the ACK that excludes the GETACK': waited,
      'after ACK + FACK, the next bytes are commands': second.filter(notPing).map((x) => x.argv),
      '+CONTINUE from off+1 replays every stream byte': [cont.replace(replid, '<replid>'), replayed.equals(streamed) || replayed.toString('latin1')],
      '+CONTINUE at the next byte wanted (end+1)': contAtEnd.replace(replid, '<replid>'),
      'PSYNC past the end (end+2)': past.replace(/\s.*/, ''),
    };
  } finally {
    for (const p of probes) p.close();
  }
}

/** Item 4: PSYNC pipelined behind a REPLCONF meets the REPLCONF's pending reply. */
export async function pipelinedPsync(port: number): Promise<string[]> {
  const p = await WireProbe.open(port);
  try {
    p.send(encode('PING'));
    const pong = await p.line();
    p.send(Buffer.concat([encode('REPLCONF', 'capa', 'eof', 'capa', 'psync2'), encode('PSYNC', '?', '-1')]));
    return [pong, await p.line(), await p.line()];
  } finally {
    p.close();
  }
}

/**
 * Items 7, 12, 13 and 14: legacy SYNC gets no +FULLRESYNC and a disk `$<len>` payload with no CRLF
 * after it; the stream follows without any ACK; a transaction with one write is propagated bare,
 * two are wrapped, a lazy expiry in front of a write wraps both; names keep the client's casing
 * and the heartbeat is a lowercase `ping`. Active expiry is off so the lazy path is certain.
 */
export async function legacySync(port: number, c: Redis): Promise<Record<string, unknown>> {
  await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
  await c.set('lz', 'v', 'PX', 30);
  const p = await WireProbe.open(port);
  try {
    p.send(encode('SYNC'));
    const head = await lineAfterKeepalives(p);
    const len = /^\$(\d+)$/.exec(head.line)?.[1];
    if (len === undefined) throw new Error(`expected $<len>, got ${head.line}`);
    const payload = await p.bytes(Number(len));
    await c.call('SeT', 'after-sync', '1');
    await c.multi().get('after-sync').set('one', '1').exec();
    await c.multi().set('a', '1').incr('n').exec();
    await new Promise((r) => setTimeout(r, 80));
    await c.call('set', 'lz', 'v2');
    const seen: string[][] = [];
    let pings: string[][] = [];
    while (seen.length < 11 || pings.length === 0) {
      for (const x of await p.commands(1)) (x.argv[0].toLowerCase() === 'ping' ? pings : seen).push(x.argv);
    }
    pings = pings.slice(0, 1);
    return {
      'first line': head.line.replace(/\d+/, '<len>'),
      'payload is an RDB': payload.subarray(0, 5).toString('latin1'),
      'the stream, without CRLF or ACK': seen,
      heartbeat: pings,
    };
  } finally {
    p.close();
  }
}
