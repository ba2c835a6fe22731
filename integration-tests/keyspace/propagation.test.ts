/**
 * Propagation: for each 7.0 rewrite rule the keyspace owns, what we propagate equals what a real
 * redis-server 7.0 sends its replicas (captured with a raw PSYNC replica). Absolute times are
 * compared within a tolerance.
 */
import { createKeyspace, type Keyspace, type PropagatedCommand } from '@replikit/keyspace';
import { type RedisServerHandle, hasRedis, startRedisServer } from '@replikit/test-utils';
import { RedisConn } from './redis-conn';
import { ReplicaStream, type StreamCommand } from './replica-stream';

const describeRedis = hasRedis() ? describe : describe.skip;

type Step = string[] | { multi: string[][] } | { sleep: number };

interface Case {
  name: string;
  setup?: string[][];
  steps: Step[];
  /** the order of the propagated commands depends on hash order (SCAN) */
  unordered?: boolean;
}

const FAR = '4102444800';
const cases: Case[] = [
  { name: 'SET EX -> SET PXAT', steps: [['SET', 'k', 'v', 'EX', '100']] },
  { name: 'SET PX NX GET KEEPTTL flags dropped', steps: [['set', 'k', 'v', 'PX', '100000', 'NX', 'GET']] },
  { name: 'SET EXAT -> SET PXAT', steps: [['SET', 'k', 'v', 'EXAT', FAR]] },
  { name: 'SET GET without expire drops every GET', setup: [['SET', 'k', 'a']], steps: [['SET', 'k', 'v', 'get', 'XX', 'GET']] },
  { name: 'SETEX / PSETEX -> SET PXAT', steps: [['SETEX', 'k', '100', 'v'], ['psetex', 'k2', '100000', 'v']] },
  { name: 'EXPIRE -> PEXPIREAT (flags kept)', setup: [['SET', 'k', 'v']], steps: [['EXPIRE', 'k', '100', 'NX'], ['expire', 'k', '200', 'gt']] },
  { name: 'PEXPIRE / EXPIREAT -> PEXPIREAT', setup: [['SET', 'k', 'v']], steps: [['PEXPIRE', 'k', '100000'], ['EXPIREAT', 'k', FAR]] },
  { name: 'pexpireat keeps its casing and arguments', setup: [['SET', 'k', 'v']], steps: [['pexpireat', 'k', '4102444800123']] },
  { name: 'expire in the past -> DEL', setup: [['SET', 'k', 'v'], ['SET', 'k2', 'v']], steps: [['EXPIRE', 'k', '-1'], ['PEXPIREAT', 'k2', '1']] },
  { name: 'expire that changes nothing propagates nothing', setup: [['SET', 'k', 'v', 'EX', '100']], steps: [['EXPIRE', 'missing', '10'], ['EXPIRE', 'k', '10', 'NX'], ['PERSIST', 'missing']] },
  { name: 'GETEX EX -> PEXPIREAT, PERSIST -> PERSIST, PXAT past -> DEL', setup: [['SET', 'k', 'v'], ['SET', 'k2', 'v']], steps: [['GETEX', 'k', 'EX', '100'], ['GETEX', 'k', 'PERSIST'], ['GETEX', 'k', 'PERSIST'], ['getex', 'k2', 'PXAT', '1'], ['GETEX', 'k']] },
  { name: 'GETDEL -> DEL, GETSET -> SET', setup: [['SET', 'k', 'v'], ['SET', 'k2', 'v']], steps: [['getdel', 'k'], ['GETDEL', 'missing'], ['getset', 'k2', 'w']] },
  { name: 'INCRBYFLOAT -> SET KEEPTTL', setup: [['SET', 'k', '10.5']], steps: [['INCRBYFLOAT', 'k', '0.1'], ['incrbyfloat', 'new', '3']] },
  { name: 'writes that change nothing propagate nothing', setup: [['SET', 'k', 'v']], steps: [['DEL', 'missing'], ['SETNX', 'k', 'x'], ['SET', 'k', 'x', 'NX'], ['MSETNX', 'k', 'a', 'z', 'b'], ['RENAMENX', 'k', 'k'], ['SETRANGE', 'k', '1', '']] },
  { name: 'verbatim writes keep the caller casing', steps: [['set', 'k', 'v'], ['Incr', 'n'], ['mset', 'a', '1', 'b', '2'], ['APPEND', 'a', 'x'], ['del', 'a', 'b', 'zz']] },
  { name: 'MULTI with one write propagates it bare', steps: [{ multi: [['GET', 'k'], ['SET', 'k', 'v'], ['GET', 'k']] }] },
  { name: 'MULTI with two writes is wrapped', steps: [{ multi: [['SET', 'k', 'v'], ['INCR', 'n'], ['GET', 'k']] }] },
  { name: 'MULTI with rewrites and SELECT inside', steps: [{ multi: [['SET', 'k', 'v', 'EX', '100'], ['SELECT', '2'], ['INCRBYFLOAT', 'f', '1.5'], ['SELECT', '0']] }] },
  { name: 'lazy expiry on read: bare DEL', setup: [['SET', 'k', 'v', 'PX', '30']], steps: [{ sleep: 80 }, ['GET', 'k']] },
  { name: 'lazy expiry before a write: MULTI DEL cmd EXEC', setup: [['SET', 'k', 'v', 'PX', '30']], steps: [{ sleep: 80 }, ['set', 'k', 'v2']] },
  { name: 'lazy expiry inside MULTI', setup: [['SET', 'k', 'v', 'PX', '30'], ['SET', 'j', '1', 'PX', '30']], steps: [{ sleep: 80 }, { multi: [['GET', 'j'], ['INCR', 'k']] }] },
  { name: 'DEL of an expired key propagates only the expiry DEL', setup: [['SET', 'k', 'v', 'PX', '30']], steps: [{ sleep: 80 }, ['DEL', 'k']] },
  { name: 'SCAN expiring keys: bare DELs, never wrapped', setup: [['SET', 'a', 'v', 'PX', '30'], ['SET', 'b', 'v', 'PX', '30']], steps: [{ sleep: 80 }, ['SCAN', '0', 'COUNT', '100']], unordered: true },
  { name: 'keyspace commands verbatim', setup: [['SET', 'k', 'v'], ['SET', 'm', 'x']], steps: [['COPY', 'k', 'k2'], ['RENAME', 'k2', 'k3'], ['MOVE', 'k3', '1'], ['SWAPDB', '0', '1'], ['SWAPDB', '0', '1'], ['TOUCH', 'k'], ['UNLINK', 'm']] },
  { name: 'FLUSHDB/FLUSHALL are always propagated', steps: [['FLUSHDB'], ['flushall', 'ASYNC']] },
];

function normalise(cmds: ReadonlyArray<StreamCommand | PropagatedCommand>, now: number): string[] {
  return cmds.map(({ db, argv }) => {
    const a = argv.slice();
    for (let i = 1; i < a.length; i++) {
      const isAbs = (a[i - 1].toUpperCase() === 'PXAT' || (i === 2 && a[0].toUpperCase() === 'PEXPIREAT')) && /^\d+$/.test(a[i]);
      if (isAbs && Math.abs(Number(a[i]) - now) < 10_000_000 && Math.abs(Number(a[i]) - now) > 0) a[i] = `~${Math.round((Number(a[i]) - now) / 5000)}`;
    }
    return `${db}:${JSON.stringify(a)}`;
  });
}

describeRedis('propagation matches redis-server 7.0', () => {
  let srv: RedisServerHandle;
  let cli: RedisConn;
  let replica: ReplicaStream;
  let marker = 0;

  beforeAll(async () => {
    srv = await startRedisServer({ config: { 'repl-diskless-sync': 'no', 'enable-debug-command': 'yes', 'repl-ping-replica-period': 60 } });
    cli = await RedisConn.open(srv.port);
    await cli.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    replica = await ReplicaStream.attach(srv.port);
  });

  afterAll(async () => {
    await replica?.close();
    await cli?.close();
    await srv?.stop();
  });

  async function runRedis(steps: Step[]): Promise<StreamCommand[]> {
    for (const s of steps) {
      if (Array.isArray(s)) await cli.call(...s);
      else if ('sleep' in s) await new Promise((r) => setTimeout(r, s.sleep));
      else {
        await cli.call('MULTI');
        for (const c of s.multi) await cli.call(...c);
        await cli.call('EXEC');
      }
    }
    const m = String(++marker);
    await cli.call('SELECT', '0');
    await cli.call('SET', '__marker__', m);
    return replica.readUntil((argv) => argv[0] === 'SET' && argv[1] === '__marker__' && argv[2] === m);
  }

  async function runOurs(ks: Keyspace, steps: Step[]): Promise<PropagatedCommand[]> {
    const session = { db: 0 };
    const out: PropagatedCommand[] = [];
    for (const s of steps) {
      if (Array.isArray(s)) out.push(...ks.execute(s, session).propagate);
      else if ('sleep' in s) await new Promise((r) => setTimeout(r, s.sleep));
      else out.push(...ks.executeTransaction(s.multi, session).propagate);
    }
    return out;
  }

  it('active expiry: one bare DEL per key, never wrapped', async () => {
    await cli.call('FLUSHALL');
    const ks = createKeyspace();
    const ours: PropagatedCommand[] = [];
    const off = ks.onPropagate((cmds) => ours.push(...cmds));
    try {
      for (const k of ['a', 'b', 'c']) {
        await cli.call('SET', k, 'v', 'PX', '30');
        ks.execute(['SET', k, 'v', 'PX', '30'], { db: 0 });
      }
      await runRedis([]);
      await cli.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
      const theirs: StreamCommand[] = [];
      for (let i = 0; i < 30 && theirs.length < 3; i++) {
        await new Promise((r) => setTimeout(r, 100));
        theirs.push(...(await runRedis([])));
      }
      await cli.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
      ks.activeExpireCycle(10);
      const fmt = (x: ReadonlyArray<{ db: number; argv: string[] }>) => x.map((c) => `${c.db}:${c.argv.join(' ')}`).sort();
      expect(fmt(ours)).toEqual(fmt(theirs));
      expect(fmt(ours)).toEqual(['0:DEL a', '0:DEL b', '0:DEL c']);
    } finally {
      off();
      ks.close();
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await cli.call('FLUSHALL');
    await cli.call('SELECT', '0');
    const ks = createKeyspace();
    try {
      for (const s of c.setup ?? []) {
        await cli.call(...s);
        ks.execute(s, { db: 0 });
      }
      await runRedis([]); // drain the setup's stream
      const now = Date.now();
      const [theirs, ours] = [await runRedis(c.steps), await runOurs(ks, c.steps)];
      const sort = (x: string[]) => (c.unordered ? x.sort() : x);
      expect(sort(normalise(ours, now))).toEqual(sort(normalise(theirs, now)));
    } finally {
      ks.close();
    }
  });
});
