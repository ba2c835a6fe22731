/** ioredis and node-redis drive replikit-server unchanged: pipelines, MULTI/WATCH, Pub/Sub, RESP3, AUTH. */
import Redis from 'ioredis';
import { createClient } from 'redis';
import { startReplikit, type Started } from './helpers';

let srv: Started;
beforeAll(async () => {
  srv = await startReplikit();
});
afterAll(async () => {
  await srv.close();
});

function ioredis(extra: Record<string, unknown> = {}): Redis {
  return new Redis({ port: srv.port, host: '127.0.0.1', maxRetriesPerRequest: 0, lazyConnect: false, ...extra });
}

describe('ioredis', () => {
  it('default options (the ready check sends INFO) work against a plain createServer', async () => {
    const r = new Redis({ port: srv.port, host: '127.0.0.1' });
    const errors: Error[] = [];
    r.on('error', (e: Error) => errors.push(e));
    try {
      await new Promise<void>((resolve, reject) => {
        r.once('ready', () => resolve());
        setTimeout(() => reject(new Error(`not ready: ${errors.map((e) => e.message).join('; ')}`)), 3000);
      });
      expect(await r.set('io:ready', '1')).toBe('OK');
      const info = await r.info();
      expect(info).toMatch(/^# Server\r\nredis_version:7\.0\.15\r\n/);
      expect(info).toContain('\r\nloading:0\r\n');
      expect(info).toContain('\r\nrole:master\r\n');
      expect(info).toMatch(/\r\ndb0:keys=\d+,expires=0,avg_ttl=0\r\n/);
      expect(await r.info('keyspace')).toMatch(/^# Keyspace\r\ndb0:keys=/);
      expect(errors).toEqual([]);
    } finally {
      r.disconnect();
    }
  });

  it('runs commands and a 1000-command pipeline in order', async () => {
    const r = ioredis();
    try {
      expect(await r.ping()).toBe('PONG');
      expect(await r.set('io:a', 'hello')).toBe('OK');
      expect(await r.get('io:a')).toBe('hello');
      const p = r.pipeline();
      for (let i = 0; i < 1000; i++) p.set(`io:k${i}`, String(i));
      for (let i = 0; i < 1000; i++) p.get(`io:k${i}`);
      const res = await p.exec();
      expect(res).toHaveLength(2000);
      expect(res?.slice(1000).map(([, v]) => v)).toEqual(Array.from({ length: 1000 }, (_, i) => String(i)));
      await expect(r.call('nosuchcmd', 'x')).rejects.toThrow("ERR unknown command 'nosuchcmd', with args beginning with: 'x' ");
    } finally {
      r.disconnect();
    }
  });

  it('MULTI/EXEC and WATCH: a concurrent write aborts the transaction', async () => {
    const a = ioredis();
    const b = ioredis();
    try {
      await a.set('io:w', '1');
      expect(await a.multi().set('io:w', '2').get('io:w').exec()).toEqual([
        [null, 'OK'],
        [null, '2'],
      ]);
      await a.watch('io:w');
      await b.set('io:w', 'other');
      expect(await a.multi().set('io:w', 'mine').exec()).toBeNull();
      expect(await a.get('io:w')).toBe('other');
      await a.watch('io:w');
      expect(await a.multi().set('io:w', 'mine').exec()).toEqual([[null, 'OK']]);
      await expect(a.multi([['set', 'io:w']]).exec()).rejects.toThrow(/EXECABORT Transaction discarded because of previous errors/);
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });

  it('Pub/Sub: SUBSCRIBE, PSUBSCRIBE, PUBLISH counts receivers', async () => {
    const sub = ioredis();
    const pub = ioredis();
    try {
      const got: string[] = [];
      sub.on('message', (ch, m) => got.push(`${ch}:${m}`));
      sub.on('pmessage', (p, ch, m) => got.push(`${p}|${ch}:${m}`));
      await sub.subscribe('news', 'sport');
      await sub.psubscribe('n*');
      expect(await pub.publish('news', 'hi')).toBe(2);
      expect(await pub.publish('sport', 'goal')).toBe(1);
      expect(await pub.publish('nothing', 'x')).toBe(1);
      expect(await pub.publish('other', 'x')).toBe(0);
      expect(await pub.pubsub('NUMSUB', 'news', 'other')).toEqual(['news', 1, 'other', 0]);
      expect(await pub.pubsub('NUMPAT')).toBe(1);
      await new Promise((r) => setTimeout(r, 50));
      expect(got).toEqual(['news:hi', 'n*|news:hi', 'sport:goal', 'n*|nothing:x']);
      await expect(sub.get('x')).rejects.toThrow(/Connection in subscriber mode/);
    } finally {
      sub.disconnect();
      pub.disconnect();
    }
  });

  it('SELECT keeps a per-connection database', async () => {
    const a = ioredis({ db: 3 });
    const b = ioredis();
    try {
      await a.set('io:db', 'three');
      expect(await b.get('io:db')).toBeNull();
      expect(await b.select(3)).toBe('OK');
      expect(await b.get('io:db')).toBe('three');
      await expect(b.select(16)).rejects.toThrow('ERR DB index is out of range');
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });

  it('CLIENT SETNAME/GETNAME/ID/LIST/KILL', async () => {
    const a = ioredis({ connectionName: 'alpha' });
    const b = ioredis();
    try {
      expect(await a.client('GETNAME')).toBe('alpha');
      const id = (await a.client('ID')) as number;
      const list = (await b.client('LIST')) as string;
      expect(list).toMatch(new RegExp(`id=${id} addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:${srv.port} fd=\\d+ name=alpha age=\\d+ idle=\\d+ flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 `));
      const closed = new Promise((r) => a.once('close', r));
      expect(await b.client('KILL', 'ID', String(id))).toBe(1);
      await closed;
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });
});

describe('node-redis', () => {
  it('RESP2: commands, pipelines, MULTI', async () => {
    const c = createClient({ socket: { port: srv.port, host: '127.0.0.1' } });
    await c.connect();
    try {
      expect(await c.ping()).toBe('PONG');
      await c.set('nr:a', '1');
      expect(await c.incr('nr:a')).toBe(2);
      const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => c.set(`nr:p${i}`, 'v')));
      expect(replies.every((r) => r === 'OK')).toBe(true);
      expect(await c.multi().set('nr:m', 'x').get('nr:m').exec()).toEqual(['OK', 'x']);
    } finally {
      c.destroy();
    }
  });

  it('RESP3 (HELLO 3): maps, push messages for Pub/Sub', async () => {
    const c = createClient({ RESP: 3, socket: { port: srv.port, host: '127.0.0.1' } });
    const sub = c.duplicate();
    await c.connect();
    await sub.connect();
    try {
      expect(await c.sendCommand(['CLIENT', 'INFO'])).toMatch(/ resp=3\n$/);
      await c.hSet('nr:h', 'f', 'v');
      const got: string[] = [];
      await sub.subscribe('chan', (m, ch) => got.push(`${ch}:${m}`));
      expect(await sub.get('nr:a')).toBe('2');
      expect(await c.publish('chan', 'payload')).toBe(1);
      await new Promise((r) => setTimeout(r, 50));
      expect(got).toEqual(['chan:payload']);
    } finally {
      c.destroy();
      sub.destroy();
    }
  });
});

describe('AUTH', () => {
  let locked: Started;
  beforeAll(async () => {
    locked = await startReplikit({ requirepass: 's3cret', users: [{ name: 'repl', passwords: ['rp'] }, { name: 'off', enabled: false, passwords: ['x'] }] });
  });
  afterAll(async () => {
    await locked.close();
  });

  it('requirepass: NOAUTH until AUTH; WRONGPASS; users from options', async () => {
    const r = new Redis({ port: locked.port, enableReadyCheck: false, maxRetriesPerRequest: 0, lazyConnect: true });
    await r.connect();
    try {
      await expect(r.get('a')).rejects.toThrow('NOAUTH Authentication required.');
      await expect(r.auth('bad')).rejects.toThrow('WRONGPASS invalid username-password pair or user is disabled.');
      await expect(r.auth('off', 'x')).rejects.toThrow('WRONGPASS invalid username-password pair or user is disabled.');
      expect(await r.auth('s3cret')).toBe('OK');
      expect(await r.get('a')).toBeNull();
      expect(await r.auth('repl', 'rp')).toBe('OK');
      expect(String(await r.client('INFO'))).toMatch(/ user=repl /);
    } finally {
      r.disconnect();
    }
    const withPass = new Redis({ port: locked.port, password: 's3cret', enableReadyCheck: false });
    const withUser = createClient({ socket: { port: locked.port }, username: 'repl', password: 'rp', RESP: 3 });
    await withUser.connect();
    try {
      expect(await withPass.ping()).toBe('PONG');
      expect(await withUser.ping()).toBe('PONG');
    } finally {
      withPass.disconnect();
      withUser.destroy();
    }
  });
});
