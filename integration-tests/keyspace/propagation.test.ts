/**
 * Propagation: for each 7.0 rewrite rule the keyspace owns, what we propagate equals what a real
 * redis-server 7.0 sends its replicas (captured with a raw PSYNC replica). Absolute times are
 * compared with each side's own clock (the window in which it ran the commands), within a few ms.
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

/** The relative TTLs (ms) the steps give: EX/PX options, SETEX/PSETEX, EXPIRE/PEXPIRE. */
function relativeTtls(steps: Step[]): number[] {
  const out: number[] = [];
  const one = (argv: string[]) => {
    const cmd = argv[0].toUpperCase();
    if (cmd === 'SETEX' || cmd === 'EXPIRE') out.push(Number(argv[2]) * 1000);
    if (cmd === 'PSETEX' || cmd === 'PEXPIRE') out.push(Number(argv[2]));
    if (cmd === 'SET' || cmd === 'GETEX') {
      for (let i = 2; i + 1 < argv.length; i++) {
        const opt = argv[i].toUpperCase();
        if (opt === 'EX') out.push(Number(argv[i + 1]) * 1000);
        if (opt === 'PX') out.push(Number(argv[i + 1]));
      }
    }
  };
  for (const s of steps) {
    if (Array.isArray(s)) one(s);
    else if ('multi' in s) for (const c of s.multi) one(c);
  }
  return out.filter((t) => Number.isFinite(t) && t > 0);
}

/** When one side ran the steps: its clock before the first and after the last reply. */
interface Window {
  start: number;
  end: number;
}

/** Clock reads on the two ends of a run may differ by this much from the command's own clock read. */
const CLOCK_SLACK_MS = 3;

/**
 * Absolute times a relative expiry was rewritten to (PXAT, PEXPIREAT) become `now+<ttl>` when they
 * are the command's own clock plus one of the steps' TTLs: within the window in which that side ran
 * the commands, give or take CLOCK_SLACK_MS. Any other value is left as it is, so it must be equal
 * on both sides (absolute times given by the caller) or the comparison fails and shows it.
 */
function normalise(cmds: ReadonlyArray<StreamCommand | PropagatedCommand>, w: Window, ttls: number[]): string[] {
  return cmds.map(({ db, argv }) => {
    const a = argv.slice();
    for (let i = 1; i < a.length; i++) {
      const isAbs = (a[i - 1].toUpperCase() === 'PXAT' || (i === 2 && a[0].toUpperCase() === 'PEXPIREAT')) && /^\d+$/.test(a[i]);
      if (!isAbs) continue;
      const v = Number(a[i]);
      const ttl = ttls.find((t) => v >= w.start + t - CLOCK_SLACK_MS && v <= w.end + t + CLOCK_SLACK_MS);
      if (ttl !== undefined) a[i] = `now+${ttl}`;
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

  async function runRedis(steps: Step[], window?: Window): Promise<StreamCommand[]> {
    if (window) window.start = Date.now();
    for (const s of steps) {
      if (Array.isArray(s)) await cli.call(...s);
      else if ('sleep' in s) await new Promise((r) => setTimeout(r, s.sleep));
      else {
        await cli.call('MULTI');
        for (const c of s.multi) await cli.call(...c);
        await cli.call('EXEC');
      }
    }
    if (window) window.end = Date.now();
    const m = String(++marker);
    await cli.call('SELECT', '0');
    await cli.call('SET', '__marker__', m);
    return replica.readUntil((argv) => argv[0] === 'SET' && argv[1] === '__marker__' && argv[2] === m);
  }

  async function runOurs(ks: Keyspace, steps: Step[], window: Window): Promise<PropagatedCommand[]> {
    const session = { db: 0 };
    const out: PropagatedCommand[] = [];
    window.start = Date.now();
    for (const s of steps) {
      if (Array.isArray(s)) out.push(...ks.execute(s, session).propagate);
      else if ('sleep' in s) await new Promise((r) => setTimeout(r, s.sleep));
      else out.push(...ks.executeTransaction(s.multi, session).propagate);
    }
    window.end = Date.now();
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
      const ttls = relativeTtls(c.steps);
      const redisWindow = { start: 0, end: 0 };
      const ourWindow = { start: 0, end: 0 };
      const theirs = await runRedis(c.steps, redisWindow);
      const ours = await runOurs(ks, c.steps, ourWindow);
      const sort = (x: string[]) => (c.unordered ? x.sort() : x);
      expect(sort(normalise(ours, ourWindow, ttls))).toEqual(sort(normalise(theirs, redisWindow, ttls)));
    } finally {
      ks.close();
    }
  });
});
