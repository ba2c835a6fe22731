/**
 * COMMAND INFO / COUNT / LIST / GETKEYS / GETKEYSANDFLAGS against redis-server 7.0: for every
 * command both servers know, the whole COMMAND INFO entry (subcommands included) is compared in
 * RESP3 with every reply type kept (flags, categories and key-spec flags are sets, key specs are
 * maps); subcommands are compared in name order, the only part whose order Redis leaves to its
 * hash table.
 */
import { hasRedis } from '@replikit/test-utils';
import { redisAndReplikit } from '../replication/helpers';
import { ByteClient } from './helpers';

const describeRedis = hasRedis() ? describe : describe.skip;

/** A RESP3 value with its type kept: `+x`, `$x`, `:1`, `~[...]`, `*[...]`, `%[[k, v]...]`, `_`. */
type Typed = string | number | null | { readonly t: string; readonly v: Typed[] };

/** Parses one whole RESP3 reply (the ByteClient already cut it out). */
export function parseResp3(raw: string): Typed {
  let at = 0;
  const line = (): string => {
    const nl = raw.indexOf('\r\n', at);
    const s = raw.slice(at, nl);
    at = nl + 2;
    return s;
  };
  const value = (): Typed => {
    const head = line();
    const t = head[0] as string;
    const rest = head.slice(1);
    if (t === '+' || t === '-') return `${t}${rest}`;
    if (t === ':') return Number(rest);
    if (t === '_') return null;
    if (t === '$' || t === '=') {
      const n = Number(rest);
      if (n < 0) return null;
      const s = raw.slice(at, at + n);
      at += n + 2;
      return `$${s}`;
    }
    const n = Number(rest);
    const count = t === '%' || t === '|' ? 2 * n : n;
    const v: Typed[] = [];
    for (let i = 0; i < count; i++) v.push(value());
    return { t, v };
  };
  return value();
}

const nameOf = (entry: Typed): string => String((entry as { v: Typed[] }).v[0]).slice(1);

/** A COMMAND INFO entry with its subcommands (10th field) in name order, only those `keep` accepts. */
function normalized(entry: Typed, keep: (fullname: string) => boolean): Typed {
  if (entry === null || typeof entry !== 'object') return entry;
  const fields = [...entry.v];
  const subs = fields[9];
  if (subs !== null && typeof subs === 'object') {
    const sorted = subs.v.filter((s) => keep(nameOf(s))).sort((a, b) => {
      const na = String((a as { v: Typed[] }).v[0]);
      const nb = String((b as { v: Typed[] }).v[0]);
      return na < nb ? -1 : na > nb ? 1 : 0;
    });
    fields[9] = { t: subs.t, v: sorted };
  }
  return { t: entry.t, v: fields };
}

/** A RESP2 array of bulk strings -> the strings (COMMAND LIST's reply). */
function bulkList(raw: string): string[] {
  const out: string[] = [];
  const lines = raw.split('\r\n');
  for (let i = 1; i < lines.length; i++) if ((lines[i] as string).startsWith('$')) out.push(lines[++i] as string);
  return out;
}

async function withClient<T>(port: number, resp3: boolean, fn: (c: ByteClient) => Promise<T>): Promise<T> {
  const c = await ByteClient.connect(port);
  try {
    if (resp3) await c.call('HELLO', '3');
    return await fn(c);
  } finally {
    c.close();
  }
}

/** Redis 7.0 commands replikit-server does not implement (docs/server.md): none left. */
const NOT_IMPLEMENTED: string[] = [];

describeRedis('COMMAND metadata vs redis-server 7.0', () => {
  const servers = redisAndReplikit();
  const list = async (port: number, ...args: string[]) => withClient(port, false, async (c) => bulkList(await c.call('COMMAND', 'LIST', ...args)).sort());

  it('COMMAND LIST has every command and subcommand of redis-server 7.0 but the known missing ones, and nothing else', async () => {
    const theirs = await list(servers.redis.port);
    const ours = await list(servers.rk.port);
    expect(ours.filter((n) => !theirs.includes(n))).toEqual([]);
    // a missing container is listed alone, not with its subcommands
    const missing = theirs.filter((n) => !ours.includes(n) && !(n.includes('|') && !ours.includes(n.slice(0, n.indexOf('|')))));
    expect(missing).toEqual(NOT_IMPLEMENTED);
    const count = async (port: number) => withClient(port, false, (c) => c.call('COMMAND', 'COUNT'));
    expect(await count(servers.rk.port)).toBe(`:${ours.filter((n) => !n.includes('|')).length}\r\n`);
    expect(await count(servers.redis.port)).toBe(`:${theirs.filter((n) => !n.includes('|')).length}\r\n`);
  });

  it('COMMAND LIST FILTERBY ACLCAT / PATTERN / MODULE selects the same commands', async () => {
    const ours = new Set(await list(servers.rk.port));
    const filters: string[][] = [
      ...['keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo', 'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting'].map((c) => ['ACLCAT', c]),
      ['ACLCAT', 'nosuchcat'], ['PATTERN', '*'], ['PATTERN', 'client*'], ['PATTERN', 'x?dd'], ['PATTERN', '*|*'], ['PATTERN', 'Z[a-c]*'], ['MODULE', 'nosuchmodule'],
    ];
    for (const f of filters) {
      const theirs = (await list(servers.redis.port, 'FILTERBY', ...f)).filter((n) => ours.has(n));
      expect([f, await list(servers.rk.port, 'FILTERBY', ...f)]).toEqual([f, theirs]);
    }
  });

  it('COMMAND INFO <name> is equal for every command both servers have, subcommands included', async () => {
    const theirs = await list(servers.redis.port);
    const ours = await list(servers.rk.port);
    const both = new Set(ours.filter((n) => theirs.includes(n)));
    const common = [...both].filter((n) => !n.includes('|'));
    expect(common.length).toBeGreaterThan(200);
    const info = async (port: number) =>
      withClient(port, true, async (c) => {
        const out = new Map<string, string>();
        for (const n of common) {
          const entry = (parseResp3(await c.call('COMMAND', 'INFO', n)) as { v: Typed[] }).v[0] as Typed;
          out.set(n, JSON.stringify(normalized(entry, (sub) => both.has(sub))));
        }
        return out;
      });
    const a = await info(servers.redis.port);
    const b = await info(servers.rk.port);
    expect(a.get('set')).toContain('"$notes"');
    expect(a.get('client')).toContain('"$client|list"');
    const differ = common.filter((n) => a.get(n) !== b.get(n));
    if (process.env.SHOW_DIFF) for (const n of differ) console.log(`${n}\n R ${a.get(n)}\n K ${b.get(n)}`);
    expect(differ).toEqual([]);
  });
});

/** A COMMAND DOCS argument, as the parsed RESP3 map gives it. */
interface DocArg {
  readonly name: string;
  readonly type: string;
  readonly token?: string;
  readonly flags: readonly string[];
  readonly arguments: readonly DocArg[];
}

function plain(v: Typed): unknown {
  if (v === null || typeof v === 'number') return v;
  if (typeof v === 'string') return v.slice(1);
  if (v.t === '%') {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < v.v.length; i += 2) o[String(plain(v.v[i] as Typed))] = plain(v.v[i + 1] as Typed);
    return o;
  }
  return v.v.map(plain);
}

function docArgs(raw: unknown): DocArg[] {
  return ((raw ?? []) as Array<Record<string, unknown>>).map((a) => ({
    name: String(a.name),
    type: String(a.type),
    token: a.token === undefined ? undefined : String(a.token),
    flags: (a.flags ?? []) as string[],
    arguments: docArgs(a.arguments),
  }));
}

/**
 * A sample argv from a command's argument tree: every key a distinct name, `multiple` arguments
 * `reps` times, a `numkeys` integer equal to `reps`, optional arguments only when `full`, the
 * first choice of every oneof.
 */
function sampleArgs(args: readonly DocArg[], full: boolean, reps: number, counter: { n: number }): string[] {
  const out: string[] = [];
  for (const a of args) {
    const optional = a.flags.includes('optional');
    if (optional && !full) continue;
    const times = a.flags.includes('multiple') ? reps : 1;
    for (let i = 0; i < times; i++) {
      if (a.token !== undefined) out.push(a.token);
      if (a.type === 'pure-token') continue;
      if (a.type === 'key') out.push(`k${++counter.n}`);
      else if (a.type === 'integer') out.push(a.name === 'numkeys' || (a.name === 'count' && a.token === undefined) ? String(reps) : '1');
      else if (a.type === 'double') out.push('1.5');
      else if (a.type === 'unix-time') out.push('100');
      else if (a.type === 'pattern') out.push('p*');
      else if (a.type === 'oneof') out.push(...sampleArgs(a.arguments.slice(0, 1).map((x) => ({ ...x, flags: [] })), full, reps, counter));
      else if (a.type === 'block') out.push(...sampleArgs(a.arguments, full, reps, counter));
      else out.push(`${a.name}${i}`);
    }
  }
  return out;
}

/** Argvs the generated samples miss: key positions that depend on keywords anywhere, numkeys forms, no keys. */
const EXTRA_ARGVS: string[][] = [
  ['SORT', 'l', 'BY', 'w_*', 'GET', '#', 'STORE', 'dst'], ['SORT', 'l', 'LIMIT', '0', '1', 'STORE', 'dst', 'ALPHA'], ['SORT', 'l'], ['SORT_RO', 'l', 'BY', 'x'],
  ['EVAL', 'return 1', '0'], ['EVAL', 'return 1', '2', 'a', 'b', 'c'], ['EVAL', 'return 1', '3', 'a'], ['EVAL', 'return 1', '-1'], ['EVAL_RO', 'x', '1', 'a'], ['EVALSHA', 'abc', '1', 'k'],
  ['FCALL', 'f', '1', 'k', 'a'], ['FCALL_RO', 'f', '0'],
  ['ZUNIONSTORE', 'd', '2', 'a', 'b', 'WEIGHTS', '1', '2'], ['ZINTERSTORE', 'd', '3', 'a', 'b'], ['ZUNION', '2', 'a', 'b'], ['ZDIFF', 'x', 'a'], ['ZINTERCARD', '2', 'a', 'b', 'LIMIT', '1'], ['SINTERCARD', '1', 'a'],
  ['LMPOP', '2', 'a', 'b', 'LEFT'], ['BLMPOP', '0', '2', 'a', 'b', 'RIGHT', 'COUNT', '2'], ['BZMPOP', '1', '1', 'z', 'MIN'], ['ZMPOP', '0', 'z', 'MIN'],
  ['XREAD', 'COUNT', '1', 'STREAMS', 'a', 'b', '0', '0'], ['XREAD', 'STREAMS', 'a', 'b', 'c', '0', '0', '0'], ['XREAD', 'STREAMS', 'a', 'b', '0'], ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>'],
  ['GEORADIUS', 'g', '1', '2', '3', 'km', 'STORE', 'd'], ['GEORADIUS', 'g', '1', '2', '3', 'km', 'STOREDIST', 'd'], ['GEORADIUSBYMEMBER', 'g', 'm', '3', 'km', 'STORE', 'd', 'STOREDIST', 'e'],
  ['SET', 'k', 'v', 'GET'], ['SET', 'k', 'v', 'NX'], ['BITFIELD', 'b', 'GET', 'u4', '0'], ['BITFIELD', 'b', 'SET', 'u4', '0', '1'], ['BITFIELD_RO', 'b', 'GET', 'u4', '0'],
  ['MSET', 'a', '1', 'b', '2'], ['MSET', 'a', '1', 'b'], ['BLPOP', 'a', 'b', '0'], ['RENAME', 'a', 'b'], ['OBJECT', 'ENCODING', 'k'], ['XINFO', 'STREAM', 's'], ['XGROUP', 'CREATE', 's', 'g', '$'],
  ['MEMORY', 'USAGE', 'k'], ['GET'], ['GET', 'a', 'b'], ['PING'], ['CLIENT', 'LIST'], ['NOSUCH', 'x'], ['PUBLISH', 'ch', 'm'], ['SUBSCRIBE', 'ch'],
];

describeRedis('COMMAND GETKEYS / GETKEYSANDFLAGS vs redis-server 7.0', () => {
  const servers = redisAndReplikit();

  it('finds the same keys, with the same flags, in a sample argv of every command', async () => {
    const docs = await withClient(servers.redis.port, true, async (c) => plain(parseResp3(await c.call('COMMAND', 'DOCS'))) as Record<string, Record<string, unknown>>);
    const ours = new Set(await withClient(servers.rk.port, false, async (c) => bulkList(await c.call('COMMAND', 'LIST'))));
    const argvs: string[][] = [...EXTRA_ARGVS];
    const add = (prefix: string[], raw: unknown) => {
      const args = docArgs(raw);
      if (!args.some(function hasKey(a: DocArg): boolean { return a.type === 'key' || a.arguments.some(hasKey); })) return;
      argvs.push([...prefix, ...sampleArgs(args, false, 1, { n: 0 })], [...prefix, ...sampleArgs(args, true, 2, { n: 0 })]);
    };
    for (const [name, d] of Object.entries(docs)) {
      if (!ours.has(name)) continue;
      add([name], d.arguments);
      for (const [sub, sd] of Object.entries((d.subcommands ?? {}) as Record<string, Record<string, unknown>>)) {
        if (ours.has(sub)) add(sub.split('|'), sd.arguments);
      }
    }
    expect(argvs.length).toBeGreaterThan(250);
    const run = (port: number) =>
      withClient(port, true, async (c) => {
        const out: string[] = [];
        for (const argv of argvs) {
          out.push(`${argv.join(' ')} => ${JSON.stringify(parseResp3(await c.call('COMMAND', 'GETKEYS', ...argv)))}`);
          out.push(`${argv.join(' ')} =>F ${JSON.stringify(parseResp3(await c.call('COMMAND', 'GETKEYSANDFLAGS', ...argv)))}`);
        }
        return out;
      });
    const theirs = await run(servers.redis.port);
    if (process.env.SHOW_DIFF) console.log(theirs.join("\n"));
    const mine = await run(servers.rk.port);
    expect(mine.filter((l, i) => l !== theirs[i])).toEqual(theirs.filter((l, i) => l !== mine[i]));
  });
});

describeRedis('COMMAND DOCS vs redis-server 7.0', () => {
  const servers = redisAndReplikit();

  it('COMMAND DOCS <name> is equal for every command both servers have (argument trees included)', async () => {
    const ours = new Set(await withClient(servers.rk.port, false, async (c) => bulkList(await c.call('COMMAND', 'LIST'))));
    const theirs = new Set(await withClient(servers.redis.port, false, async (c) => bulkList(await c.call('COMMAND', 'LIST'))));
    const common = [...ours].filter((n) => !n.includes('|') && theirs.has(n)).sort();
    /** the docs map with its subcommands (a map in hash order) sorted and cut to those both servers have */
    const sortSubs = (v: Typed): Typed => {
      if (v === null || typeof v !== 'object' || v.t !== '%') return v;
      const out: Typed[] = [];
      for (let i = 0; i < v.v.length; i += 2) {
        const key = v.v[i] as Typed;
        let val = v.v[i + 1] as Typed;
        if (key === '$subcommands' && val !== null && typeof val === 'object') {
          const pairs: Array<[string, Typed]> = [];
          for (let j = 0; j < val.v.length; j += 2) if (ours.has(String(val.v[j]).slice(1))) pairs.push([String(val.v[j]), val.v[j + 1] as Typed]);
          pairs.sort((a, b) => (a[0] < b[0] ? -1 : 1));
          val = { t: '%', v: pairs.flat() };
        }
        out.push(key, val);
      }
      return { t: '%', v: out };
    };
    const docs = (port: number) =>
      withClient(port, true, async (c) => {
        const out = new Map<string, string>();
        for (const n of common) {
          const reply = parseResp3(await c.call('COMMAND', 'DOCS', n)) as { v: Typed[] };
          out.set(n, JSON.stringify(sortSubs(reply.v[1] as Typed)));
        }
        return out;
      });
    const a = await docs(servers.redis.port);
    const b = await docs(servers.rk.port);
    expect(a.get('set')).toContain('"$arguments"');
    expect(a.get('client')).toContain('"$client|list"');
    expect(a.get('set')).toContain('"$arguments"');
    expect(a.get('client')).toContain('"$client|list"');
    const differ = common.filter((n) => a.get(n) !== b.get(n));
    if (process.env.SHOW_DIFF) for (const n of differ) console.log(`${n}\n R ${a.get(n)}\n K ${b.get(n)}`);
    expect(differ).toEqual([]);
  });
});

describeRedis('COMMAND edge forms vs redis-server 7.0', () => {
  const servers = redisAndReplikit();
  const FORMS: string[][] = [
    ['COMMAND', 'INFO', 'nosuch', 'get'], ['COMMAND', 'INFO', 'client|list'], ['COMMAND', 'INFO', 'CLIENT|LIST', 'Get'], ['COMMAND', 'INFO', 'get|x'], ['COMMAND', 'INFO', 'client|nosuch'],
    ['COMMAND', 'DOCS', 'nosuch'], ['COMMAND', 'DOCS', 'client|kill'], ['COMMAND', 'DOCS', 'GET', 'nosuch', 'zadd'], ['COMMAND', 'DOCS', 'georadius'],
    ['COMMAND', 'COUNT', 'x'], ['COMMAND', 'LIST', 'FILTERBY', 'nosuch', 'x'], ['COMMAND', 'LIST', 'x'], ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN'],
    ['COMMAND', 'GETKEYS'], ['COMMAND', 'GETKEYS', 'nosuch', 'a'], ['COMMAND', 'GETKEYS', 'ping', 'a'], ['COMMAND', 'GETKEYSANDFLAGS', 'get', 'a'], ['COMMAND', 'NOSUCH'], ['FUNCTION', 'HELP'],
  ];

  it('answers the same bytes in RESP2 and RESP3', async () => {
    const run = (port: number, resp3: boolean) =>
      withClient(port, resp3, async (c) => {
        const out: string[] = [];
        for (const argv of FORMS) out.push(`${argv.join(' ')} => ${await c.call(...argv)}`);
        return out;
      });
    for (const resp3 of [false, true]) expect(await run(servers.rk.port, resp3)).toEqual(await run(servers.redis.port, resp3));
  });
});
