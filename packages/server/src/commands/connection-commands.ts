import { ErrorReply, MapReply, OK, PONG, SimpleString } from '@replikit/resp';
import type { ClientConnection } from '../connection/client-connection';
import { REDIS_VERSION } from '../defaults';
import { type ServerCommandSpec, spec, type ServerCommandFlag } from '../dispatch/command-spec';
import {
  AUTH_NOPASS,
  CLIENT_NAME_CHARS,
  DB_OUT_OF_RANGE,
  NOPROTO,
  NOT_INTEGER,
  PROTOVER_NOT_INT,
  SYNTAX,
  WRONGPASS,
  wrongArity,
} from '../dispatch/reply-texts';
import type { ServerRuntime } from '../dispatch/server-runtime';
import { eqi, parseInt32, parseStrictInt } from './arg-parsing';
import { unwatchAll } from './transaction-commands';
import { introspectionOf } from '../introspection/introspection';

const INT_RANGE = new ErrorReply('ERR value is out of range, value must between -2147483648 and 2147483647');
const CONN: readonly ServerCommandFlag[] = ['noscript', 'loading', 'stale', 'fast', 'no-auth', 'allow-busy'];
const RESET = new SimpleString('RESET');

/** clientSetNameOrReply: printable ASCII without spaces. */
export function validClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 33 || c > 126) return false;
  }
  return true;
}

/** RESET and the end of a connection's transaction/subscription state (clearClientConnectionState). */
export function resetClientState(rt: ServerRuntime, c: ClientConnection): void {
  c.multi = undefined;
  unwatchAll(rt, c);
  rt.pubsub.removeAll(c);
  c.db = 0;
  c.protocol = 2;
  c.name = '';
  c.user = 'default';
  c.authenticated = !rt.users.defaultUserNeedsAuth;
  c.replyOff = false;
  c.skipNext = false;
  c.skipThis = false;
  c.muted = false;
  c.noEvict = false;
  introspectionOf(rt).clientReset(c);
}

function authenticate(rt: ServerRuntime, c: ClientConnection, user: string, pass: string, commandName: string): boolean {
  if (!rt.users.check(user, pass)) {
    // ACL LOG entry of reason `auth`, object the command name as sent
    rt.users.logAuthFailure(c, user, commandName);
    return false;
  }
  c.user = user;
  c.authenticated = true;
  return true;
}

function withTips(tips: string[], s: ServerCommandSpec): ServerCommandSpec {
  return { ...s, tips };
}

export const connectionCommands: ServerCommandSpec[] = [
  withTips(['request_policy:all_shards', 'response_policy:all_succeeded'], spec('ping', -1, ['fast'], ['@fast', '@connection'], (ctx, argv) => {
    if (argv.length > 2) return wrongArity('ping');
    const c = ctx.client;
    if (c.protocol === 2 && c.channels.size + c.patterns.size + c.shardChannels.size > 0) {
      return ['pong', argv.length === 2 ? (argv[1] as string) : ''];
    }
    return argv.length === 2 ? (argv[1] as string) : PONG;
  })),
  spec('echo', 2, ['loading', 'stale', 'fast'], ['@fast', '@connection'], (_ctx, argv) => argv[1] as string),
  spec('quit', -1, CONN, ['@fast', '@connection'], (ctx) => {
    ctx.client.closeAfterReply();
    return OK;
  }),
  spec('reset', 1, CONN, ['@fast', '@connection'], (ctx) => {
    const c = ctx.client as ClientConnection;
    resetClientState(ctx.runtime, c);
    return RESET;
  }),
  spec('select', 2, ['loading', 'stale', 'fast'], ['@fast', '@connection'], (ctx, argv) => {
    const n = parseStrictInt(argv[1] as string);
    if (n === null) return NOT_INTEGER;
    if (parseInt32(argv[1] as string) === null) return INT_RANGE;
    if (n < 0 || n >= ctx.runtime.keyspace.databases) return DB_OUT_OF_RANGE;
    ctx.client.db = n;
    return OK;
  }),
  spec('time', 1, ['loading', 'stale', 'fast'], ['@fast'], () => {
    const us = BigInt(Date.now()) * 1000n + BigInt(Math.floor((performance.now() % 1) * 1000));
    return [String(us / 1000000n), String(us % 1000000n)];
  }),
  spec('auth', -2, CONN, ['@fast', '@connection'], (ctx, argv) => {
    if (argv.length > 3) return SYNTAX;
    const rt = ctx.runtime;
    if (argv.length === 2) {
      if (rt.users.defaultUserNopass) return AUTH_NOPASS;
      return authenticate(rt, ctx.client as ClientConnection, 'default', argv[1] as string, argv[0] as string) ? OK : WRONGPASS;
    }
    return authenticate(rt, ctx.client as ClientConnection, argv[1] as string, argv[2] as string, argv[0] as string) ? OK : WRONGPASS;
  }),
  spec('hello', -1, CONN, ['@fast', '@connection'], (ctx, argv) => {
    const c = ctx.client as ClientConnection;
    const rt = ctx.runtime;
    let ver = 0;
    let next = 1;
    if (argv.length >= 2) {
      const v = parseStrictInt(argv[next++] as string);
      if (v === null) return PROTOVER_NOT_INT;
      if (v < 2 || v > 3) return NOPROTO;
      ver = v;
    }
    let user: string | undefined;
    let pass = '';
    let name: string | undefined;
    for (let j = next; j < argv.length; j++) {
      const more = argv.length - 1 - j;
      const opt = argv[j] as string;
      if (eqi(opt, 'auth') && more >= 2) {
        user = argv[j + 1] as string;
        pass = argv[j + 2] as string;
        j += 2;
      } else if (eqi(opt, 'setname') && more >= 1) {
        name = argv[j + 1] as string;
        j++;
      } else return new ErrorReply(`ERR Syntax error in HELLO option '${opt}'`);
    }
    if (user !== undefined && !authenticate(rt, c, user, pass, argv[0] as string)) return WRONGPASS;
    if (!c.authenticated && rt.users.defaultUserNeedsAuth) {
      return new ErrorReply(
        'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
      );
    }
    if (name !== undefined) {
      if (!validClientName(name)) return CLIENT_NAME_CHARS;
      c.name = name;
    }
    if (ver !== 0) c.protocol = ver as 2 | 3;
    return new MapReply([
      ['server', 'redis'],
      ['version', REDIS_VERSION],
      ['proto', c.protocol],
      ['id', c.id],
      ['mode', 'standalone'],
      ['role', rt.replication.role === 'replica' ? 'replica' : 'master'],
      ['modules', []],
    ]);
  }),
  spec('dbsize', 1, ['readonly', 'fast'], ['@keyspace', '@read', '@fast'], (ctx) => ctx.runtime.keyspace.dbSize(ctx.client.db)),
];
