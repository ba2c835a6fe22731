/**
 * Socket-level differential: the same command sessions go to a real redis-server 7.0 and to
 * replikit-server over raw TCP; every reply must be byte-identical after normalising what is
 * per-server by nature (client ids, addresses, times).
 */
import { hasRedis, startRedisServer, type RedisServerHandle } from '@replikit/test-utils';
import { ByteClient, encodeArgv, scenariosVsRedis, startReplikit, type Started } from './helpers';

const describeRedis = hasRedis() ? describe : describe.skip;

type Step = string[] | { raw: string } | { sleep: number };

function normalise(reply: string): string {
  return reply
    .replace(/\$2\r\nid\r\n:\d+/g, '$2\r\nid\r\n:ID')
    .replace(/^:\d{1,6}\r\n$/, (m) => m);
}

async function runSession(port: number, steps: readonly Step[]): Promise<string[]> {
  const c = await ByteClient.connect(port);
  const out: string[] = [];
  try {
    for (const s of steps) {
      if ('sleep' in s) {
        await new Promise((r) => setTimeout(r, s.sleep));
        continue;
      }
      c.write('raw' in s ? s.raw : encodeArgv(s));
      const r = await c.reply(700).catch((e: Error) => `TIMEOUT ${e.message}`);
      out.push(`${'raw' in s ? JSON.stringify(s.raw) : s.join(' ')} => ${JSON.stringify(normalise(r))}`);
      if (r === 'CLOSED' || r.startsWith('PARTIAL')) break;
    }
    if (!c.closed) out.push(`closed after: ${await c.waitClosed(200)}`);
  } finally {
    c.close();
  }
  return out;
}

const w = (s: string) => s.split(' ');
const long = 'x'.repeat(150);

const SESSIONS: Record<string, Step[]> = {
  'unknown commands and arity': [
    w('foo'),
    w('foo a b c'),
    ['foo', long, 'b'],
    [long],
    ['foo', 'a\r\nb'],
    w('get'),
    w('get a b'),
    w('ping a b'),
    w('echo'),
    w('client'),
    w('client foo'),
    w('client setname'),
    w('command foo'),
    w('pubsub'),
    w('pubsub foo'),
    w('CLIENT SETNAME'),
    w('Client FOO bar'),
  ],
  'ping echo select time': [
    w('ping'),
    w('ping hello'),
    w('PING'),
    w('echo hi'),
    ['echo', ''],
    w('select 0'),
    w('select 15'),
    w('select 16'),
    w('select -1'),
    w('select abc'),
    w('select 01'),
    w('select 1.5'),
    w('select 99999999999'),
    w('select 0'),
    w('dbsize'),
  ],
  hello: [
    w('hello 4'),
    w('hello 1'),
    w('hello x'),
    w('hello 2 auth'),
    w('hello 2 auth a'),
    w('hello 2 foo'),
    w('hello 3 setname a\nb'),
    w('hello 2 setname myname'),
    w('client getname'),
    w('hello 3'),
    w('ping'),
    w('echo x'),
    w('hello 2'),
    w('hello'),
    w('hello 2 auth default anything'),
    w('hello 2 auth nobody x'),
  ],
  'auth without password': [w('auth x'), w('auth a b c'), w('auth default x'), w('auth nobody x'), w('auth')],
  'multi errors': [
    w('exec x'),
    w('exec'),
    w('discard'),
    w('multi'),
    w('multi'),
    w('watch x'),
    w('ping'),
    w('echo a'),
    w('foo'),
    w('exec'),
    w('multi'),
    w('get'),
    w('ping'),
    w('exec'),
    w('multi'),
    w('ping'),
    w('discard'),
    w('exec'),
    w('watch'),
    w('watch a b'),
    w('unwatch'),
    w('multi'),
    w('ping'),
    w('echo x'),
    w('select 1'),
    w('time x'),
    w('exec'),
    w('multi'),
    w('exec x'),
    w('exec'),
    w('dbsize'),
    w('select 0'),
  ],
  'MULTI edge cases': [
    w('multi'),
    w('watch x'),
    w('multi'),
    w('ping'),
    w('exec'),
    w('multi'),
    w('reset'),
    w('exec'),
    w('multi'),
    w('client id x'),
    w('exec'),
    w('multi'),
    w('subscribe ch'),
    w('exec'),
    w('unsubscribe'),
    w('multi'),
    w('hello 3'),
    w('exec'),
    w('multi'),
    w('quit'),
  ],
  'pubsub resp2': [
    w('subscribe a b'),
    w('ping'),
    w('ping x'),
    w('get a'),
    w('client id'),
    w('pubsub numsub a'),
    w('psubscribe p* q?'),
    w('unsubscribe a'),
    w('punsubscribe'),
    w('unsubscribe'),
    w('unsubscribe'),
    w('punsubscribe'),
    w('publish a hello'),
    w('pubsub numsub a b c'),
    w('pubsub numpat'),
    w('pubsub channels'),
    w('pubsub channels a*'),
    w('pubsub channels a b'),
    w('pubsub foo'),
    w('pubsub shardnumsub a'),
    w('pubsub shardchannels'),
    w('ssubscribe s1'),
    w('get a'),
    w('sunsubscribe'),
    w('spublish s1 x'),
  ],
  'pubsub resp3': [w('hello 3'), w('subscribe a'), w('ping'), w('ping x'), w('echo y'), w('publish a m'), w('unsubscribe'), w('reset'), w('ping')],
  client: [
    w('client setname a\tb'),
    w('client setname abc'),
    w('client getname'),
    ['client', 'setname', ''],
    w('client getname'),
    w('client kill 1.2.3.4:5'),
    w('client kill id 99999'),
    w('client kill id abc'),
    w('client kill id 0'),
    w('client kill type foo'),
    w('client kill type pubsub'),
    w('client kill user nobody'),
    w('client kill user default skipme maybe'),
    w('client kill foo bar'),
    w('client kill addr'),
    w('client reply foo'),
    w('client no-evict maybe'),
    w('client no-evict on'),
    w('client unblock 99999'),
    w('client unblock abc'),
    w('client unblock 1 foo'),
    w('client list type foo'),
    w('client list id abc'),
    w('client list id 0'),
    w('client list foo'),
    w('client list id 99999'),
    w('client reply skip'),
    w('echo skipped'),
    w('echo shown'),
    w('client reply off'),
    w('echo hidden'),
    w('client reply on'),
    w('echo back'),
  ],
  'blocking argument errors': [
    w('blpop a -1'),
    w('blpop a x'),
    w('blpop a inf'),
    w('blpop a 1e300'),
    ['blpop', 'a', ' 1'],
    w('blpop a 0.05'),
    w('brpop a b 0.05'),
    w('brpoplpush a b 0.05'),
    w('blmove a b LEFT RIGHT 0.05'),
    w('blmove a b UP RIGHT 0.05'),
    w('blmove a b left x abc'),
    w('bzpopmin z 0.05'),
    w('bzpopmax z x'),
    w('multi'),
    w('blpop a 0'),
    w('brpoplpush a b 0'),
    w('exec'),
    w('hello 3'),
    w('blpop a 0.05'),
    w('brpoplpush a b 0.01'),
  ],
  'role and command': [
    w('role'),
    w('command getkeys get a'),
    w('command getkeys ping'),
    w('command getkeys foo a'),
    w('command getkeys get'),
    w('command info ping echo select client|id nosuch'),
    w('command info subscribe publish'),
    w('command list filterby pattern ping*'),
    w('command getkeys blpop a b 0'),
  ],
  'protocol error: bad bulk length': [w('ping'), { raw: '*1\r\n$abc\r\n' }],
  'protocol error: expected $': [{ raw: '*2\r\n$4\r\nECHO\r\n+x\r\n' }],
  'protocol error: unbalanced quotes': [{ raw: 'PING\r\n' }, { raw: 'ECHO "abc\r\n' }],
  'protocol error: multibulk length': [{ raw: '*abc\r\n' }],
  'inline commands': [{ raw: 'PING\r\n' }, { raw: 'ECHO "a b\\x41"\r\n' }, { raw: "ECHO 'c d'\n" }, { raw: '\r\nPING\r\n' }],
  quit: [w('ping'), w('quit')],
};

const AUTH_SESSIONS: Record<string, Step[]> = {
  'NOAUTH, AUTH, HELLO AUTH': [
    w('get a'),
    w('ping'),
    w('hello 3'),
    w('hello 2 auth default wrong'),
    w('hello 2 auth nobody pw'),
    w('auth wrong'),
    w('auth default wrong'),
    w('auth a b c'),
    w('multi'),
    w('get a'),
    w('exec'),
    w('quit'),
  ],
  'HELLO AUTH then commands': [w('hello 3 auth default pw setname me'), w('client getname'), w('get a'), w('reset'), w('get a'), w('auth pw'), w('get a')],
  'AUTH user from the user directive': [w('auth repl rp'), w('client info'), w('auth repl bad'), w('auth off x')],
  'unauthenticated multibulk limit': [{ raw: `*11\r\n${'$1\r\na\r\n'.repeat(11)}` }],
  'unauthenticated bulk limit': [{ raw: '*2\r\n$4\r\nAUTH\r\n$20000\r\n' }],
};

describeRedis('socket differential with requirepass and users vs redis-server 7.0', () => {
  let redis: RedisServerHandle;
  let ours: Started;
  beforeAll(async () => {
    [redis, ours] = await Promise.all([
      startRedisServer({ config: { requirepass: 'pw' } }),
      startReplikit({ requirepass: 'pw', users: [{ name: 'repl', passwords: ['rp'] }, { name: 'off', enabled: false, passwords: ['x'] }] }),
    ]);
    const admin = await ByteClient.connect(redis.port);
    await admin.call('AUTH', 'pw');
    await admin.call('ACL', 'SETUSER', 'repl', 'on', '>rp', '~*', '&*', '+@all');
    await admin.call('ACL', 'SETUSER', 'off', 'off', '>x');
    admin.close();
  });
  afterAll(async () => {
    await Promise.all([redis?.stop(), ours?.close()]);
  });

  for (const [name, steps] of Object.entries(AUTH_SESSIONS)) {
    it(name, async () => {
      const [expected, actual] = await Promise.all([runSession(redis.port, steps), runSession(ours.port, steps)]);
      const clean = (l: string) => l.replace(/\$\d+\\r\\nid=\d+ addr=\S+ laddr=\S+ fd=\d+ .* user=/, '$N id=N ... user=');
      expect(actual.map(clean)).toEqual(expected.map(clean));
    });
  }
});

scenariosVsRedis('socket differential: server commands vs redis-server 7.0', SESSIONS, { run: runSession });
