// Handshake pieces without a link: the PSYNC reply reading, the steps as data, and the bytes that
// follow the PSYNC reply in the same chunk (once lost: detach() hands them over only once).
import { ErrorReply, SimpleString } from '@replikit/resp';
import { ReplicaLinkClosedError } from './errors';
import { HANDSHAKE_STEPS, HandshakeReader, type HandshakeConfig, parsePsyncReply, runHandshake } from './handshake';

const ID = 'f'.repeat(40);

describe('parsePsyncReply', () => {
  it('reads +FULLRESYNC, +CONTINUE with and without an id; -LOADING/-NOMASTERLINK are retried; the rest is not understood', () => {
    expect(parsePsyncReply(new SimpleString(`FULLRESYNC ${ID} 1234`))).toEqual({ kind: 'full', replid: ID, offset: 1234 });
    expect(parsePsyncReply(new SimpleString(`CONTINUE ${ID}`))).toEqual({ kind: 'continue', replid: ID });
    expect(parsePsyncReply(new SimpleString('CONTINUE'))).toEqual({ kind: 'continue', replid: undefined });
    expect(() => parsePsyncReply(new ErrorReply('LOADING Redis is loading the dataset in memory'))).toThrow(expect.objectContaining({ code: 'ERR_REPLICA_TRY_LATER' }));
    expect(() => parsePsyncReply(new ErrorReply("NOMASTERLINK Can't SYNC while not connected with my master"))).toThrow(
      expect.objectContaining({ code: 'ERR_REPLICA_TRY_LATER' }),
    );
    expect(parsePsyncReply(new ErrorReply('ERR unknown command'))).toBe('unsupported');
    expect(parsePsyncReply(new SimpleString('FULLRESYNC short 1'))).toBe('unsupported');
  });
});

describe('HANDSHAKE_STEPS', () => {
  const base: HandshakeConfig = { listeningPort: 6380, psync: undefined };
  const commands = (c: HandshakeConfig) => HANDSHAKE_STEPS.filter((s) => s.when === undefined || s.when(c)).map((s) => [s.mode, ...s.command(c)].join(' '));

  it('PING pipelined with the REPLCONFs; AUTH and ip-address only when configured', () => {
    expect(commands(base)).toEqual(['pipelined PING', 'pipelined REPLCONF listening-port 6380', 'pipelined REPLCONF capa eof capa psync2']);
    expect(commands({ ...base, masterauth: 'pw', announceIp: '1.2.3.4' })).toEqual([
      'pipelined PING',
      'pipelined AUTH pw',
      'pipelined REPLCONF listening-port 6380',
      'pipelined REPLCONF ip-address 1.2.3.4',
      'pipelined REPLCONF capa eof capa psync2',
    ]);
  });

  it('PING accepts a status, -NOAUTH, -NOPERM; other errors abort', () => {
    const ping = HANDSHAKE_STEPS[0];
    expect(ping.check(new SimpleString('PONG'), ping)).toBe('ok');
    expect(ping.check(new ErrorReply('NOAUTH Authentication required.'), ping)).toBe('tolerated');
    expect(ping.check(new ErrorReply("NOPERM this user has no permissions to run the 'ping' command"), ping)).toBe('tolerated');
    expect(() => ping.check(new ErrorReply('ERR unknown command'), ping)).toThrow(expect.objectContaining({ code: 'ERR_REPLICA_HANDSHAKE', step: 'ping' }));
  });
});

describe('HandshakeReader', () => {
  it('hands over the bytes that followed the last reply in the same chunk, and those that came after', async () => {
    const reader = new HandshakeReader(() => {});
    reader.lastReply();
    reader.write(Buffer.from(`+CONTINUE ${ID}\r\n*1\r\n$4\r\nping\r\n*1\r\n`));
    expect(await reader.next()).toEqual(new SimpleString(`CONTINUE ${ID}`));
    reader.write(Buffer.from('$4\r\n'));
    expect(reader.takeRest().toString()).toBe('*1\r\n$4\r\nping\r\n*1\r\n$4\r\n');
    reader.write(Buffer.from('ping\r\n'));
    expect(reader.takeRest().toString()).toBe('ping\r\n');
  });

  it('take(n): one promise for n replies; a failure settles it with the replies received before', async () => {
    const reader = new HandshakeReader(() => {});
    const three = reader.take(3);
    reader.write(Buffer.from('+PONG\r\n+OK\r\n'));
    reader.write(Buffer.from('+OK\r\n+EXTRA\r\n'));
    expect(await three).toEqual([new SimpleString('PONG'), new SimpleString('OK'), new SimpleString('OK')]);
    expect(await reader.take(1)).toEqual([new SimpleString('EXTRA')]);
    const two = reader.take(2);
    reader.write(Buffer.from('+PONG\r\n'));
    const lost = new Error('gone');
    reader.fail(lost);
    expect(await two).toEqual([new SimpleString('PONG')]);
    expect(reader.error).toBe(lost);
    expect(await reader.take(1)).toEqual([]);
  });

  it('counts keepalives before a reply and bounds a reply that never ends', async () => {
    let keepalives = 0;
    const reader = new HandshakeReader(() => keepalives++);
    reader.write(Buffer.from('\n\n+FULL'));
    reader.write(Buffer.from(`RESYNC ${ID} 0\r\n`));
    expect(await reader.next()).toEqual(new SimpleString(`FULLRESYNC ${ID} 0`));
    expect(keepalives).toBe(2);
    const pending = reader.next();
    reader.write(Buffer.alloc(70000, 0x2b));
    await expect(pending).rejects.toMatchObject({ code: 'ERR_REPLICA_HANDSHAKE' });
  });
});

describe('runHandshake', () => {
  it('writes the pipelined steps in one write (one segment for the master to read) and PSYNC in a second one', async () => {
    const writes: string[] = [];
    const reader = new HandshakeReader(() => {});
    const done = runHandshake({ write: (d) => writes.push(d.toString('latin1')), reader }, { listeningPort: 6380, masterauth: 'pw', psync: { replid: ID, offset: 42 } });
    expect(writes).toEqual([
      '*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*3\r\n$8\r\nREPLCONF\r\n$14\r\nlistening-port\r\n$4\r\n6380\r\n' +
        '*5\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$3\r\neof\r\n$4\r\ncapa\r\n$6\r\npsync2\r\n',
    ]);
    // every reply in one chunk: PSYNC goes out in the microtasks that follow it (no timer, no
    // setImmediate in between), so within the I/O callback that read the replies
    reader.write(Buffer.from('+PONG\r\n+OK\r\n+OK\r\n+OK\r\n'));
    for (let i = 0; i < 20 && writes.length < 2; i++) await Promise.resolve();
    expect(writes[1]).toBe(`*3\r\n$5\r\nPSYNC\r\n$40\r\n${ID}\r\n$2\r\n42\r\n`);
    reader.write(Buffer.from(`+CONTINUE ${ID}\r\n`));
    await expect(done).resolves.toMatchObject({ outcome: { kind: 'continue', replid: ID } });
    expect(writes).toHaveLength(2);
  });

  describe('pipelinePsync', () => {
    const config: HandshakeConfig = { listeningPort: 6380, masterauth: 'pw', psync: { replid: ID, offset: 42 }, pipelinePsync: true };
    const steps =
      '*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*3\r\n$8\r\nREPLCONF\r\n$14\r\nlistening-port\r\n$4\r\n6380\r\n' +
      '*7\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$3\r\neof\r\n$4\r\ncapa\r\n$6\r\npsync2\r\n$4\r\ncapa\r\n$15\r\npipelined-psync\r\n';
    const psync = `*3\r\n$5\r\nPSYNC\r\n$40\r\n${ID}\r\n$2\r\n42\r\n`;

    it('PSYNC goes in the same write, announced by the capability; the bytes behind +CONTINUE are handed back', async () => {
      const writes: string[] = [];
      const reader = new HandshakeReader(() => {});
      const done = runHandshake({ write: (d) => writes.push(d.toString('latin1')), reader }, config);
      expect(writes).toEqual([steps + psync]);
      reader.write(Buffer.from(`+PONG\r\n+OK\r\n+OK\r\n+OK\r\n+CONTINUE ${ID}\r\n*1\r\n$4\r\nPING\r\n`));
      const r = await done;
      expect(r).toMatchObject({ outcome: { kind: 'continue', replid: ID }, pipelineRefused: false });
      expect(r.rest.toString('latin1')).toBe('*1\r\n$4\r\nPING\r\n');
      expect(writes).toHaveLength(1);
    });

    it('a master that refuses it (pending output, as Redis 7.0) gets PSYNC again alone; the result says so', async () => {
      const writes: string[] = [];
      const reader = new HandshakeReader(() => {});
      const done = runHandshake({ write: (d) => writes.push(d.toString('latin1')), reader }, config);
      reader.write(Buffer.from('+PONG\r\n+OK\r\n+OK\r\n+OK\r\n-ERR SYNC and PSYNC are invalid with pending output\r\n'));
      for (let i = 0; i < 20 && writes.length < 2; i++) await Promise.resolve();
      expect(writes).toEqual([steps + psync, psync]);
      reader.write(Buffer.from(`+FULLRESYNC ${ID} 7\r\n$EOF:`));
      const r = await done;
      expect(r).toMatchObject({ outcome: { kind: 'full', replid: ID, offset: 7 }, pipelineRefused: true });
      expect(r.rest.toString('latin1')).toBe('$EOF:');
    });

    it('an AUTH error fails the attempt even though the master answered the PSYNC behind it', async () => {
      const reader = new HandshakeReader(() => {});
      const done = runHandshake({ write: () => {}, reader }, config);
      reader.write(Buffer.from(`+PONG\r\n-WRONGPASS invalid username-password pair or user is disabled.\r\n+OK\r\n+OK\r\n+FULLRESYNC ${ID} 0\r\n$EOF:`));
      await expect(done).rejects.toMatchObject({ code: 'ERR_REPLICA_HANDSHAKE', message: expect.stringContaining('WRONGPASS') });
    });

    it('a link lost after some replies fails with the link error, the replies that came checked first', async () => {
      const reader = new HandshakeReader(() => {});
      const done = runHandshake({ write: () => {}, reader }, config);
      reader.write(Buffer.from('+PONG\r\n+OK\r\n'));
      reader.fail(new ReplicaLinkClosedError('connection closed'));
      await expect(done).rejects.toMatchObject({ code: 'ERR_REPLICA_LINK_CLOSED' });
      const refused = new HandshakeReader(() => {});
      const failed = runHandshake({ write: () => {}, reader: refused }, config);
      refused.write(Buffer.from('+PONG\r\n-WRONGPASS invalid username-password pair or user is disabled.\r\n'));
      refused.fail(new ReplicaLinkClosedError('connection closed'));
      await expect(failed).rejects.toMatchObject({ code: 'ERR_REPLICA_HANDSHAKE', step: 'auth' });
    });

    it('without the option the capability is not announced', () => {
      const writes: string[] = [];
      void runHandshake({ write: (d) => writes.push(d.toString('latin1')), reader: new HandshakeReader(() => {}) }, { ...config, pipelinePsync: false }).catch(() => {});
      expect(writes).toEqual([steps.replace('*7\r\n', '*5\r\n').replace('$4\r\ncapa\r\n$15\r\npipelined-psync\r\n', '')]);
    });
  });
});
