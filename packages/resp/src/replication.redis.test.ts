// A fake replica made of our pieces (reply parser for the handshake, framer after PSYNC) against a
// real redis-server 7.0 master, with both snapshot framings.
import { hasRedis, RawClient, startRedisServer, type RedisServerHandle } from '@replikit/test-utils';
import { connect, type Socket } from 'node:net';
import { encodeCommandToBuffer } from './encode-command';
import { ReplicationStreamFramer, type PayloadPreamble } from './replication-framer';
import { createReplyParser } from './reply-parser';
import { SimpleString, type RespValue } from './reply-types';

const describeRedis = hasRedis() ? describe : describe.skip;

interface SyncResult {
  fullresync: string;
  preamble: PayloadPreamble;
  payload: Buffer;
  commands: Array<[string[], number]>;
  socket: Socket;
}

async function until(cond: () => boolean, what: string, ms = 10000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Handshake + PSYNC ? -1, then everything goes through the framer. */
async function fullSync(port: number, capaEof: boolean): Promise<SyncResult> {
  const socket = connect({ port, host: '127.0.0.1' });
  await new Promise((r) => socket.once('connect', r));
  const replies: RespValue[] = [];
  const payload: Buffer[] = [];
  const result = { commands: [] as Array<[string[], number]>, payloadDone: false, preamble: null as PayloadPreamble | null };
  const framer = new ReplicationStreamFramer({
    onPayloadStart: (p) => {
      result.preamble = p;
    },
    onPayloadChunk: (c) => payload.push(Buffer.from(c)),
    onPayloadEnd: () => {
      result.payloadDone = true;
    },
    onCommand: (argv, bytes) => result.commands.push([argv, bytes]),
  });
  const parser = createReplyParser({
    onReply: (r) => {
      replies.push(r);
      if (r instanceof SimpleString && r.value.startsWith('FULLRESYNC')) {
        const rest = parser.detach();
        framer.expectPayload();
        framer.write(rest);
      }
    },
  });
  socket.on('data', (d: Buffer) => (parser.detached ? framer.write(d) : parser.write(d)));
  const step = async (argv: string[]) => {
    const n = replies.length;
    socket.write(encodeCommandToBuffer(argv));
    await until(() => replies.length > n, argv.join(' '));
    return replies[n];
  };
  expect(await step(['PING'])).toEqual(new SimpleString('PONG'));
  expect(await step(['REPLCONF', 'listening-port', '7999'])).toEqual(new SimpleString('OK'));
  expect(await step(capaEof ? ['REPLCONF', 'capa', 'eof', 'capa', 'psync2'] : ['REPLCONF', 'capa', 'psync2'])).toEqual(
    new SimpleString('OK'),
  );
  const full = await step(['PSYNC', '?', '-1']);
  await until(() => result.payloadDone, 'the snapshot');
  return {
    fullresync: (full as SimpleString).value,
    preamble: result.preamble!,
    payload: Buffer.concat(payload),
    commands: result.commands,
    socket,
  };
}

describeRedis('our framer and handshake parser against a real master', () => {
  let diskless: RedisServerHandle;
  let disk: RedisServerHandle;
  beforeAll(async () => {
    [diskless, disk] = await Promise.all([
      startRedisServer({ config: { 'repl-diskless-sync': 'yes', 'repl-diskless-sync-delay': 0 } }),
      startRedisServer({ config: { 'repl-diskless-sync': 'no' } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([diskless?.stop(), disk?.stop()]);
  });

  it.each([
    ['diskless ($EOF:<mark>)', true],
    ['disk ($<length>)', false],
  ])('%s: snapshot, then commands whose byte counts add up to master_repl_offset', async (_name, eof) => {
    const srv = eof ? diskless : disk;
    const client = await RawClient.connect(srv.port);
    await client.call('SET', 'before', 'sync');
    const sync = await fullSync(srv.port, eof);
    let acker: NodeJS.Timeout | undefined;
    try {
      const m = /^FULLRESYNC ([0-9a-f]{40}) (\d+)$/.exec(sync.fullresync);
      expect(m).not.toBeNull();
      const startOffset = Number(m![2]);
      expect(sync.preamble.kind).toBe(eof ? 'eof' : 'length');
      if (sync.preamble.kind === 'length') expect(sync.preamble.length).toBe(sync.payload.length);
      expect(sync.payload.subarray(0, 9).toString()).toBe('REDIS0010');
      expect(sync.payload[sync.payload.length - 9]).toBe(0xff);
      expect(sync.payload.includes(Buffer.from('before'))).toBe(true);
      // a diskless master streams only after an ACK that arrives once it has seen the snapshot
      // child exit; a real replica ACKs every second, this one every 50 ms
      const ack = () => sync.socket.write(encodeCommandToBuffer(['REPLCONF', 'ACK', String(startOffset)]));
      ack();
      acker = setInterval(ack, 50);
      await client.call('SET', 'k', 'v'.repeat(300));
      await client.call('DEL', 'k');
      await client.call('SELECT', '3');
      await client.call('INCR', 'n');
      await until(() => sync.commands.some(([argv]) => argv[0] === 'INCR' || argv[0] === 'incr'), 'the INCR');
      // a periodic `ping` may be in flight: retry until both sides agree
      let masterOffset = 0;
      let total = -1;
      for (let i = 0; i < 40 && total !== masterOffset - startOffset; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 50));
        const info = String(await client.call('INFO', 'replication'));
        masterOffset = Number(/master_repl_offset:(\d+)/.exec(info)![1]);
        total = sync.commands.reduce((a, [, b]) => a + b, 0);
      }
      expect(total).toBe(masterOffset - startOffset);
      const names = sync.commands.map(([argv]) => argv[0].toUpperCase()).filter((n) => n !== 'PING');
      expect(names).toEqual(['SELECT', 'SET', 'DEL', 'SELECT', 'INCR']);
      const set = sync.commands.find(([argv]) => argv[0] === 'SET')!;
      expect(set[0]).toEqual(['SET', 'k', 'v'.repeat(300)]);
    } finally {
      clearInterval(acker);
      sync.socket.destroy();
      await client.close();
    }
  });
});
