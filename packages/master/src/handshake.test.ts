import { createKeyspace, type Keyspace } from '@replikit/keyspace';
import { RdbKeyspaceLoader } from '@replikit/keyspace-rdb';
import { createMaster, type ReplicationNode } from './index';
import type { MasterOptions } from './options';
import { ScriptedReplica, resp, until } from './test-kit';

let keyspace: Keyspace;
let node: ReplicationNode;
const replicas: ScriptedReplica[] = [];

function setup(options: MasterOptions = {}): void {
  keyspace = createKeyspace();
  // every sync here is diskless (capa eof), so nothing is written to `dir`
  node = createMaster({ keyspace }, { replDisklessSyncDelay: 0, dir: '/nonexistent', ...options });
}

function connect(): ScriptedReplica {
  const r = new ScriptedReplica(node);
  replicas.push(r);
  return r;
}

afterEach(() => {
  for (const r of replicas.splice(0)) r.close();
  node.close();
  keyspace.close();
});

describe('handshake replies', () => {
  beforeEach(() => setup());

  test('PING, REPLCONF options and their errors, as Redis answers them', async () => {
    const r = connect();
    expect(await r.call('PING')).toBe('+PONG');
    expect(await r.call('ping', 'hello')).toBe('hello');
    expect(await r.call('PING', 'a', 'b')).toBe("-ERR wrong number of arguments for 'ping' command");
    expect(await r.call('REPLCONF')).toBe('+OK');
    expect(await r.call('REPLCONF', 'listening-port', '6380')).toBe('+OK');
    expect(await r.call('REPLCONF', 'listening-port')).toBe('-ERR syntax error');
    expect(await r.call('REPLCONF', 'listening-port', '63x')).toBe('-ERR value is not an integer or out of range');
    expect(await r.call('REPLCONF', 'capa', 'eof', 'capa', 'psync2', 'capa', 'future')).toBe('+OK');
    expect(await r.call('REPLCONF', 'ip-address', '10.0.0.7')).toBe('+OK');
    expect(await r.call('REPLCONF', 'ip-address', 'x'.repeat(256))).toBe(
      '-ERR REPLCONF ip-address provided by replica instance is too long: 256 bytes',
    );
    expect(await r.call('REPLCONF', 'rdb-only', '2')).toBe('-ERR value is out of range, value must between 0 and 1');
    expect(await r.call('REPLCONF', 'Bogus', '1')).toBe('-ERR Unrecognized REPLCONF option: Bogus');
    // ACK and GETACK before PSYNC get no reply: the next reply is PING's
    r.send('REPLCONF', 'ACK', '10');
    r.send('REPLCONF', 'GETACK', '*');
    expect(await r.call('PING')).toBe('+PONG');
    expect(await r.call('FOO', 'a', 'b')).toBe("-ERR unknown command 'FOO', with args beginning with: 'a' 'b' ");
  });

  test('PSYNC and SYNC argument errors', async () => {
    const r = connect();
    expect(await r.call('PSYNC', '?')).toBe("-ERR wrong number of arguments for 'psync' command");
    expect(await r.call('SYNC', 'x')).toBe("-ERR wrong number of arguments for 'sync' command");
    expect(await r.call('PSYNC', '?', 'abc')).toBe('-ERR value is not an integer or out of range');
    expect(await r.call('PSYNC', node.replid, '1', 'FAILOVER')).toBe("-ERR PSYNC FAILOVER can't be sent to a master.");
    expect(node.counters).toEqual({ syncFull: 0, syncPartialOk: 0, syncPartialErr: 0 });
  });

  test('PSYNC pipelined behind another command meets pending output', async () => {
    const r = connect();
    r.sendRaw(Buffer.concat([Buffer.from('*3\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$6\r\npsync2\r\n'), Buffer.from('*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n')]));
    expect(await r.line()).toBe('+OK');
    expect(await r.line()).toBe('-ERR SYNC and PSYNC are invalid with pending output');
    expect(node.replicas()).toEqual([]);
  });

  test('with capa pipelined-psync, a PSYNC in the same read runs after the earlier replies are written', async () => {
    keyspace.execute(['SET', 'k', 'v'], { db: 0 });
    const r = connect();
    r.sendRaw(Buffer.concat([resp(['PING']), resp(['REPLCONF', 'capa', 'eof', 'capa', 'psync2', 'capa', 'pipelined-psync']), resp(['PSYNC', '?', '-1'])]));
    expect(await r.line()).toBe('+PONG');
    expect(await r.line()).toBe('+OK');
    expect(await r.line()).toMatch(/^\+FULLRESYNC [0-9a-f]{40} \d+$/);
    r.startStream(true);
    await until(() => r.payloadDone, 'the payload');
    expect(node.counters.syncFull).toBe(1);
    // the same pipeline without the capability is still refused (protocol.md §10 item 4)
    const plain = connect();
    plain.sendRaw(Buffer.concat([resp(['PING']), resp(['REPLCONF', 'capa', 'eof', 'capa', 'psync2']), resp(['PSYNC', '?', '-1'])]));
    expect([await plain.line(), await plain.line(), await plain.line()]).toEqual(['+PONG', '+OK', '-ERR SYNC and PSYNC are invalid with pending output']);
    expect(node.counters.syncFull).toBe(1);
  });

  test('a replica whose master link is down answers NOMASTERLINK', async () => {
    node.becomeReplica();
    const r = connect();
    expect(await r.call('PSYNC', '?', '-1')).toBe("-NOMASTERLINK Can't SYNC while not connected with my master");
    expect(await r.call('SYNC')).toBe("-NOMASTERLINK Can't SYNC while not connected with my master");
    expect(await r.call('PSYNC', node.replid, '1', 'FAILOVER')).toBe('-ERR PSYNC FAILOVER replid must match my replid.');
  });

  test('REPLCONF rdb-filter-only', async () => {
    const r = connect();
    expect(await r.call('REPLCONF', 'rdb-filter-only', 'functions KEYS')).toBe('-ERR Unsupported rdb-filter-only option: KEYS');
    expect(await r.call('REPLCONF', 'rdb-filter-only', '"open')).toBe('-ERR Missing rdb-filter-only values');
    expect(await r.call('REPLCONF', 'rdb-filter-only', '')).toBe('+OK');
    expect(await r.call('SYNC')).toBe('-ERR Filtered replica requires EOF capability');
    expect(await r.call('REPLCONF', 'rdb-filter-only', 'functions', 'capa', 'eof', 'rdb-only', '1')).toBe('+OK');
    keyspace.execute(['SET', 'k', 'v'], { db: 0 });
    r.send('SYNC');
    r.startStream(true);
    await until(() => r.payloadDone, 'the payload');
    const target = createKeyspace();
    const loader = new RdbKeyspaceLoader(target);
    loader.write(r.rdb());
    expect(loader.end().keysLoaded).toBe(0);
    target.close();
    await until(() => r.closed, 'the close after an rdb-only transfer');
  });

  test('close() closes the connections it serves', async () => {
    const r = connect();
    expect(await r.call('PING')).toBe('+PONG');
    node.close();
    expect(node.state).toBe('closed');
    await until(() => r.closed, 'the close');
  });

  test('a protocol error is answered and the connection closed', async () => {
    const r = connect();
    r.sendRaw('*1\r\n$x\r\n');
    expect(await r.line()).toBe("-ERR Protocol error: invalid bulk length");
    await until(() => r.closed, 'the close');
  });

  test('a command that answers on a replica link closes the link', async () => {
    const r = connect();
    expect(await r.call('REPLCONF', 'capa', 'eof')).toBe('+OK');
    r.send('PSYNC', '?', '-1');
    expect(await r.line()).toMatch(/^\+FULLRESYNC [0-9a-f]{40} 0$/);
    expect(node.replicas()).toHaveLength(1);
    r.send('PING');
    await until(() => r.closed, 'the close');
    await until(() => node.replicas().length === 0, 'the replica to go');
  });
});

describe('AUTH', () => {
  test('requirepass: NOAUTH before, WRONGPASS on a bad password, then OK', async () => {
    setup({ requirepass: 'sekret' });
    const r = connect();
    expect(await r.call('PING')).toBe('-NOAUTH Authentication required.');
    expect(await r.call('REPLCONF', 'capa', 'eof')).toBe('-NOAUTH Authentication required.');
    expect(await r.call('PSYNC', '?', '-1')).toBe('-NOAUTH Authentication required.');
    expect(await r.call('AUTH', 'nope')).toBe('-WRONGPASS invalid username-password pair or user is disabled.');
    expect(await r.call('AUTH', 'default', 'nope')).toBe('-WRONGPASS invalid username-password pair or user is disabled.');
    expect(await r.call('AUTH', 'a', 'b', 'c')).toBe('-ERR syntax error');
    expect(await r.call('AUTH', 'sekret')).toBe('+OK');
    expect(await r.call('PING')).toBe('+PONG');
  });

  test('a users callback decides AUTH <user> <password>', async () => {
    setup({ checkUser: (u, p) => u === 'repl' && p === 'pw' });
    const r = connect();
    expect(await r.call('PING')).toBe('-NOAUTH Authentication required.');
    expect(await r.call('AUTH', 'pw')).toBe('-WRONGPASS invalid username-password pair or user is disabled.');
    expect(await r.call('AUTH', 'repl', 'pw')).toBe('+OK');
    expect(await r.call('REPLCONF', 'listening-port', '1')).toBe('+OK');
  });

  test('AUTH without a configured password', async () => {
    setup();
    const r = connect();
    expect(await r.call('AUTH', 'x')).toBe(
      '-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
    );
  });
});
