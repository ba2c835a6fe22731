import { ErrorReply, OK, SimpleString, VerbatimReply } from '@replikit/resp';
import type { ClientConnection } from '../connection/client-connection';
import type { ServerClient } from '../connection/server-client';
import { clientInfoLine } from '../connection/client-info';
import { type CommandContext, NO_REPLY, type ServerCommandSpec, containerSpec, spec, type ServerCommandFlag } from '../dispatch/command-spec';
import { CLIENT_NAME_CHARS, NOT_INTEGER, NO_SUCH_CLIENT, SYNTAX } from '../dispatch/reply-texts';
import { eqi, parseStrictInt } from './arg-parsing';
import { validClientName } from './connection-commands';
import { trackingSubcommands } from './tracking-commands';

const ADMIN: readonly ServerCommandFlag[] = ['admin', 'noscript', 'loading', 'stale'];
const PLAIN: readonly ServerCommandFlag[] = ['noscript', 'loading', 'stale'];
const ADMIN_CAT = ['@admin', '@slow', '@dangerous', '@connection'];
const CONN_CAT = ['@slow', '@connection'];

/** getClientTypeByName */
function clientType(name: string): string | undefined {
  const n = name.toLowerCase();
  if (n === 'normal' || n === 'pubsub' || n === 'master') return n;
  if (n === 'slave' || n === 'replica') return 'replica';
  return undefined;
}

/** The connections, then the master client of a replica (which has no socket of its own here). */
function allClients(ctx: CommandContext): ServerClient[] {
  const out: ServerClient[] = [...ctx.runtime.clients.all()];
  const m = ctx.runtime.replication.masterClient;
  if (m !== undefined) out.push(m);
  return out;
}

function self(ctx: CommandContext): ClientConnection {
  return ctx.client as ClientConnection;
}

function clientList(ctx: CommandContext, argv: readonly string[]) {
  let type: string | undefined;
  let ids: Set<number> | undefined;
  if (argv.length === 4 && eqi(argv[2], 'type')) {
    type = clientType(argv[3] as string);
    if (type === undefined) return new ErrorReply(`ERR Unknown client type '${argv[3]}'`);
  } else if (argv.length > 3 && eqi(argv[2], 'id')) {
    ids = new Set();
    for (let j = 3; j < argv.length; j++) {
      const id = parseStrictInt(argv[j] as string);
      if (id === null) return new ErrorReply('ERR Invalid client ID');
      ids.add(id);
    }
  } else if (argv.length !== 2) return SYNTAX;
  const now = Date.now();
  let out = '';
  for (const c of allClients(ctx)) {
    if (type !== undefined && c.kind !== type) continue;
    if (ids !== undefined && !ids.has(c.id)) continue;
    out += `${clientInfoLine(c, now)}\n`;
  }
  return new VerbatimReply('txt', out);
}

function clientKill(ctx: CommandContext, argv: readonly string[]) {
  const me = self(ctx);
  let addr: string | undefined;
  let laddr: string | undefined;
  let id: number | undefined;
  let type: string | undefined;
  let user: string | undefined;
  let skipme = true;
  const oldForm = argv.length === 3;
  if (oldForm) {
    addr = argv[2] as string;
    skipme = false;
  } else {
    for (let i = 2; i < argv.length; i += 2) {
      const opt = argv[i] as string;
      const val = argv[i + 1];
      if (val === undefined) return SYNTAX;
      if (eqi(opt, 'id')) {
        const n = parseStrictInt(val);
        if (n === null || n <= 0) return new ErrorReply('ERR client-id should be greater than 0');
        id = n;
      } else if (eqi(opt, 'type')) {
        type = clientType(val);
        if (type === undefined) return new ErrorReply(`ERR Unknown client type '${val}'`);
      } else if (eqi(opt, 'addr')) addr = val;
      else if (eqi(opt, 'laddr')) laddr = val;
      else if (eqi(opt, 'user')) {
        if (!ctx.runtime.users.names().includes(val)) return new ErrorReply(`ERR No such user '${val}'`);
        user = val;
      } else if (eqi(opt, 'skipme')) {
        if (eqi(val, 'yes')) skipme = true;
        else if (eqi(val, 'no')) skipme = false;
        else return SYNTAX;
      } else return SYNTAX;
    }
  }
  let killed = 0;
  for (const c of allClients(ctx)) {
    if (addr !== undefined && c.addr !== addr) continue;
    if (laddr !== undefined && c.laddr !== laddr) continue;
    if (id !== undefined && c.id !== id) continue;
    if (type !== undefined && c.kind !== type) continue;
    if (user !== undefined && c.user !== user) continue;
    if (c === me && skipme) continue;
    if (c === me) me.closeAfterReply();
    else c.close('killed by CLIENT KILL');
    killed++;
  }
  if (oldForm) return killed === 0 ? NO_SUCH_CLIENT : OK;
  return killed;
}

const HELP = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are: ID, TYPE, USER, ADDR, LADDR, SKIPME.',
  'LIST [options ...]',
  '    Return information about client connections. Options: TYPE, ID.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
  'HELP',
  '    Print this help.',
];

export const clientCommand: ServerCommandSpec = containerSpec('client', [
  spec('client|id', 2, PLAIN, CONN_CAT, (ctx) => ctx.client.id),
  spec('client|info', 2, PLAIN, CONN_CAT, (ctx) => new VerbatimReply('txt', `${clientInfoLine(self(ctx))}\n`)),
  spec('client|list', -2, ADMIN, ADMIN_CAT, clientList),
  spec('client|kill', -3, ADMIN, ADMIN_CAT, clientKill),
  spec('client|getname', 2, PLAIN, CONN_CAT, (ctx) => (ctx.client.name === '' ? null : ctx.client.name)),
  spec('client|setname', 3, PLAIN, CONN_CAT, (ctx, argv) => {
    const name = argv[2] as string;
    if (!validClientName(name)) return CLIENT_NAME_CHARS;
    ctx.client.name = name;
    return OK;
  }),
  spec('client|reply', 3, PLAIN, CONN_CAT, (ctx, argv) => {
    const c = ctx.client;
    const mode = argv[2] as string;
    if (eqi(mode, 'on')) {
      c.replyOff = false;
      c.skipNext = false;
      c.muted = false;
      return OK;
    }
    if (eqi(mode, 'off')) {
      c.replyOff = true;
      c.muted = true;
      return NO_REPLY;
    }
    if (eqi(mode, 'skip')) {
      if (!c.replyOff) c.skipNext = true;
      c.muted = true;
      return NO_REPLY;
    }
    return SYNTAX;
  }),
  spec('client|no-evict', 3, ADMIN, ['@admin', '@slow', '@dangerous', '@connection'], (ctx, argv) => {
    if (eqi(argv[2], 'on')) ctx.client.noEvict = true;
    else if (eqi(argv[2], 'off')) ctx.client.noEvict = false;
    else return SYNTAX;
    return OK;
  }),
  spec('client|unblock', -3, ADMIN, ADMIN_CAT, (ctx, argv) => {
    const id = parseStrictInt(argv[2] as string);
    if (id === null) return NOT_INTEGER;
    let error = false;
    if (argv.length === 4) {
      if (eqi(argv[3], 'error')) error = true;
      else if (!eqi(argv[3], 'timeout')) return new ErrorReply('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
    } else if (argv.length > 4) return SYNTAX;
    const target = ctx.runtime.clients.get(id);
    if (target === undefined || !target.blocked) return 0;
    const err = error ? new ErrorReply('UNBLOCKED client unblocked via CLIENT UNBLOCK') : undefined;
    return ctx.runtime.blocking.unblock(target, err) ? 1 : 0;
  }),
  spec('client|pause', -3, ADMIN, ADMIN_CAT, (ctx, argv) => {
    const t = argv[2] as string;
    const ms = parseStrictInt(t);
    if (ms === null) return new ErrorReply('ERR timeout is not an integer or out of range');
    if (ms < 0) return new ErrorReply('ERR timeout is negative');
    let mode: 'all' | 'write' = 'all';
    if (argv.length === 4) {
      if (eqi(argv[3], 'write')) mode = 'write';
      else if (!eqi(argv[3], 'all')) return new ErrorReply('ERR CLIENT PAUSE mode must be WRITE or ALL');
    } else if (argv.length > 4) {
      return new ErrorReply(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try CLIENT HELP.`);
    }
    ctx.runtime.pauses.pause('client', mode, ms === 0 ? 1 : ms);
    return OK;
  }),
  spec('client|unpause', 2, ADMIN, ADMIN_CAT, (ctx) => {
    ctx.runtime.pauses.unpause('client');
    return OK;
  }),
  ...trackingSubcommands,
  spec('client|help', 2, ['loading', 'stale'], CONN_CAT, () => HELP.map((h) => new SimpleString(h))),
]);

