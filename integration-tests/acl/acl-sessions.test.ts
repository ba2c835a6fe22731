/**
 * ACL behaviour across connections, compared with redis-server 7.0: users deleted or narrowed
 * while clients use them, the EXEC re-check, AUTH / HELLO AUTH failures in ACL LOG, CLIENT LIST
 * `user=`, Pub/Sub channel permissions, and the aclfile (ACL SAVE by one server loaded by the
 * other, ACL LOAD errors, startup refusals).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { AclClient, type ConfiguredReplikit, canonicalListLine, commandNames, type Parsed, startConfigured } from './acl-helpers';

const describeRedis = hasRedis() ? describe : describe.skip;

type Session = (port: number) => Promise<Parsed[]>;

/** Runs `session` against both servers and returns [redis, replikit] transcripts. */
async function bothRuns(redisPort: number, ourPort: number, session: Session): Promise<[Parsed[], Parsed[]]> {
  const a = await session(redisPort);
  const b = await session(ourPort);
  return [a, b];
}

async function withClients<T>(port: number, n: number, fn: (c: AclClient[]) => Promise<T>): Promise<T> {
  const cs: AclClient[] = [];
  try {
    for (let i = 0; i < n; i++) cs.push(await AclClient.connect(port));
    return await fn(cs);
  } finally {
    for (const c of cs) c.close();
  }
}

/** The fields of ACL LOG entries that are not times or client details. */
function logFields(log: Parsed): Parsed[] {
  return (log as Parsed[][]).map((e) => [e[1], e[3], e[5], e[7], e[9]]);
}

describeRedis('ACL sessions vs redis-server 7.0', () => {
  let redis: RedisServerHandle;
  let ours: ConfiguredReplikit;
  let known: Set<string>;

  beforeAll(async () => {
    [redis, ours] = await Promise.all([startRedisServer(), startConfigured()]);
    const [a, b] = await Promise.all([AclClient.connect(redis.port), AclClient.connect(ours.port)]);
    const [na, nb] = await Promise.all([commandNames(a), commandNames(b)]);
    known = new Set([...na].filter((n) => nb.has(n)));
    a.close();
    b.close();
  });
  afterAll(async () => {
    await Promise.all([redis?.stop(), ours?.close()]);
  });

  it('DELUSER disconnects the clients of the user; SETUSER of others does not', async () => {
    const [a, b] = await bothRuns(redis.port, ours.port, (port) =>
      withClients(port, 3, async ([admin, u1, u2]) => {
        const out: Parsed[] = [];
        out.push(await admin!.call('ACL', 'SETUSER', 'gone', 'reset', 'on', '>pw', '~*', '+@all'));
        out.push(await admin!.call('ACL', 'SETUSER', 'stays', 'reset', 'on', '>pw', '~*', '+@all'));
        out.push(await u1!.call('AUTH', 'gone', 'pw'), await u2!.call('AUTH', 'stays', 'pw'));
        out.push(await admin!.call('ACL', 'SETUSER', 'stays', '-flushall'));
        out.push(await u2!.call('PING'));
        out.push(await admin!.call('ACL', 'DELUSER', 'gone'));
        out.push(await u1!.raw.waitClosed(2000));
        out.push(await u2!.call('ACL', 'WHOAMI'));
        return out;
      }),
    );
    expect(b).toEqual(a);
  });

  it('a user deleting itself gets its reply, then the connection closes', async () => {
    const [a, b] = await bothRuns(redis.port, ours.port, (port) =>
      withClients(port, 1, async ([c]) => {
        const out: Parsed[] = [];
        out.push(await c!.call('ACL', 'SETUSER', 'self', 'reset', 'on', '>pw', '~*', '+@all'));
        out.push(await c!.call('AUTH', 'self', 'pw'));
        out.push(await c!.call('ACL', 'DELUSER', 'self'));
        out.push(await c!.raw.waitClosed(2000));
        return out;
      }),
    );
    expect(b).toEqual(a);
  });

  it('channel permissions: SUBSCRIBE/PSUBSCRIBE/PUBLISH checked; revoking channels disconnects subscribers', async () => {
    const [a, b] = await bothRuns(redis.port, ours.port, (port) =>
      withClients(port, 4, async ([admin, sub, psub, pub]) => {
        const out: Parsed[] = [];
        out.push(await admin!.call('ACL', 'LOG', 'RESET'));
        out.push(await admin!.call('ACL', 'SETUSER', 'ch', 'reset', 'on', '>pw', '~*', '+@all', '&news.*', '&feed'));
        for (const c of [sub, psub, pub]) out.push(await c!.call('AUTH', 'ch', 'pw'));
        out.push(await sub!.call('SUBSCRIBE', 'other'));
        out.push(await sub!.call('SUBSCRIBE', 'news.a', 'feed'));
        out.push(await sub!.raw.reply().then((r) => r));
        out.push(await psub!.call('PSUBSCRIBE', 'news.*'));
        out.push(await psub!.call('PUNSUBSCRIBE'));
        out.push(await psub!.call('PSUBSCRIBE', 'n*'));
        out.push(await pub!.call('PUBLISH', 'news.a', 'm'));
        out.push(await pub!.call('PUBLISH', 'elsewhere', 'm'));
        out.push(await sub!.raw.reply());
        // adding a channel keeps subscribers; dropping `feed` disconnects the one subscribed to it
        out.push(await admin!.call('ACL', 'SETUSER', 'ch', '&more'));
        out.push(await pub!.call('PING'));
        out.push(await admin!.call('ACL', 'SETUSER', 'ch', 'resetchannels', '&news.*'));
        out.push(await sub!.raw.waitClosed(2000));
        out.push(await pub!.call('PING'));
        out.push(logFields(await admin!.call('ACL', 'LOG')));
        return out;
      }),
    );
    expect(b).toEqual(a);
  });

  it('EXEC re-checks queued commands against the rules of the moment', async () => {
    const [a, b] = await bothRuns(redis.port, ours.port, (port) =>
      withClients(port, 2, async ([admin, c]) => {
        const out: Parsed[] = [];
        out.push(await admin!.call('ACL', 'LOG', 'RESET'));
        out.push(await admin!.call('ACL', 'SETUSER', 'txu', 'reset', 'on', '>pw', '~*', '&*', '+@all'));
        out.push(await c!.call('AUTH', 'txu', 'pw'));
        out.push(await c!.call('MULTI'));
        out.push(await c!.call('SET', 'k:1', 'a'));
        out.push(await c!.call('GET', 'k:1'));
        out.push(await c!.call('PUBLISH', 'chan', 'x'));
        out.push(await admin!.call('ACL', 'SETUSER', 'txu', 'resetkeys', '%R~k:*', '-publish'));
        out.push(await c!.call('EXEC'));
        out.push(logFields(await admin!.call('ACL', 'LOG')));
        return out;
      }),
    );
    expect(b).toEqual(a);
  });

  it('AUTH and HELLO AUTH failures are logged; CLIENT LIST shows the user; WHOAMI', async () => {
    const [a, b] = await bothRuns(redis.port, ours.port, (port) =>
      withClients(port, 2, async ([admin, c]) => {
        const out: Parsed[] = [];
        out.push(await admin!.call('ACL', 'LOG', 'RESET'));
        out.push(await admin!.call('ACL', 'SETUSER', 'who', 'reset', 'on', '>pw', '~*', '+@all'));
        out.push(await c!.call('AUTH', 'who', 'bad'));
        out.push(await c!.call('auth', 'who', 'bad'));
        out.push(await c!.call('HELLO', '2', 'AUTH', 'nobody', 'x'));
        out.push(await c!.call('AUTH', 'who', 'pw'));
        out.push(await c!.call('ACL', 'WHOAMI'));
        const info = (await c!.call('CLIENT', 'INFO')) as string;
        out.push(/ user=(\S+) /.exec(info)?.[1] ?? null);
        out.push(await admin!.call('ACL', 'SETUSER', 'who', 'off'));
        out.push(await c!.call('PING'));
        out.push(await c!.call('AUTH', 'who', 'pw'));
        out.push(logFields(await admin!.call('ACL', 'LOG')));
        out.push(((await admin!.call('ACL', 'LOG', '1')) as Parsed[]).length);
        return out;
      }),
    );
    expect(b).toEqual(a);
  });

  it('commands run by a script are checked for the user running it (context lua)', async () => {
    const [a, b] = await bothRuns(redis.port, ours.port, (port) =>
      withClients(port, 2, async ([admin, c]) => {
        const out: Parsed[] = [];
        out.push(await admin!.call('ACL', 'LOG', 'RESET'));
        out.push(await admin!.call('ACL', 'SETUSER', 'lua', 'reset', 'on', '>pw', '%R~r:*', '~w:*', '&*', '+@all', '-del'));
        out.push(await c!.call('AUTH', 'lua', 'pw'));
        out.push(await c!.call('EVAL', "return redis.call('set', KEYS[1], 'v')", '1', 'w:1'));
        out.push(await c!.call('EVAL', "return redis.call('get', KEYS[1])", '1', 'r:1'));
        out.push(await c!.call('EVAL', "return redis.pcall('set', KEYS[1], 'v')", '1', 'r:1'));
        out.push(await c!.call('EVAL', "return redis.pcall('del', KEYS[1])", '1', 'w:1'));
        out.push(await c!.call('EVAL', "return redis.call('set', KEYS[1], 'v')", '1', 'nope'));
        out.push(await c!.call('EVAL', "return {redis.acl_check_cmd('set', 'w:1', 'v'), redis.acl_check_cmd('set', 'r:1', 'v'), redis.acl_check_cmd('del', 'w:1')}", '0'));
        out.push(logFields(await admin!.call('ACL', 'LOG')));
        return out;
      }),
    );
    expect(b).toEqual(a);
  });

  it('ACL SAVE of each server is loaded by the other (aclfile), with the same users', async () => {
    const rules: string[][] = [
      ['alice', 'on', '>secret', '~cache:*', '%R~ro:*', '&news.*', '-@all', '+@read', '+set', '+select|0'],
      ['bob', 'off', 'nopass', 'allkeys', '+@all', '-@dangerous', '(~x:* +get)'],
      ['default', 'on', '>dpw', '~*', '&*', '+@all', '-debug'],
    ];
    const redisAcl = join(redis.dir, 'users.acl');
    writeFileSync(redisAcl, '');
    const withFile = await startRedisServer({ config: { aclfile: redisAcl } });
    const oursFile = await startConfigured(['--aclfile', join(ours.dir, 'users.acl')]).catch((e: Error) => e);
    // an aclfile that does not exist stops the start, as in Redis
    expect(oursFile).toBeInstanceOf(Error);
    const ourAcl = join(ours.dir, 'ours.acl');
    writeFileSync(ourAcl, '');
    const mine = await startConfigured(['--aclfile', ourAcl]);
    try {
      for (const port of [withFile.port, mine.port]) {
        await withClients(port, 1, async ([c]) => {
          for (const r of rules) expect(await c!.call('ACL', 'SETUSER', ...r)).toBe('OK');
          expect(await c!.call('AUTH', 'dpw')).toBe('OK');
          expect(await c!.call('ACL', 'SAVE')).toBe('OK');
        });
      }
      const savedByRedis = readFileSync(redisAcl, 'latin1');
      const savedByUs = readFileSync(ourAcl, 'latin1');
      const canonical = (text: string) => text.trim().split('\n').map((l) => canonicalListLine(l, known));
      expect(canonical(savedByUs)).toEqual(canonical(savedByRedis));
      // swap the files, ACL LOAD on both: each now runs the other's users
      writeFileSync(redisAcl, savedByUs);
      writeFileSync(ourAcl, savedByRedis);
      const lists: Parsed[][] = [];
      for (const port of [withFile.port, mine.port]) {
        await withClients(port, 2, async ([c, alice]) => {
          expect(await c!.call('AUTH', 'dpw')).toBe('OK');
          expect(await c!.call('ACL', 'LOAD')).toBe('OK');
          expect(await alice!.call('AUTH', 'alice', 'secret')).toBe('OK');
          lists.push([
            ((await c!.call('ACL', 'LIST')) as string[]).map((l) => canonicalListLine(l, known)) as Parsed,
            await alice!.call('SET', 'cache:1', 'v'),
            await alice!.call('SET', 'ro:1', 'v'),
            await alice!.call('GET', 'ro:1'),
            await alice!.call('SELECT', '0'),
            await alice!.call('SELECT', '1'),
          ]);
        });
      }
      expect(lists[1]).toEqual(lists[0]);
      // a broken file: the same errors (file name aside), nothing changed
      const bad = 'user ok on nopass\nnotuser x\nuser bad on +nosuchcommand ~*\nuser bad2 on %X~k\nuser ok off\n';
      writeFileSync(redisAcl, bad);
      writeFileSync(ourAcl, bad);
      const errs: Parsed[] = [];
      for (const [port, file] of [[withFile.port, redisAcl], [mine.port, ourAcl]] as const) {
        await withClients(port, 1, async ([c]) => {
          await c!.call('AUTH', 'dpw');
          const r = (await c!.call('ACL', 'LOAD')) as { err: string };
          errs.push(r.err.split(file).join('FILE'));
          errs.push(((await c!.call('ACL', 'USERS')) as Parsed[]).length);
        });
      }
      expect(errs[2]).toEqual(errs[0]);
      expect(errs[3]).toEqual(errs[1]);
    } finally {
      await Promise.all([withFile.stop(), mine.close()]);
    }
  });

  it('acl-pubsub-default allchannels: new users and reset get &*; CONFIG SET changes it; acllog-max-len trims the log', async () => {
    const r = await startRedisServer({ config: { 'acl-pubsub-default': 'allchannels', 'acllog-max-len': 2 } });
    const o = await startConfigured(['--acl-pubsub-default', 'allchannels', '--acllog-max-len', '2']);
    try {
      const [a, b] = await bothRuns(r.port, o.port, (port) =>
        withClients(port, 2, async ([admin, c]) => {
          const out: Parsed[] = [];
          // CONFIG GET with a pattern answers in the config dict's order: compared as pairs
          const cfg = (await admin!.call('CONFIG', 'GET', 'acl*')) as string[];
          out.push(cfg.flatMap((v, i) => (i % 2 === 0 ? [`${v}=${cfg[i + 1]}`] : [])).sort());
          out.push(await admin!.call('ACL', 'SETUSER', 'p1', 'on', 'nopass', '+@all', '(+get ~x)'));
          out.push(await admin!.call('ACL', 'SETUSER', 'p2', 'reset'));
          out.push(await admin!.call('CONFIG', 'SET', 'acl-pubsub-default', 'resetchannels'));
          out.push(await admin!.call('ACL', 'SETUSER', 'p3', 'on'));
          out.push(((await admin!.call('ACL', 'LIST')) as string[]).filter((l) => / p\d /.test(l)));
          out.push(await c!.call('AUTH', 'p3', 'x'));
          for (const k of ['a', 'b', 'c']) out.push(await c!.call('GET', k));
          out.push(logFields(await admin!.call('ACL', 'LOG')));
          return out;
        }),
      );
      expect(b).toEqual(a);
    } finally {
      await Promise.all([r.stop(), o.close()]);
    }
  });

  it('user directives and an aclfile together are refused at start, like redis-server', async () => {
    await expect(startConfigured(['--aclfile', join(ours.dir, 'x.acl'), '--user', 'a', 'on', 'nopass'])).rejects.toThrow(/ACL file path is invalid/);
  });
});
