/**
 * CLIENT TRACKING against redis-server 7.0, byte for byte: RESP3 `invalidate` pushes after the
 * reply of the write, RESP2 redirection to a `__redis__:invalidate` subscriber, BCAST with
 * prefixes, OPTIN/OPTOUT with CLIENT CACHING, NOLOOP, FLUSHALL's null invalidation, GETREDIR,
 * TRACKINGINFO and the option errors. Client ids differ between servers and are masked.
 */
import { hasRedis } from '@replikit/test-utils';
import { ByteClient } from '../server/helpers';
import { type Target, useTargets } from './kit';

const describeRedis = hasRedis() ? describe : describe.skip;
if (!hasRedis()) {
  if (process.env.REPLIKIT_REQUIRE_REDIS === '1') throw new Error('redis-server is required (REPLIKIT_REQUIRE_REDIS=1)');
  console.warn('SKIPPED: tracking tests need redis-server');
}

const w = (s: string) => s.split(' ');

async function scenario(t: Target): Promise<string[]> {
  const a = await ByteClient.connect(t.port);
  const b = await ByteClient.connect(t.port);
  const r = await ByteClient.connect(t.port);
  const out: string[] = [];
  const say = async (c: ByteClient, cmd: string[]) => out.push(`${cmd.join(' ').replace(/REDIRECT \d+$/, 'REDIRECT <id>')} -> ${(await c.call(...cmd)).replace(/:\d+\r\n/g, (m) => (m === ':-1\r\n' || m === ':0\r\n' ? m : ':<n>\r\n'))}`);
  const more = async (c: ByteClient, label: string) => out.push(`${label} => ${(await c.reply()).replace(/:\d+\r\n/g, ':<n>\r\n')}`);
  const quiet = async (c: ByteClient, label: string) => out.push(`${label} silent=${await c.silentFor(150)}`);
  try {
    await say(a, w('CLIENT TRACKING ON PREFIX x'));
    await say(a, w('CLIENT TRACKING ON BCAST OPTIN'));
    await say(a, w('CLIENT TRACKING ON OPTIN OPTOUT'));
    await say(a, w('CLIENT TRACKING ON REDIRECT 999999'));
    await say(a, w('CLIENT TRACKING maybe'));
    await say(a, w('CLIENT CACHING YES'));
    await say(a, w('CLIENT GETREDIR'));
    await say(a, w('CLIENT TRACKINGINFO'));
    // RESP3 default mode: a read registers the key, another client's write invalidates it once
    await say(a, w('HELLO 3'));
    await say(a, w('CLIENT TRACKING ON'));
    await say(a, w('CLIENT GETREDIR'));
    await say(a, w('SET k1 v'));
    await say(a, w('GET k1'));
    await say(a, w('MGET k2 k3'));
    await say(b, w('SET k1 v2'));
    await more(a, 'push k1');
    await say(b, w('SET k1 v3'));
    await quiet(a, 'k1 not read again');
    await say(b, w('MSET k2 a k3 b'));
    await more(a, 'push k2');
    await more(a, 'push k3');
    // its own write: the push follows the reply
    await say(a, w('GET k1'));
    await say(a, w('SET k1 mine'));
    await more(a, 'own push');
    await say(a, w('CLIENT TRACKING ON BCAST'));
    await say(a, w('CLIENT TRACKING OFF'));
    await say(a, w('CLIENT TRACKINGINFO'));
    // NOLOOP: its own writes are not reported
    await say(a, w('CLIENT TRACKING ON NOLOOP'));
    await say(a, w('GET n1'));
    await say(a, w('SET n1 x'));
    await quiet(a, 'noloop');
    await say(b, w('SET n1 y'));
    await quiet(a, 'n1 forgotten after own write');
    await say(a, w('CLIENT TRACKING OFF'));
    // BCAST with prefixes
    await say(a, w('CLIENT TRACKING ON BCAST PREFIX user: PREFIX userx'));
    await say(a, w('CLIENT TRACKING ON BCAST PREFIX user: PREFIX obj:'));
    await say(a, w('CLIENT TRACKING ON BCAST PREFIX us'));
    await say(a, w('CLIENT TRACKINGINFO'));
    await say(b, w('SET user:1 a'));
    await more(a, 'bcast user:1');
    await say(b, w('SET other b'));
    await quiet(a, 'other prefix');
    await say(a, w('CLIENT TRACKING OFF'));
    // OPTIN: only keys read right after CLIENT CACHING YES
    await say(a, w('CLIENT TRACKING ON OPTIN'));
    await say(a, w('CLIENT CACHING NO'));
    await say(a, w('GET o1'));
    await say(a, w('CLIENT CACHING YES'));
    await say(a, w('CLIENT TRACKINGINFO'));
    await say(a, w('GET o2'));
    await say(b, w('MSET o1 1 o2 2'));
    await more(a, 'optin o2');
    await say(a, w('CLIENT TRACKING OFF'));
    // OPTOUT: everything but keys read after CLIENT CACHING NO
    await say(a, w('CLIENT TRACKING ON OPTOUT'));
    await say(a, w('CLIENT CACHING NO'));
    await say(a, w('GET p1'));
    await say(a, w('GET p2'));
    await say(b, w('MSET p1 1 p2 2'));
    await more(a, 'optout p2');
    // FLUSHALL: a null list for every tracking client
    await say(b, w('FLUSHALL'));
    await more(a, 'flush');
    await say(a, w('CLIENT TRACKING OFF'));
    // RESP2 redirect to a __redis__:invalidate subscriber
    const rid = (await r.call('CLIENT', 'ID')).slice(1, -2);
    await say(r, w('SUBSCRIBE __redis__:invalidate'));
    await say(b, ['CLIENT', 'TRACKING', 'ON', 'REDIRECT', rid]);
    await say(b, w('CLIENT TRACKINGINFO'));
    await say(b, w('GET q1'));
    await say(a, w('SET q1 z'));
    await more(r, 'redirected');
    await say(b, w('RESET'));
    await say(b, w('CLIENT GETREDIR'));
    return out;
  } catch (err) {
    throw new Error(`${t.kind} after:\n${out.slice(-4).join('\n')}\n${(err as Error).message}`);
  } finally {
    a.close();
    b.close();
    r.close();
  }
}

describeRedis('CLIENT TRACKING compared with redis-server 7.0', () => {
  const t = useTargets();

  test('invalidation messages and modes, byte for byte', async () => {
    const expected = await scenario(t.redis);
    const actual = await scenario(t.ours);
    expect(actual).toEqual(expected);
  });
});
