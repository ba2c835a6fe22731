/**
 * The seams the replication wave plugs into: ReplicationState drives READONLY / MASTERDOWN /
 * NOREPLICAS / LOADING and ROLE (compared byte for byte with a real link-down replica), the
 * PropagationSink sees every write, and registerCommand slots new commands in.
 */
import { ErrorReply, OK } from '@replikit/resp';
import type { PropagatedCommand } from '@replikit/keyspace';
import { NO_REPLY, type ReplicationState, type ServerClient, spec } from '@replikit/server';
import { getFreePort, hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { ByteClient, encodeArgv, startReplikit, type Started } from './helpers';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function mutableState(init: Partial<ReplicationState> = {}): Mutable<ReplicationState> {
  return {
    role: 'master',
    masterLinkUp: false,
    goodReplicas: 0,
    loading: false,
    replicationOffset: 0,
    onlineReplicas: () => [],
    ...init,
  };
}

async function session(port: number, cmds: string[][]): Promise<string[]> {
  const c = await ByteClient.connect(port);
  const out: string[] = [];
  for (const argv of cmds) {
    c.write(encodeArgv(argv));
    out.push(`${argv.join(' ')} => ${JSON.stringify(await c.reply())}`);
  }
  c.close();
  return out;
}

const w = (s: string) => s.split(' ');
const describeRedis = hasRedis() ? describe : describe.skip;

describeRedis('replica checks match a real link-down replica', () => {
  let redis: RedisServerHandle;
  let ours: Started;
  beforeAll(async () => {
    const deadPort = await getFreePort();
    redis = await startRedisServer({ config: { replicaof: `127.0.0.1 ${deadPort}` } });
    ours = await startReplikit();
    ours.server.setReplicationState(
      mutableState({ role: 'replica', master: { host: '127.0.0.1', port: deadPort, linkState: 'connect', offset: -1 } }),
    );
  });
  afterAll(async () => {
    await Promise.all([redis?.stop(), ours?.close()]);
  });

  const readonly = [w('SET a 1'), w('GET a'), w('MULTI'), w('SET a 1'), w('EXEC'), w('HELLO 2'), w('ROLE'), w('DEL a'), w('PUBLISH c m')];
  const stale = [w('GET a'), w('PING'), w('ROLE'), w('ECHO x'), w('MULTI'), w('GET a'), w('EXEC'), w('MULTI'), w('ECHO a'), w('EXEC'), w('SUBSCRIBE x'), w('GET a')];

  it('READONLY (replica-read-only yes), ROLE replica form, HELLO role', async () => {
    const expected = await session(redis.port, readonly);
    const actual = (await session(ours.port, readonly)).map((l) => l.replace(/id\\r\\n:\d+/, 'id\\r\\n:N'));
    expect(actual).toEqual(expected.map((l) => l.replace(/id\\r\\n:\d+/, 'id\\r\\n:N')));
  });

  it('MASTERDOWN (replica-serve-stale-data no) spares stale-ok commands', async () => {
    const admin = await ByteClient.connect(redis.port);
    expect(await admin.call('CONFIG', 'SET', 'replica-serve-stale-data', 'no')).toBe('+OK\r\n');
    admin.close();
    ours.server.options.replicaServeStaleData = false;
    expect(await session(ours.port, stale)).toEqual(await session(redis.port, stale));
    ours.server.options.replicaServeStaleData = true;
  });
});

describe('master-side checks and propagation', () => {
  let srv: Started;
  const state = mutableState();
  const seen: Array<{ writes: readonly PropagatedCommand[]; origin: ServerClient | undefined }> = [];
  beforeAll(async () => {
    srv = await startReplikit({ minReplicasToWrite: 1 });
    srv.server.setReplicationState(state);
    srv.server.setPropagationSink({ propagate: (writes, origin) => seen.push({ writes, origin }) });
  });
  afterAll(async () => {
    await srv.close();
  });

  it('NOREPLICAS with too few good replicas; writes pass once there are enough', async () => {
    const c = await ByteClient.connect(srv.port);
    expect(await c.call('SET', 'k', 'v')).toBe('-NOREPLICAS Not enough good replicas to write.\r\n');
    expect(await c.call('GET', 'k')).toBe('$-1\r\n');
    state.goodReplicas = 1;
    expect(await c.call('SET', 'k', 'v')).toBe('+OK\r\n');
    c.close();
  });

  it('LOADING refuses commands without the loading flag', async () => {
    const c = await ByteClient.connect(srv.port);
    state.loading = true;
    expect(await c.call('GET', 'k')).toBe('-LOADING Redis is loading the dataset in memory\r\n');
    expect(await c.call('PING')).toBe('-LOADING Redis is loading the dataset in memory\r\n');
    expect(await c.call('ECHO', 'x')).toBe('$1\r\nx\r\n');
    state.loading = false;
    c.close();
  });

  it('the sink gets each write; a transaction with several writes comes wrapped in MULTI/EXEC', async () => {
    state.goodReplicas = 1;
    seen.length = 0;
    const c = await ByteClient.connect(srv.port);
    await c.call('SET', 'p1', 'a');
    await c.call('GET', 'p1');
    await c.call('SELECT', '2');
    await c.call('MULTI');
    await c.call('SET', 'p2', 'b');
    await c.call('SET', 'p3', 'c');
    expect(await c.call('EXEC')).toBe('*2\r\n+OK\r\n+OK\r\n');
    await c.call('MULTI');
    await c.call('PING');
    await c.call('SET', 'p4', 'd');
    await c.call('PUBLISH', 'x', 'y');
    expect(await c.call('EXEC')).toBe('*3\r\n+PONG\r\n+OK\r\n:0\r\n');
    c.close();
    const flat = seen.map((s) => s.writes.map((x) => `${x.db}:${x.argv.join(' ')}`));
    expect(flat).toEqual([['0:SET p1 a'], ['2:MULTI', '2:SET p2 b', '2:SET p3 c', '2:EXEC'], ['2:SET p4 d']]);
    expect(seen.every((s) => s.origin !== undefined)).toBe(true);
  });

  it('active expiry: each DEL reaches the sink and command:propagate bare, with no origin', async () => {
    state.goodReplicas = 1;
    const c = await ByteClient.connect(srv.port);
    await c.call('SELECT', '3');
    await c.call('SET', 'gone1', 'x', 'PX', '20');
    await c.call('SET', 'gone2', 'x', 'PX', '20');
    await c.call('SET', 'stays', 'x', 'PX', '100000');
    c.close();
    seen.length = 0;
    const events: Array<readonly PropagatedCommand[]> = [];
    const onEvent = (w: readonly PropagatedCommand[], origin: ServerClient | undefined) => {
      if (origin === undefined) events.push(w);
    };
    srv.server.on('command:propagate', onEvent);
    await new Promise((r) => setTimeout(r, 40));
    srv.keyspace.activeExpireCycle(50);
    srv.server.off('command:propagate', onEvent);
    const flat = seen.map((x) => x.writes.map((w) => `${w.db}:${w.argv.join(' ')}`));
    // one DEL per propagation, never wrapped in MULTI/EXEC (propagateNow in Redis)
    expect(flat.sort()).toEqual([['3:DEL gone1'], ['3:DEL gone2']]);
    expect(seen.every((x) => x.origin === undefined)).toBe(true);
    expect(events).toHaveLength(2);
    expect(srv.keyspace.stats.expiredKeys).toBe(2);
  });

  it('active expiry timer: a key with a short PX is deleted and its DEL propagated', async () => {
    state.goodReplicas = 1;
    seen.length = 0;
    srv.keyspace.startActiveExpire();
    try {
      const c = await ByteClient.connect(srv.port);
      await c.call('SET', 'short', 'x', 'PX', '30');
      c.close();
      const deadline = Date.now() + 5000;
      while (!seen.some((x) => x.writes[0]?.argv.join(' ') === 'DEL short') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    } finally {
      srv.keyspace.stopActiveExpire();
    }
    const dels = seen.filter((x) => x.origin === undefined).map((x) => x.writes.map((w) => `${w.db}:${w.argv.join(' ')}`));
    expect(dels).toEqual([['0:DEL short']]);
  });

  it('registerCommand: new commands slot in (a REPLCONF-like no-reply command, a PSYNC-like raw writer), ROLE master form', async () => {
    const acks: string[] = [];
    srv.server.registerCommand(
      spec('replconf', -1, ['admin', 'noscript', 'loading', 'stale', 'allow-busy'], ['@admin', '@slow', '@dangerous'], (_ctx, argv) => {
        if ((argv[1] ?? '').toLowerCase() === 'ack') {
          acks.push(argv[2] as string);
          return NO_REPLY;
        }
        return OK;
      }),
    );
    srv.server.registerCommand(
      spec('psync', -3, ['admin', 'noscript', 'no-async-loading', 'no-multi'], ['@admin', '@slow', '@dangerous'], (ctx) => {
        ctx.client.markReplica();
        ctx.client.writeRaw([Buffer.from('+FULLRESYNC 0000000000000000000000000000000000000000 0\r\n$3\r\nabc')]);
        return NO_REPLY;
      }),
    );
    state.onlineReplicas = () => [{ ip: '127.0.0.1', port: 6380, ackOffset: 861 }];
    state.replicationOffset = 861;
    const c = await ByteClient.connect(srv.port);
    expect(await c.call('REPLCONF', 'listening-port', '6380')).toBe('+OK\r\n');
    c.write(encodeArgv(['REPLCONF', 'ACK', '10']));
    expect(await c.call('ROLE')).toBe('*3\r\n$6\r\nmaster\r\n:861\r\n*1\r\n*3\r\n$9\r\n127.0.0.1\r\n$4\r\n6380\r\n$3\r\n861\r\n');
    expect(acks).toEqual(['10']);
    expect(await c.call('MULTI')).toBe('+OK\r\n');
    expect(await c.call('PSYNC', '?', '-1')).toBe('-ERR Command not allowed inside a transaction\r\n');
    expect(await c.call('DISCARD')).toBe('+OK\r\n');
    c.write(encodeArgv(['PSYNC', '?', '-1']));
    expect(await c.reply()).toBe('+FULLRESYNC 0000000000000000000000000000000000000000 0\r\n');
    const kinds = [...srv.server.clients.all()].map((x) => x.kind);
    expect(kinds).toContain('replica');
    c.close();
    expect(() => srv.server.registerCommand(spec('get', 2, [], [], () => new ErrorReply('ERR x')))).toThrow(/already registered/);
  });
});
