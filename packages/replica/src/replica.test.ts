// The syncer over in-memory links with a scripted master: the handshake steps, PSYNC outcomes and
// retries, and the exact offset math (protocol.md §4.4). Interop with redis-server is in *.redis.test.ts.
import { createKeyspace, type Keyspace } from '@replikit/keyspace';
import { encodeCommandToBuffer } from '@replikit/resp';
import type { UpstreamNode } from './options';
import { createReplica, type Replica } from './replica';
import { until } from './testing/redis-compare';
import { MARK, REPLID_A, REPLID_B, type ScriptedMaster, scriptedConnector, smallRdb } from './testing/scripted-master';

const cmd = (...argv: string[]) => encodeCommandToBuffer(argv);

/** Accepts the handshake (+PONG, +OK to each pipelined step) and returns the PSYNC argv. */
async function acceptHandshake(m: ScriptedMaster, pipelined = 2, pingRead = false): Promise<string[]> {
  if (!pingRead) expect(await m.next()).toEqual(['PING']);
  m.send('+PONG\r\n');
  for (let i = 0; i < pipelined; i++) await m.next();
  for (let i = 0; i < pipelined; i++) m.send('+OK\r\n');
  const psync = await m.next();
  expect(psync[0]).toBe('PSYNC');
  return psync;
}

function fullSync(m: ScriptedMaster, offset: number, keys: Record<string, string>, framing: 'eof' | 'length' = 'eof'): void {
  const rdb = smallRdb(keys, { replId: REPLID_A, offset, streamDb: 0 });
  m.send(`+FULLRESYNC ${REPLID_A} ${offset}\r\n\n`);
  if (framing === 'eof') m.send(Buffer.concat([Buffer.from(`$EOF:${MARK}\r\n`), rdb, Buffer.from(MARK)]));
  else m.send(Buffer.concat([Buffer.from(`$${rdb.length}\r\n`), rdb]));
}

class RecordingNode implements UpstreamNode {
  fed: Buffer[] = [];
  calls: string[] = [];
  target: { replid: string; offset: number } | undefined;
  psyncTarget() {
    return this.target;
  }
  upstreamFullSync(replid: string, offset: number) {
    this.calls.push(`full ${replid.slice(0, 1)} ${offset}`);
    this.target = { replid, offset: offset + 1 };
  }
  upstreamContinue(newReplid: string | undefined) {
    this.calls.push(`continue ${newReplid?.slice(0, 1)}`);
  }
  feedUpstream(chunks: readonly Uint8Array[], bytes: number) {
    const b = Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
    expect(b.length).toBe(bytes);
    this.fed.push(b);
    if (this.target !== undefined) this.target = { ...this.target, offset: this.target.offset + bytes };
  }
}

describe('Replica over an in-memory link', () => {
  let replica: Replica | undefined;
  let keyspace: Keyspace | undefined;
  afterEach(async () => {
    await replica?.close();
    keyspace?.close();
    replica = undefined;
    keyspace = undefined;
  });

  it('handshake: PING (-NOAUTH accepted), AUTH and REPLCONFs pipelined, PSYNC only after their replies', async () => {
    let master!: ScriptedMaster;
    keyspace = createKeyspace();
    replica = createReplica(
      { keyspace, connect: scriptedConnector((m) => (master = m)) },
      { masterauth: 'secret', masteruser: 'repl', listeningPort: 7001, announceIp: '10.0.0.9', replDisklessLoad: 'swapdb' },
    );
    await until(() => master !== undefined, 'a connection');
    // all five are sent before any reply
    expect(await master.next()).toEqual(['PING']);
    expect(await master.next()).toEqual(['AUTH', 'repl', 'secret']);
    expect(await master.next()).toEqual(['REPLCONF', 'listening-port', '7001']);
    expect(await master.next()).toEqual(['REPLCONF', 'ip-address', '10.0.0.9']);
    expect(await master.next()).toEqual(['REPLCONF', 'capa', 'eof', 'capa', 'psync2']);
    master.send('-NOAUTH Authentication required.\r\n+OK\r\n+OK\r\n-ERR Unrecognized REPLCONF option: ip-address\r\n');
    await new Promise((r) => setTimeout(r, 20));
    expect(master.unread).toBe(0); // PSYNC waits for the last pipelined reply
    expect(replica.state).toBe('handshake');
    master.send('+OK\r\n');
    expect(await master.next()).toEqual(['PSYNC', '?', '-1']);
    fullSync(master, 1000, { k: 'v' });
    await until(() => replica?.state === 'connected', 'the sync');
    expect(keyspace.dump(0, 'k')?.value).toEqual({ type: 'string', value: 'v' });
  });

  it('a refused AUTH aborts the attempt and retries; -LOADING to PSYNC retries; -ERR to PSYNC falls back to SYNC (no ACKs)', async () => {
    const errors: string[] = [];
    const attempts: ScriptedMaster[] = [];
    keyspace = createKeyspace();
    replica = createReplica(
      { keyspace, connect: scriptedConnector((m) => attempts.push(m)) },
      { masterauth: 'bad', retryMinMs: 5, retryMaxMs: 20, replDisklessLoad: 'swapdb' },
    );
    replica.on('error', (e) => errors.push(e.code));
    await until(() => attempts.length === 1, 'attempt 1');
    await acceptHandshake(attempts[0], 0).catch(() => {}); // only PING is answered here
    attempts[0].send('-WRONGPASS invalid username-password pair\r\n+OK\r\n+OK\r\n');
    await until(() => attempts.length === 2, 'attempt 2');
    expect(errors).toEqual(['ERR_REPLICA_HANDSHAKE']);
    await acceptHandshake(attempts[1], 3);
    attempts[1].send('-LOADING Redis is loading the dataset in memory\r\n');
    await until(() => attempts.length === 3, 'attempt 3');
    expect(errors).toEqual(['ERR_REPLICA_HANDSHAKE', 'ERR_REPLICA_TRY_LATER']);
    const m = attempts[2];
    await acceptHandshake(m, 3);
    m.send('-ERR unknown command PSYNC\r\n');
    expect(await m.next()).toEqual(['SYNC']);
    const rdb = smallRdb({ legacy: '1' });
    m.send(Buffer.concat([Buffer.from(`\n$${rdb.length}\r\n`), rdb, cmd('SET', 'x', '1'), cmd('REPLCONF', 'GETACK', '*')]));
    await until(() => keyspace?.dump(0, 'x') !== undefined, 'the stream');
    expect(keyspace.dump(0, 'legacy')?.value).toEqual({ type: 'string', value: '1' });
    await new Promise((r) => setTimeout(r, 1100));
    expect(m.received.slice(6)).toEqual([]); // a legacy link gets no ACK, not even for GETACK
  });

  it('offsets: ACK after an $EOF load, GETACK answered with the offset before it, the next periodic ACK after it; exact bytes to the node', async () => {
    let master!: ScriptedMaster;
    const node = new RecordingNode();
    keyspace = createKeyspace();
    replica = createReplica({ keyspace, connect: scriptedConnector((m) => (master = m)), node }, { replDisklessLoad: 'on-empty-db' });
    await until(() => master !== undefined, 'a connection');
    expect(await acceptHandshake(master)).toEqual(['PSYNC', '?', '-1']);
    fullSync(master, 1000, {});
    expect(await master.next()).toEqual(['REPLCONF', 'ACK', '1000']);
    expect(node.calls).toEqual([`full a 1000`]);
    expect(master.newlines).toBeGreaterThanOrEqual(1); // the `\n` a replica sends while it loads
    // the trace of protocol.md §4.4: ping(14) + SELECT 0(23) + SET x 1(27) + GETACK(37)
    const stream = Buffer.concat([cmd('ping'), cmd('SELECT', '0'), cmd('SET', 'x', '1'), cmd('REPLCONF', 'GETACK', '*')]);
    // split inside commands: the raw bytes handed to the node are views of several chunks
    master.send(stream.subarray(0, 20));
    master.send(stream.subarray(20, 70));
    master.send(stream.subarray(70));
    expect(await master.next()).toEqual(['REPLCONF', 'ACK', '1064']);
    expect(await master.next()).toEqual(['REPLCONF', 'ACK', '1101']);
    expect(replica.offset).toBe(1101);
    expect(Buffer.concat(node.fed)).toEqual(stream);
    // once per chunk read, each ending at a command boundary: SELECT and SET (one chunk) in one call
    let end = 0;
    const ends = node.fed.map((b) => (end += b.length));
    expect(ends.every((e) => [14, 37, 64, 101].includes(e))).toBe(true);
    expect(ends).not.toContain(37);
    expect(ends.length).toBeLessThanOrEqual(3);
  });

  it('MULTI is applied at EXEC and the offset waits for it; a cut inside MULTI applies nothing and the next PSYNC is partial', async () => {
    const attempts: ScriptedMaster[] = [];
    const node = new RecordingNode();
    const applied: Array<[string, number, number]> = [];
    keyspace = createKeyspace();
    replica = createReplica({ keyspace, connect: scriptedConnector((m) => attempts.push(m)), node }, { replDisklessLoad: 'swapdb' });
    replica.on('command:applied', (argv, db, offset) => applied.push([argv.join(' '), db, offset]));
    await until(() => attempts.length === 1, 'a connection');
    const m = attempts[0];
    await acceptHandshake(m);
    fullSync(m, 0, {}, 'length');
    await until(() => replica?.state === 'connected', 'the sync');
    m.send(Buffer.concat([cmd('SELECT', '2'), cmd('MULTI'), cmd('SET', 'a', '1'), cmd('INCR', 'n')]));
    await until(() => replica?.offset === 23, 'SELECT');
    await new Promise((r) => setTimeout(r, 20));
    expect(keyspace.dump(2, 'a')).toBeUndefined();
    const [select, multi, set, incr, exec] = [cmd('SELECT', '2'), cmd('MULTI'), cmd('SET', 'a', '1'), cmd('INCR', 'n'), cmd('EXEC')].map((b) => b.length);
    expect(replica.info().readReplOffset).toBe(select + multi + set + incr);
    m.cut();
    await until(() => attempts.length === 2, 'the reconnection');
    const m2 = attempts[1];
    expect(await acceptHandshake(m2)).toEqual(['PSYNC', REPLID_A, '24']);
    expect(keyspace.dump(2, 'a')).toBeUndefined();
    // +CONTINUE with a new id: the node keeps the old as replid2; the selected db (2) is kept
    m2.send(Buffer.concat([Buffer.from(`+CONTINUE ${REPLID_B}\r\n`), cmd('MULTI'), cmd('SET', 'a', '1'), cmd('INCR', 'n')]));
    await until(() => replica?.state === 'connected', 'the partial sync');
    await new Promise((r) => setTimeout(r, 20));
    expect(replica.offset).toBe(23);
    expect(keyspace.dump(2, 'a')).toBeUndefined();
    m2.send(cmd('EXEC'));
    await until(() => replica?.offset === select + multi + set + incr + exec, 'EXEC');
    expect(keyspace.dump(2, 'a')?.value).toEqual({ type: 'string', value: '1' });
    expect(keyspace.dump(2, 'n')?.value).toEqual({ type: 'string', value: '1' });
    expect(node.calls).toEqual(['full a 0', 'continue b']);
    expect(replica.masterReplid).toBe(REPLID_B);
    expect(applied).toEqual([
      ['SELECT 2', 0, select],
      ['MULTI', 2, select + multi],
      ['SET a 1', 2, select + multi + set],
      ['INCR n', 2, select + multi + set + incr],
      ['EXEC', 2, select + multi + set + incr + exec],
    ]);
  });

  it('PSYNC rides in the handshake write once a handshake went through; a master that refuses it gets PSYNC alone from then on', async () => {
    const attempts: ScriptedMaster[] = [];
    keyspace = createKeyspace();
    replica = createReplica({ keyspace, connect: scriptedConnector((m) => attempts.push(m)) }, { replDisklessLoad: 'swapdb' });
    replica.on('error', () => {});
    /** the commands of the attempt's first write (one chunk: all there once PING is) */
    const firstWrite = async (m: ScriptedMaster) => {
      await m.next();
      return m.received.map((a) => a.join(' '));
    };
    await until(() => attempts.length === 1, 'attempt 1');
    // a first connection: the master's answer to AUTH is unknown, PSYNC waits for the replies
    expect(await firstWrite(attempts[0])).toEqual(['PING', 'REPLCONF listening-port 0', 'REPLCONF capa eof capa psync2']);
    attempts[0].send('+PONG\r\n+OK\r\n+OK\r\n');
    for (let i = 0; i < 2; i++) await attempts[0].next();
    expect((await attempts[0].next())[0]).toBe('PSYNC');
    fullSync(attempts[0], 100, { k: 'v' });
    await until(() => replica?.state === 'connected', 'the full sync');
    const psync = `PSYNC ${REPLID_A} 101`;

    // the master accepts the capability: one write, one answer
    replica.reconnect('cut 1');
    expect(await firstWrite(attempts[1])).toEqual(['PING', 'REPLCONF listening-port 0', 'REPLCONF capa eof capa psync2 capa pipelined-psync', psync]);
    attempts[1].send(`+PONG\r\n+OK\r\n+OK\r\n+CONTINUE ${REPLID_A}\r\n`);
    await until(() => replica?.state === 'connected', 'partial sync 1');

    // a master that ignores it (Redis 7.0): pending output, PSYNC again alone
    replica.reconnect('cut 2');
    expect(await firstWrite(attempts[2])).toEqual(['PING', 'REPLCONF listening-port 0', 'REPLCONF capa eof capa psync2 capa pipelined-psync', psync]);
    attempts[2].send('+PONG\r\n+OK\r\n+OK\r\n-ERR SYNC and PSYNC are invalid with pending output\r\n');
    for (let i = 0; i < 3; i++) await attempts[2].next();
    expect((await attempts[2].next()).join(' ')).toBe(psync);
    attempts[2].send(`+CONTINUE ${REPLID_A}\r\n`);
    await until(() => replica?.state === 'connected', 'partial sync 2');

    replica.reconnect('cut 3');
    expect(await firstWrite(attempts[3])).toEqual(['PING', 'REPLCONF listening-port 0', 'REPLCONF capa eof capa psync2']);
    expect(keyspace.dump(0, 'k')?.value).toEqual({ type: 'string', value: 'v' });
  });

  it('pipelinePsync: false keeps PSYNC alone on every reconnection', async () => {
    const attempts: ScriptedMaster[] = [];
    keyspace = createKeyspace();
    replica = createReplica({ keyspace, connect: scriptedConnector((m) => attempts.push(m)) }, { replDisklessLoad: 'swapdb', pipelinePsync: false });
    replica.on('error', () => {});
    await until(() => attempts.length === 1, 'attempt 1');
    await acceptHandshake(attempts[0]);
    fullSync(attempts[0], 100, {});
    await until(() => replica?.state === 'connected', 'the full sync');
    replica.reconnect('cut');
    await attempts[1].next();
    expect(attempts[1].received.map((a) => a.join(' '))).toEqual(['PING', 'REPLCONF listening-port 0', 'REPLCONF capa eof capa psync2']);
    expect(await acceptHandshake(attempts[1], 2, true)).toEqual(['PSYNC', REPLID_A, '101']);
  });

  it('reconnect(): the link is dropped and the next attempt issued before it returns (link:down after the attempt started), PSYNC continues', async () => {
    const attempts: ScriptedMaster[] = [];
    const events: string[] = [];
    keyspace = createKeyspace();
    replica = createReplica({ keyspace, connect: scriptedConnector((m) => attempts.push(m)) }, { replDisklessLoad: 'swapdb' });
    replica.on('error', () => {});
    replica.on('link:down', (e) => events.push(`down ${replica?.state} ${e.message.replace('master link lost: ', '')}`));
    await until(() => attempts.length === 1, 'attempt 1');
    await acceptHandshake(attempts[0]);
    fullSync(attempts[0], 100, { k: 'v' });
    attempts[0].send(cmd('SET', 'a', '1'));
    await until(() => replica?.offset === 100 + cmd('SET', 'a', '1').length, 'the stream');
    replica.reconnect('killed by CLIENT KILL');
    expect(events).toEqual(['down connecting killed by CLIENT KILL']);
    // no timer or setImmediate before the new connection: it was asked for inside reconnect()
    expect(replica.state).toBe('connecting');
    expect(attempts.length).toBe(2);
    // the lost link stays open (and unread) while the master answers the new handshake
    const old = attempts[0].side;
    expect(await acceptHandshake(attempts[1])).toEqual(['PSYNC', REPLID_A, String(101 + cmd('SET', 'a', '1').length)]);
    expect(old.destroyed).toBe(false);
    attempts[0].send(cmd('SET', 'ignored', '1'));
    attempts[1].send(`+CONTINUE ${REPLID_A}\r\n`);
    await until(() => replica?.state === 'connected', 'the partial sync');
    await until(() => old.destroyed, 'the lost link closed');
    expect(keyspace.dump(0, 'ignored')).toBeUndefined();
    replica.reconnect();
    replica.reconnect(); // no link: nothing more
    expect(events).toEqual(['down connecting killed by CLIENT KILL', 'down connecting connection closed']);
  });

  it('an attempt that connected lends its abort signal to the next one; onRead sees every chunk read from the master', async () => {
    const attempts: ScriptedMaster[] = [];
    const signals: AbortSignal[] = [];
    const reads: number[] = [];
    const scripted = scriptedConnector((m) => attempts.push(m));
    keyspace = createKeyspace();
    replica = createReplica(
      {
        keyspace,
        connect: (signal) => {
          signals.push(signal);
          return scripted(signal);
        },
        onRead: (bytes) => reads.push(bytes),
      },
      { replDisklessLoad: 'swapdb' },
    );
    replica.on('error', () => {});
    await until(() => attempts.length === 1, 'attempt 1');
    await acceptHandshake(attempts[0]);
    fullSync(attempts[0], 100, { k: 'v' });
    await until(() => replica?.state === 'connected', 'the full sync');
    const read = reads.reduce((a, b) => a + b, 0);
    expect(read).toBeGreaterThan(100);
    attempts[0].send(cmd('SET', 'a', '1'));
    await until(() => reads.reduce((a, b) => a + b, 0) === read + cmd('SET', 'a', '1').length, 'the stream counted');
    replica.reconnect('killed');
    expect(signals).toHaveLength(2);
    expect(signals[1]).toBe(signals[0]);
    expect(signals[1]?.aborted).toBe(false);
  });

  it('repl-timeout: a silent master is dropped and the replica reconnects', async () => {
    const attempts: ScriptedMaster[] = [];
    const errors: string[] = [];
    keyspace = createKeyspace();
    replica = createReplica({ keyspace, connect: scriptedConnector((m) => attempts.push(m)) }, { replTimeoutMs: 200, replDisklessLoad: 'swapdb' });
    replica.on('error', (e) => errors.push(e.code));
    const downs: string[] = [];
    replica.on('link:down', (e) => downs.push(e.code));
    await until(() => attempts.length === 1, 'a connection');
    await acceptHandshake(attempts[0]);
    fullSync(attempts[0], 5, {});
    await until(() => replica?.state === 'connected', 'the sync');
    await until(() => attempts.length === 2, 'the reconnection', 5000);
    expect(errors[0]).toBe('ERR_REPLICA_TIMEOUT');
    expect(downs).toEqual(['ERR_REPLICA_TIMEOUT']);
    expect(replica.info().masterLinkStatus).toBe('down');
  });

  it('repl-timeout while connecting: the pending connect is aborted and retried, never two links', async () => {
    const signals: AbortSignal[] = [];
    keyspace = createKeyspace();
    replica = createReplica(
      {
        keyspace,
        connect: (signal) =>
          new Promise((_resolve, reject) => {
            signals.push(signal);
            signal.addEventListener('abort', () => reject(signal.reason));
          }),
      },
      { replTimeoutMs: 100, retryMinMs: 5, replDisklessLoad: 'swapdb' },
    );
    const errors: string[] = [];
    replica.on('error', (e) => errors.push(e.code));
    await until(() => signals.length === 2, 'a second attempt', 5000);
    expect(signals[0].aborted).toBe(true);
    expect(signals[1].aborted).toBe(false);
    expect(errors).toEqual(['ERR_REPLICA_TIMEOUT']);
    await replica.close();
    expect(signals[1].aborted).toBe(true);
  });

  it('a $<len> transfer in progress: state sync, INFO transfer fields, sync:progress with percent', async () => {
    let master!: ScriptedMaster;
    keyspace = createKeyspace();
    replica = createReplica({ keyspace, connect: scriptedConnector((m) => (master = m)) }, { replDisklessLoad: 'swapdb' });
    const progress: Array<number | undefined> = [];
    replica.on('sync:progress', (p) => progress.push(p.percent));
    await until(() => master !== undefined, 'a connection');
    await acceptHandshake(master);
    const rdb = smallRdb({ a: '1', b: '2', c: '3' });
    const half = Math.floor(rdb.length / 2);
    master.send(Buffer.concat([Buffer.from(`+FULLRESYNC ${REPLID_A} 0\r\n$${rdb.length}\r\n`), rdb.subarray(0, half)]));
    await until(() => replica?.info().masterSyncReadBytes === half, 'half the payload');
    expect(replica.info()).toMatchObject({ state: 'sync', masterLinkStatus: 'down', masterSyncInProgress: true, masterSyncTotalBytes: rdb.length, masterSyncLeftBytes: rdb.length - half });
    master.send(rdb.subarray(half));
    await until(() => replica?.state === 'connected', 'the end of the payload');
    expect(progress).toEqual([(half * 100) / rdb.length, 100]);
    expect(replica.info()).toMatchObject({ masterLinkStatus: 'up', masterSyncInProgress: false, masterLinkDownSinceSeconds: -1, replOffset: 0, masterReplid: REPLID_A });
  });
});
