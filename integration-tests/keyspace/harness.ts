/**
 * The differential harness: runs the same steps on a real redis-server (raw RESP) and on a
 * keyspace, compares replies by RESP bytes (or by a declared CompareMode), then the datasets.
 */
import { ErrorReply, type RespValue, SimpleString } from '@replikit/resp';
import type { Keyspace } from '@replikit/keyspace';
import fc from 'fast-check';
import type { CompareMode, GenContext, GenStep } from './generator-types';
import { generators } from './gen-registry';
import { checkAgainstCopy, checkRandomShapes, copyFromReply, copyReadArgv, randomSpec } from './random-replies';
import type { RedisConn } from './redis-conn';
import { encodeFrame, encodeReply, type Frame, isError, parseFrame } from './resp';

export const KEYS = ['k1', 'k2', 'k3', 'k4', '\xffk', 'k1\x00'];
const VALUES = ['', 'a', 'abc', '10', '-5', '0', '3.5', '1e3', ' 1', '007', '9223372036854775807', '-9223372036854775808', '18446744073709551616', 'inf', 'nan', '\x00\xff\r\n', 'x'.repeat(45), '12345678901234567890', '1.5e308'];
const INTS = ['0', '1', '-1', '10', '100', '-100', '9223372036854775807', '-9223372036854775808', '9223372036854775808', 'abc', '', '1.5', ' 1', '01', '-0', '+1', '4611686018427387904'];
const FLOATS = ['0.1', '1.5', '-2.25', '1e3', '3.0e-2', 'inf', '-inf', 'nan', 'abc', '', '1e400', '1e-400', '0x1p4', ' 1', '5', '-0', '10.5', '1.7976931348623157e308', '123456789012345678901234567890', '.5', '1.', '5e-324', '0.1e-5'];

export function genContext(): GenContext {
  return {
    key: fc.constantFrom(...KEYS),
    value: fc.oneof({ arbitrary: fc.constantFrom(...VALUES), weight: 4 }, { arbitrary: fc.string({ maxLength: 6 }), weight: 1 }),
    int: fc.constantFrom(...INTS),
    float: fc.constantFrom(...FLOATS),
  };
}

/** The weighted arbitrary of one step (single commands and MULTI blocks) over every registered family. */
export function stepArbitrary(): fc.Arbitrary<GenStep> {
  const c = genContext();
  const entries = generators.flatMap((g) => g.steps(c, fc)).map((e) => ({ arbitrary: e.arbitrary, weight: Math.max(1, Math.round(e.weight * 10)) }));
  const single = fc.oneof(...entries);
  const multi = fc.array(single.filter((s) => !s.multi), { minLength: 0, maxLength: 4 }).map((steps): GenStep => ({ argv: [], multi: steps }));
  return fc.oneof({ arbitrary: single, weight: 20 }, { arbitrary: multi, weight: 1 });
}

function frameOf(v: RespValue, protocol: 2 | 3 = 2): Frame {
  const r = parseFrame(encodeReply(v, protocol));
  if (!r) throw new Error('unparseable own reply');
  return r.frame;
}

function sortItems(items: Frame[]): Frame[] {
  return items.map(encodeFrame).sort().map((s) => parseFrame(s)!.frame);
}

/**
 * Null when equal; a description of the difference otherwise. `argv` (the command) is needed by
 * the 'random' mode, whose rules depend on the count argument.
 */
export function compare(mode: CompareMode, theirs: Frame, ours: Frame, argv?: readonly string[]): string | null {
  const a = encodeFrame(theirs);
  const b = encodeFrame(ours);
  if (mode === 'random' && !argv) throw new Error("the 'random' compare mode needs the command's argv");
  if (a === b) return null;
  const diff = `redis ${JSON.stringify(a)} vs keyspace ${JSON.stringify(b)}`;
  if (isError(theirs) || isError(ours) || mode === 'exact') return diff;
  switch (mode) {
    case 'sorted':
      // an array, or a RESP3 set: the same type on both sides, items in any order
      if ((theirs.t === '*' || theirs.t === '~') && ours.t === theirs.t && theirs.items && ours.items && encodeFrame({ t: '*', items: sortItems(theirs.items) }) === encodeFrame({ t: '*', items: sortItems(ours.items) })) return null;
      return diff;
    case 'sorted-pairs': {
      // a flat array, or a RESP3 map: the same type on both sides, pairs in any order
      if ((theirs.t !== '*' && theirs.t !== '%') || ours.t !== theirs.t || !theirs.items || !ours.items) return diff;
      const pairs = (x: Frame[]) => {
        const out: string[] = [];
        for (let i = 0; i < x.length; i += 2) out.push(encodeFrame(x[i]) + encodeFrame(x[i + 1]));
        return out.sort().join('');
      };
      return pairs(theirs.items) === pairs(ours.items) ? null : diff;
    }
    case 'ttl-s':
    case 'ttl-ms': {
      if (theirs.t !== ':' || ours.t !== ':') return diff;
      const x = Number(theirs.s);
      const y = Number(ours.s);
      if (x < 0 || y < 0) return x === y ? null : diff;
      return Math.abs(x - y) <= (mode === 'ttl-s' ? 1 : 250) ? null : diff;
    }
    case 'random':
      return checkRandomShapes(argv ?? [], theirs, ours);
    case 'scan': {
      if (theirs.t !== '*' || ours.t !== '*' || !theirs.items || !ours.items) return diff;
      if (encodeFrame(theirs.items[0]) !== encodeFrame(ours.items[0])) return diff;
      return compare('sorted', theirs.items[1], ours.items[1]) === null ? null : diff;
    }
  }
  return diff;
}

export interface Runner {
  readonly redis: RedisConn;
  readonly ks: Keyspace;
  /** the keyspace session; `resp` 3 when the Redis connection said HELLO 3 */
  readonly session: { db: number; resp?: 2 | 3 };
}

/** Runs one step on both sides; returns a mismatch description or null. */
export async function runStep(r: Runner, step: GenStep): Promise<string | null> {
  if (step.multi) return runMulti(r, step.multi);
  const theirs = (await r.redis.call(...step.argv)).frame;
  const ours = frameOf(r.ks.execute(step.argv, r.session).reply, r.session.resp);
  const d = compare(step.compare ?? 'exact', theirs, ours, step.argv);
  if (d || step.compare !== 'random') return d;
  return checkRandomAgainstRedis(r.redis, step.argv, theirs, ours);
}

/**
 * A random reply's members must be in Redis's copy of the key, read right after the command (the
 * random commands write nothing, and the generators give no expiry that could pass in between).
 */
export async function checkRandomAgainstRedis(redis: RedisConn, argv: readonly string[], theirs: Frame, ours: Frame): Promise<string | null> {
  if (isError(theirs)) return null;
  const spec = randomSpec(argv);
  const copy = copyFromReply(spec, (await redis.call(...copyReadArgv(spec))).frame);
  const t = checkAgainstCopy(argv, theirs, copy);
  if (t) return `redis reply ${JSON.stringify(encodeFrame(theirs))} against its own copy: ${t}`;
  const o = checkAgainstCopy(argv, ours, copy);
  return o ? `keyspace reply ${JSON.stringify(encodeFrame(ours))} against Redis's copy: ${o}` : null;
}

async function runMulti(r: Runner, steps: GenStep[]): Promise<string | null> {
  const ok = (await r.redis.call('MULTI')).frame;
  if (ok.t !== '+') return `MULTI failed: ${encodeFrame(ok)}`;
  let abort = false;
  for (const s of steps) {
    const theirs = (await r.redis.call(...s.argv)).frame;
    const cmd = r.ks.commandTable.lookup(s.argv[0]);
    let ours: RespValue = new SimpleString('QUEUED');
    if (!cmd) ours = new ErrorReply('unknown');
    else {
      // queue-time checks like processCommand: unknown (sub)command and arity
      const sub = cmd.subcommandEntries && s.argv.length >= 2 ? cmd.subcommandEntries.get(s.argv[1].toLowerCase()) : undefined;
      const entry = cmd.subcommandEntries && s.argv.length >= 2 ? sub : cmd;
      if (!entry || (entry.arity > 0 && entry.arity !== s.argv.length) || s.argv.length < -entry.arity) ours = new ErrorReply('queue-time');
    }
    if (ours instanceof ErrorReply) {
      abort = true;
      if (!isError(theirs)) return discard(r, `queue of ${JSON.stringify(s.argv)}: redis ${encodeFrame(theirs)} vs keyspace error`);
      continue;
    }
    if (theirs.t !== '+') return discard(r, `queue of ${JSON.stringify(s.argv)}: redis ${encodeFrame(theirs)} vs QUEUED`);
  }
  const theirs = (await r.redis.call('EXEC')).frame;
  if (abort) return theirs.t === '-' && theirs.s.startsWith('EXECABORT') ? null : `EXEC: redis ${encodeFrame(theirs)} vs EXECABORT`;
  const res = r.ks.executeTransaction(
    steps.map((s) => s.argv),
    r.session,
  );
  if (theirs.t !== '*' || !theirs.items) return `EXEC: redis ${encodeFrame(theirs)}`;
  for (let i = 0; i < steps.length; i++) {
    const ours = frameOf(res.replies[i], r.session.resp);
    const d = compare(steps[i].compare ?? 'exact', theirs.items[i], ours, steps[i].argv);
    if (d) return `EXEC item ${i} ${JSON.stringify(steps[i].argv)}: ${d}`;
    // Redis's copy after EXEC is the one the command saw only when nothing after it in the block
    // can write (only random commands follow it); otherwise the rules above are all it gets
    if (steps[i].compare === 'random' && steps.slice(i + 1).every((s) => s.compare === 'random')) {
      const m = await checkRandomAgainstRedis(r.redis, steps[i].argv, theirs.items[i], ours);
      if (m) return `EXEC item ${i} ${JSON.stringify(steps[i].argv)}: ${m}`;
    }
  }
  return null;
}

/** Leaves the MULTI state on a mismatch so the next seed starts clean. */
async function discard(r: Runner, why: string): Promise<string> {
  await r.redis.call('DISCARD');
  return why;
}

/** Compares both datasets (dbs 0 and 1) through per-type reads. */
export async function compareDatasets(r: Runner): Promise<string | null> {
  const reads: Record<string, (k: string) => { argv: string[]; mode: CompareMode }> = {
    string: (k) => ({ argv: ['GET', k], mode: 'exact' }),
    list: (k) => ({ argv: ['LRANGE', k, '0', '-1'], mode: 'exact' }),
    hash: (k) => ({ argv: ['HGETALL', k], mode: 'sorted-pairs' }),
    set: (k) => ({ argv: ['SMEMBERS', k], mode: 'sorted' }),
    zset: (k) => ({ argv: ['ZRANGE', k, '0', '-1', 'WITHSCORES'], mode: 'exact' }),
    stream: (k) => ({ argv: ['XRANGE', k, '-', '+'], mode: 'exact' }),
  };
  for (const db of [0, 1]) {
    await r.redis.call('SELECT', String(db));
    const session = { db, resp: r.session.resp };
    const theirs = (await r.redis.call('KEYS', '*')).frame;
    const ours = frameOf(r.ks.execute(['KEYS', '*'], session).reply, session.resp);
    const d = compare('sorted', theirs, ours);
    if (d) return `db ${db} keys: ${d}`;
    if (theirs.t !== '*' || !theirs.items) continue;
    for (const kf of theirs.items) {
      const key = (kf as { s: string }).s;
      const t = await r.redis.call('TYPE', key);
      const tt = (t.frame as { s: string }).s;
      const ot = frameOf(r.ks.execute(['TYPE', key], session).reply, session.resp);
      if (encodeFrame(t.frame) !== encodeFrame(ot)) return `db ${db} key ${JSON.stringify(key)} type: ${t.raw} vs ${encodeFrame(ot)}`;
      const read = reads[tt];
      if (read) {
        const { argv, mode } = read(key);
        const dd = compare(mode, (await r.redis.call(...argv)).frame, frameOf(r.ks.execute(argv, session).reply, session.resp));
        if (dd) return `db ${db} key ${JSON.stringify(key)} value: ${dd}`;
      }
      const ttl = compare('ttl-ms', (await r.redis.call('PTTL', key)).frame, frameOf(r.ks.execute(['PTTL', key], session).reply, session.resp));
      if (ttl) return `db ${db} key ${JSON.stringify(key)} pttl: ${ttl}`;
    }
  }
  await r.redis.call('SELECT', String(r.session.db));
  return null;
}
