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

/** Redis 7.0 commands replikit-server does not implement (docs/server.md lists them). */
const NOT_IMPLEMENTED = [
  'asking', 'cluster', 'function|dump', 'function|help', 'function|restore', 'lolwut', 'migrate', 'module', 'pfdebug', 'pfselftest',
  'readonly', 'readwrite', 'restore-asking',
];

describeRedis('COMMAND metadata vs redis-server 7.0', () => {
  const servers = redisAndReplikit();
  const list = async (port: number, ...args: string[]) => withClient(port, false, async (c) => bulkList(await c.call('COMMAND', 'LIST', ...args)).sort());

  it('COMMAND LIST has every command and subcommand of redis-server 7.0 but the known missing ones, and nothing else', async () => {
    const theirs = await list(servers.redis.port);
    const ours = await list(servers.rk.port);
    expect(ours.filter((n) => !theirs.includes(n))).toEqual([]);
    const missing = theirs.filter((n) => !ours.includes(n) && !NOT_IMPLEMENTED.some((m) => n === m || n.startsWith(`${m}|`)));
    expect(missing).toEqual([]);
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
    const differ = common.filter((n) => a.get(n) !== b.get(n));
    if (process.env.SHOW_DIFF) for (const n of differ) console.log(`${n}\n R ${a.get(n)}\n K ${b.get(n)}`);
    expect(differ).toEqual([]);
  });
});
