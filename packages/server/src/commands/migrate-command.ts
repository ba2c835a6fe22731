/**
 * MIGRATE and RESTORE-ASKING (cluster.c migrateCommand / restoreCommand).
 *
 * MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH pw] [AUTH2 user pw]
 * [KEYS k...] connects to the target, sends AUTH and SELECT when asked and one RESTORE per key
 * with its DUMP payload and remaining TTL (REPLACE added when given), reads one reply line per
 * command, each within `timeout` ms, then deletes the acknowledged keys unless COPY and
 * propagates them as one DEL. Errors are Redis's: `+NOKEY`, `-IOERR error or timeout connecting
 * to the client`, `-IOERR error or timeout reading|writing to target instance`, and the target's
 * first error relayed as `Target instance replied with error: ...`.
 *
 * Redis blocks the whole server while it migrates; here only the calling client waits (its input
 * is on hold) while the transfer runs on the event loop. So other clients may change a key in the
 * meantime: a key whose value was replaced since its payload was taken is left in place. Each
 * MIGRATE opens its own connection (Redis caches one per target for 10 s), so SELECT is always
 * sent, as Redis does on a fresh connection. A socket closed before the first reply is retried once
 * on a new connection, a timeout is not, like Redis. Inside MULTI/EXEC or a script, where nothing
 * may wait, MIGRATE answers an error instead.
 */
import { connect, type Socket } from 'node:net';
import type { Keyspace, StoredValue } from '@replikit/keyspace';
import { storedToRdbValue } from '@replikit/keyspace-rdb';
import { createDumpPayload } from '@replikit/rdb';
import { ErrorReply, OK, type RespValue, SimpleString } from '@replikit/resp';
import { type CommandContext, type CommandResult, NO_REPLY, type ServerCommandSpec } from '../dispatch/command-spec';
import { NOT_INTEGER, SYNTAX } from '../dispatch/reply-texts';
import { eqi, parseStrictInt } from './arg-parsing';
import { dumpCommands } from './dump-commands';

const NOKEY = new SimpleString('NOKEY');
const KEYS_NEEDS_EMPTY = new ErrorReply('ERR When using MIGRATE KEYS option, the key argument must be set to the empty string');
const CONNECT_FAILED = new ErrorReply('IOERR error or timeout connecting to the client');
const NOT_HERE = new ErrorReply('ERR MIGRATE cannot wait for its target inside MULTI/EXEC or a script');
const BLOCK = { type: 'command' as const };
/** Longest reply line read from the target (Redis reads into a 1024-byte buffer). */
const MAX_LINE = 1024;

interface Parsed {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly timeout: number;
  readonly copy: boolean;
  readonly replace: boolean;
  readonly auth: readonly string[] | undefined;
  readonly keys: readonly string[];
}

function parse(argv: readonly string[]): Parsed | ErrorReply {
  let copy = false;
  let replace = false;
  let auth: string[] | undefined;
  let keys = [argv[3] as string];
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j] as string;
    if (eqi(opt, 'copy')) copy = true;
    else if (eqi(opt, 'replace')) replace = true;
    else if (eqi(opt, 'auth')) {
      if (more < 1) return SYNTAX;
      auth = [argv[++j] as string];
    } else if (eqi(opt, 'auth2')) {
      if (more < 2) return SYNTAX;
      auth = [argv[j + 1] as string, argv[j + 2] as string];
      j += 2;
    } else if (eqi(opt, 'keys')) {
      if ((argv[3] as string).length !== 0) return KEYS_NEEDS_EMPTY;
      keys = argv.slice(j + 1) as string[];
      break;
    } else return SYNTAX;
  }
  const timeoutArg = parseStrictInt(argv[5] as string);
  const db = parseStrictInt(argv[4] as string);
  if (timeoutArg === null || db === null) return NOT_INTEGER;
  // atoi(): leading digits, 0 when none
  const port = Number.parseInt(argv[2] as string, 10);
  return { host: argv[1] as string, port: Number.isNaN(port) ? 0 : port, db, timeout: timeoutArg <= 0 ? 1000 : timeoutArg, copy, replace, auth, keys };
}

/** RESP multibulk of `args` (latin1 strings are the bytes). */
function encode(args: readonly (string | Buffer)[]): Buffer[] {
  const out: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
    out.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return out;
}

type Outcome = { kind: 'lines'; lines: string[] } | { kind: 'connect' } | { kind: 'io'; writing: boolean; timedOut: boolean; lines: string[] };

/**
 * Connects, writes `chunks`, reads `expect` reply lines, each step within `timeout` ms. Resolves
 * with the lines, or with what failed and the lines read before it.
 */
function exchange(host: string, port: number, timeout: number, chunks: Buffer[], expect: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const lines: string[] = [];
    let socket: Socket | undefined;
    let connected = false;
    let written = false;
    let buf: Buffer = Buffer.alloc(0);
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (o: Outcome): void => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      socket?.destroy();
      resolve(o);
    };
    // Redis's blocking connect reports only a timeout; a refused connection shows as the first write failing
    const fail = (timedOut: boolean): void => finish(connected || !timedOut ? { kind: 'io', writing: !written, timedOut, lines } : { kind: 'connect' });
    const arm = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => fail(true), timeout);
    };
    arm();
    try {
      socket = connect({ host, port });
    } catch {
      finish({ kind: 'connect' });
      return;
    }
    socket.setNoDelay(true);
    socket.on('error', () => fail(false));
    socket.on('close', () => fail(false));
    socket.once('connect', () => {
      connected = true;
      arm();
      const s = socket as Socket;
      s.cork();
      for (const c of chunks) s.write(c);
      s.uncork();
      s.write(Buffer.alloc(0), () => {
        written = true;
        arm();
      });
    });
    socket.on('data', (d: Buffer) => {
      buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
      for (;;) {
        const nl = buf.indexOf('\n');
        if (nl < 0) break;
        // a line longer than Redis's buffer is cut like syncReadLine's
        lines.push(buf.toString('latin1', 0, Math.min(nl, MAX_LINE - 1)).replace(/\r$/, ''));
        buf = buf.subarray(nl + 1);
        written = true;
        arm();
        if (lines.length === expect) {
          finish({ kind: 'lines', lines });
          return;
        }
      }
      if (buf.length > MAX_LINE * 64) fail(false);
    });
  });
}

/** What MIGRATE takes from the keyspace for one key: its payload and the value to compare before deleting. */
interface Item {
  readonly key: string;
  readonly value: StoredValue;
  readonly ttl: number;
}

async function migrate(keyspace: Keyspace, ctx: CommandContext, p: Parsed, items: Item[], compress: boolean): Promise<RespValue> {
  const db = ctx.client.db;
  const cmds: Buffer[] = [];
  if (p.auth !== undefined) cmds.push(...encode(['AUTH', ...p.auth]));
  // a new connection has no database selected yet: SELECT always goes first
  cmds.push(...encode(['SELECT', String(p.db)]));
  for (const it of items) {
    const payload = createDumpPayload(storedToRdbValue(it.value), { compress });
    cmds.push(...encode(['RESTORE', it.key, String(it.ttl), payload, ...(p.replace ? ['REPLACE'] : [])]));
  }
  const expect = (p.auth !== undefined ? 1 : 0) + 1 + items.length;
  let out = await exchange(p.host, p.port, p.timeout, cmds, expect);
  // a closed socket before any reply is retried once; a timeout is not
  if (out.kind === 'io' && !out.timedOut && out.lines.length === 0) out = await exchange(p.host, p.port, p.timeout, cmds, expect);
  if (out.kind === 'connect') return CONNECT_FAILED;
  const lines = out.lines;
  const head = (p.auth !== undefined ? 1 : 0) + 1;
  const prefixError = lines.slice(0, head).find((l) => l.startsWith('-'));
  let error: string | undefined;
  const acked: string[] = [];
  for (let j = 0; j < items.length && head + j < lines.length; j++) {
    const line = lines[head + j] as string;
    if (prefixError !== undefined || line.startsWith('-')) error ??= (prefixError ?? line).slice(1);
    else if (!p.copy) {
      const it = items[j] as Item;
      // only a key still holding the value that was sent is deleted
      if (keyspace.peek(db, it.key)?.value === it.value) acked.push(it.key);
    }
  }
  if (acked.length > 0) ctx.runtime.propagateAsUnit(ctx.client, () => ctx.keyspace(['DEL', ...acked]));
  if (error !== undefined) return new ErrorReply(`ERR Target instance replied with error: ${error}`);
  if (out.kind === 'io') return new ErrorReply(`IOERR error or timeout ${out.writing ? 'writing' : 'reading'} to target instance`);
  return OK;
}

function migrateHandler(keyspace: Keyspace, compress: () => boolean) {
  return (ctx: CommandContext, argv: readonly string[]): CommandResult => {
    const p = parse(argv);
    if (p instanceof ErrorReply) return p;
    const db = ctx.client.db;
    const now = Date.now();
    const items: Item[] = [];
    for (const key of p.keys) {
      // lookupKeyRead: an expired key is not migrated
      if (ctx.keyspace(['EXISTS', key]) !== 1) continue;
      const found = keyspace.peek(db, key);
      if (found === undefined) continue;
      const ttl = found.expireAt > 0 ? Math.max(found.expireAt - now, 1) : 0;
      items.push({ key, value: found.value, ttl });
    }
    if (items.length === 0) return NOKEY;
    if (ctx.inExec || ctx.client.kind !== 'normal' && ctx.client.kind !== 'pubsub') return NOT_HERE;
    const client = ctx.client;
    client.blockedOn = BLOCK;
    void migrate(keyspace, ctx, p, items, compress()).then(
      (reply) => done(reply),
      (e: unknown) => done(new ErrorReply(`ERR ${(e as Error).message}`)),
    );
    const done = (reply: RespValue): void => {
      client.blockedOn = undefined;
      if (client.isClosed) return;
      client.reply(reply);
      client.resume();
    };
    return NO_REPLY;
  };
}

/** MIGRATE and RESTORE-ASKING (RESTORE's handler under its own name, as in Redis). */
export function migrateCommands(keyspace: Keyspace, options: { compress: () => boolean }): ServerCommandSpec[] {
  const restore = dumpCommands(keyspace, options).find((s) => s.name === 'restore') as ServerCommandSpec;
  return [
    { ...restore, name: 'restore-asking', flags: [...restore.flags, 'asking'] },
    {
      name: 'migrate',
      arity: -6,
      flags: ['write', 'movablekeys'],
      categories: ['@keyspace', '@write', '@slow', '@dangerous'],
      firstKey: 3,
      lastKey: 3,
      keyStep: 1,
      handler: migrateHandler(keyspace, options.compress),
    },
  ];
}
