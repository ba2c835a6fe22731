/**
 * The `redis` table and the sandbox a script runs in, as Redis 7.0 sets them up (script_lua.c):
 * redis.call/pcall, error_reply/status_reply, sha1hex, log, setresp, set_repl,
 * replicate_commands, breakpoint/debug (inert without the debugger), acl_check_cmd; the
 * replacement `pcall` that turns a redis.call error table into its message; math.random on
 * Redis's lrand48; the Lua 5.1 names 5.3 dropped (unpack, loadstring, math.pow ...); globals that
 * refuse new names and raise on unknown ones.
 */
import { createHash } from 'node:crypto';
import { ErrorReply, formatDouble, type RespValue } from '@replikit/resp';
import type { LuaState } from 'fengari';
import { REDIS_VERSION } from '../redis-version';
import { lauxlib, lua } from './fengari-loader';
import { pushErrorTable, pushReply } from './lua-convert';
import { frameArgs, Lrand48, latin1ToLua, pushBinary, raise, setFunction, toBinary, toBinaryKept } from './lua-runtime';

/** What redis.* needs from the script invocation running now. */
export interface ScriptCallContext {
  /** protocol of the replies redis.call converts (redis.setresp) */
  resp: 2 | 3;
  /** redis.set_repl flags (REPL_ALL = 3) */
  replFlags: number;
  /**
   * Runs a command for the script; errors come back as ErrorReply (already Redis's full text).
   * `argv` is lent for the call only (redis.call refills the same array for its next command):
   * whatever keeps it past the call takes a copy.
   */
  call(argv: string[]): RespValue;
  /** true when the command exists (redis.acl_check_cmd) */
  commandExists(argv: string[]): boolean;
  /** true when the ACL rules of the user running the script allow the command (redis.acl_check_cmd) */
  aclAllows?(argv: string[]): boolean;
}

export interface RedisApiHost {
  /** the running invocation, or undefined between scripts */
  current(): ScriptCallContext | undefined;
  /** redis.log: level 0 debug .. 3 warning */
  log(level: number, message: string): void;
}

/**
 * luaPushError's text rules: `-CODE msg` keeps CODE, a bare message gets `ERR`; a trailing CR/LF
 * is trimmed.
 */
export function errorText(raw: string): string {
  let code = 'ERR';
  let msg = raw;
  if (raw.startsWith('-')) {
    const sp = raw.indexOf(' ');
    if (sp < 0) msg = raw.slice(1);
    else {
      code = raw.slice(1, sp);
      msg = raw.slice(sp + 1);
    }
  }
  return `${code} ${msg.replace(/[\r\n]+$/, '')}`;
}

function raiseTable(L: LuaState, text: string): never {
  pushErrorTable(L, text);
  return lua.lua_error(L);
}

/** redis.call's argument arrays by length, refilled for every call (see ScriptCallContext.call) */
const lentArgv: string[][] = [];
const LENT_MAX = 16;
/** a lent array is in use (a command that reached redis.call again gets a new one) */
let lentBusy = false;

/** The arguments on the stack as a new array, or the lent array of their length with `lent`. */
function scriptArgs(L: LuaState, lent = false): string[] | undefined {
  const argc = lua.lua_gettop(L);
  let argv: string[] | undefined;
  if (lent && argc <= LENT_MAX && !lentBusy) {
    argv = lentArgv[argc];
    if (argv === undefined) {
      argv = new Array<string>(argc).fill('');
      lentArgv[argc] = argv;
    }
  } else argv = new Array(argc);
  if (lent) return frameArgs(L, argv, argc, formatDouble) ? argv : undefined;
  for (let j = 1; j <= argc; j++) {
    const t = lua.lua_type(L, j);
    if (t === lua.LUA_TNUMBER) argv[j - 1] = formatDouble(lua.lua_tonumber(L, j));
    // the command name is nearly always a constant of the script: its JS string is kept
    else if (t === lua.LUA_TSTRING) argv[j - 1] = (j === 1 ? toBinaryKept(L, j) : toBinary(L, j)) as string;
    else return undefined;
  }
  return argv;
}

function genericCall(L: LuaState, host: RedisApiHost, raiseError: boolean): number {
  const ctx = host.current();
  if (ctx === undefined) return raiseTable(L, 'ERR redis.call/pcall can only be called inside a script invocation');
  if (lua.lua_gettop(L) === 0) {
    pushErrorTable(L, 'ERR Please specify at least one argument for this redis lib call');
    return raiseError ? lua.lua_error(L) : 1;
  }
  const argv = scriptArgs(L, true);
  // the arguments stay below the reply: a JS function's results are taken from the top
  if (argv === undefined) {
    pushErrorTable(L, 'ERR Lua redis lib command arguments must be strings or integers');
    return raiseError ? lua.lua_error(L) : 1;
  }
  let reply: RespValue;
  if (lentArgv[argv.length] === argv) {
    lentBusy = true;
    try {
      reply = ctx.call(argv);
    } finally {
      lentBusy = false;
      // the strings are not kept alive until the next call of this length
      argv.fill('');
    }
  } else reply = ctx.call(argv);
  if (reply instanceof ErrorReply) {
    pushErrorTable(L, errorText(`-${reply.message}`));
    return raiseError ? lua.lua_error(L) : 1;
  }
  pushReply(L, reply, ctx.resp);
  return 1;
}

/** Redis's pcall: like Lua's, but an error table carrying `err` is replaced by that message. */
function redisPcall(L: LuaState): number {
  const argc = lua.lua_gettop(L);
  if (argc === 0) return lauxlib.luaL_error(L, latin1ToLua("bad argument #1 to 'pcall' (value expected)"));
  lua.lua_pushboolean(L, true);
  lua.lua_insert(L, 1);
  if (lua.lua_pcall(L, argc - 1, lua.LUA_MULTRET, 0) !== lua.LUA_OK) {
    lua.lua_remove(L, 1);
    if (lua.lua_istable(L, -1)) {
      lua.lua_getfield(L, -1, latin1ToLua('err'));
      if (lua.lua_isstring(L, -1)) lua.lua_replace(L, -2);
      else lua.lua_pop(L, 1);
    }
    lua.lua_pushboolean(L, false);
    lua.lua_insert(L, 1);
  }
  return lua.lua_gettop(L);
}

function singleStringArg(L: LuaState): string | undefined {
  if (lua.lua_gettop(L) !== 1 || lua.lua_type(L, -1) !== lua.LUA_TSTRING) return undefined;
  return toBinary(L, -1) as string;
}

const PRELUDE = `
local dbg = debug
local handler = function(err)
  local i = dbg.getinfo(2, 'nSl')
  if i and (i.what == 'C' or i.what == 'J') then i = dbg.getinfo(3, 'nSl') end
  if type(err) ~= 'table' then err = {err = 'ERR ' .. tostring(err)} end
  if i then
    err['source'] = i.source
    err['line'] = i.currentline
  end
  return err
end
local rawtostring = tostring
tostring = function(v) if type(v) == 'number' then return v .. '' end return rawtostring(v) end
unpack = table.unpack
loadstring = load
math.pow = function(x, y) return x ^ y end
math.mod = math.fmod
math.log10 = function(x) return math.log(x, 10) end
math.ldexp = function(m, e) return m * 2.0 ^ e end
math.cosh = function(x) return (math.exp(x) + math.exp(-x)) / 2 end
math.sinh = function(x) return (math.exp(x) - math.exp(-x)) / 2 end
math.tanh = function(x) local a, b = math.exp(x), math.exp(-x) return (a - b) / (a + b) end
math.type, math.tointeger, math.ult = nil, nil, nil
table.getn = function(t) return #t end
table.maxn = function(t) local n = 0 for k in pairs(t) do if type(k) == 'number' and k > n then n = k end end return n end
table.foreach = function(t, f) for k, v in pairs(t) do local r = f(k, v) if r ~= nil then return r end end end
table.foreachi = function(t, f) for i = 1, #t do local r = f(i, t[i]) if r ~= nil then return r end end end
table.move = nil
string.gfind = string.gmatch
string.pack, string.unpack, string.packsize = nil, nil, nil
gcinfo = function() return collectgarbage('count') end
_VERSION = 'Lua 5.1'
print, dofile, loadfile, require, package, io, os, utf8, debug, rawlen = nil, nil, nil, nil, nil, nil, nil, nil, nil, nil
return handler
`;


function runChunk(L: LuaState, code: string, results: number): void {
  const src = latin1ToLua(code);
  if (lauxlib.luaL_loadbuffer(L, src, src.length, latin1ToLua('=redis_setup')) !== lua.LUA_OK) {
    throw new Error(`scripting setup chunk failed to compile: ${toBinary(L, -1)}`);
  }
  if (lua.lua_pcall(L, 0, results, 0) !== lua.LUA_OK) throw new Error(`scripting setup chunk failed: ${toBinary(L, -1)}`);
}

/**
 * Installs the Redis API and the sandbox in a fresh state; `openLibraries` adds cjson, cmsgpack,
 * bit and struct before the globals are locked. Returns the registry reference of the error
 * handler every script call uses.
 */
export function installRedisApi(L: LuaState, host: RedisApiHost, openLibraries: (L: LuaState) => void): number {
  runChunk(L, PRELUDE, 1);
  const handlerRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
  openLibraries(L);
  lua.lua_pushcfunction(L, redisPcall);
  lua.lua_setglobal(L, latin1ToLua('pcall'));

  lua.lua_newtable(L);
  setFunction(L, 'call', (s) => genericCall(s, host, true));
  setFunction(L, 'pcall', (s) => genericCall(s, host, false));
  setFunction(L, 'log', (s) => {
    const argc = lua.lua_gettop(s);
    if (argc < 2) return raiseTable(s, 'ERR redis.log() requires two arguments or more.');
    if (!lua.lua_isnumber(s, 1)) return raiseTable(s, 'ERR First argument must be a number (log level).');
    const level = Math.trunc(lua.lua_tonumber(s, 1));
    if (level < 0 || level > 3) return raiseTable(s, 'ERR Invalid debug level.');
    const parts: string[] = [];
    for (let j = 2; j <= argc; j++) {
      const part = toBinary(s, j);
      if (part !== null) parts.push(part);
    }
    host.log(level, parts.join(' '));
    return 0;
  });
  for (const [name, level] of [['LOG_DEBUG', 0], ['LOG_VERBOSE', 1], ['LOG_NOTICE', 2], ['LOG_WARNING', 3]] as const) {
    lua.lua_pushnumber(L, level);
    lua.lua_setfield(L, -2, latin1ToLua(name));
  }
  const [maj, min, patch] = REDIS_VERSION.split('.').map(Number) as [number, number, number];
  lua.lua_pushnumber(L, (maj << 16) | (min << 8) | patch);
  lua.lua_setfield(L, -2, latin1ToLua('REDIS_VERSION_NUM'));
  pushBinary(L, REDIS_VERSION);
  lua.lua_setfield(L, -2, latin1ToLua('REDIS_VERSION'));
  setFunction(L, 'setresp', (s) => {
    const ctx = host.current();
    if (ctx === undefined) return raiseTable(s, 'ERR redis.setresp can only be called inside a script invocation');
    if (lua.lua_gettop(s) !== 1) return raiseTable(s, 'ERR redis.setresp() requires one argument.');
    const resp = Math.trunc(lua.lua_tonumber(s, 1));
    if (resp !== 2 && resp !== 3) return raiseTable(s, 'ERR RESP version must be 2 or 3.');
    ctx.resp = resp;
    return 0;
  });
  setFunction(L, 'sha1hex', (s) => {
    if (lua.lua_gettop(s) !== 1) return raiseTable(s, 'ERR wrong number of arguments');
    const data = lua.lua_tolstring(s, 1) ?? new Uint8Array(0);
    pushBinary(s, createHash('sha1').update(data).digest('hex'));
    return 1;
  });
  setFunction(L, 'error_reply', (s) => {
    const text = singleStringArg(s);
    if (text === undefined) pushErrorTable(s, 'ERR wrong number or type of arguments');
    else pushErrorTable(s, errorText(text.startsWith('-') ? text : `-${text}`));
    return 1;
  });
  setFunction(L, 'status_reply', (s) => {
    const text = singleStringArg(s);
    if (text === undefined) pushErrorTable(s, 'ERR wrong number or type of arguments');
    else {
      lua.lua_createtable(s, 0, 1);
      pushBinary(s, text);
      lua.lua_setfield(s, -2, latin1ToLua('ok'));
    }
    return 1;
  });
  setFunction(L, 'set_repl', (s) => {
    const ctx = host.current();
    if (ctx === undefined) return raiseTable(s, 'ERR redis.set_repl can only be called inside a script invocation');
    if (lua.lua_gettop(s) !== 1) return raiseTable(s, 'ERR redis.set_repl() requires two arguments.');
    const flags = Math.trunc(lua.lua_tonumber(s, -1));
    if ((flags & ~3) !== 0) return raiseTable(s, 'ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.');
    ctx.replFlags = flags;
    return 0;
  });
  for (const [name, v] of [['REPL_NONE', 0], ['REPL_AOF', 1], ['REPL_SLAVE', 2], ['REPL_REPLICA', 2], ['REPL_ALL', 3]] as const) {
    lua.lua_pushnumber(L, v);
    lua.lua_setfield(L, -2, latin1ToLua(name));
  }
  setFunction(L, 'replicate_commands', (s) => {
    lua.lua_pushboolean(s, true);
    return 1;
  });
  setFunction(L, 'breakpoint', (s) => {
    lua.lua_pushboolean(s, false);
    return 1;
  });
  setFunction(L, 'debug', () => 0);
  setFunction(L, 'acl_check_cmd', (s) => {
    const ctx = host.current();
    if (ctx === undefined) return raiseTable(s, 'ERR redis.acl_check_cmd can only be called inside a script invocation');
    if (lua.lua_gettop(s) === 0) return raiseTable(s, 'ERR Please specify at least one argument for this redis lib call');
    const argv = scriptArgs(s);
    if (argv === undefined) return raiseTable(s, 'ERR Lua redis lib command arguments must be strings or integers');
    if (!ctx.commandExists(argv)) return raiseTable(s, 'ERR Invalid command passed to redis.acl_check_cmd()');
    lua.lua_pushboolean(s, ctx.aclAllows?.(argv) ?? true);
    return 1;
  });
  lua.lua_setglobal(L, latin1ToLua('redis'));

  const rand = new Lrand48();
  rand.seed(Date.now() & 0x7fffffff);
  const MAX = 2147483647;
  lua.lua_getglobal(L, latin1ToLua('math'));
  setFunction(L, 'random', (s) => {
    const r = (rand.next() % MAX) / MAX;
    const argc = lua.lua_gettop(s);
    if (argc === 0) lua.lua_pushnumber(s, r);
    else if (argc === 1) {
      const u = Math.trunc(lauxlib.luaL_checknumber(s, 1));
      if (u < 1) return raise(s, "bad argument #1 to 'random' (interval is empty)");
      lua.lua_pushnumber(s, Math.floor(r * u) + 1);
    } else if (argc === 2) {
      const l = Math.trunc(lauxlib.luaL_checknumber(s, 1));
      const u = Math.trunc(lauxlib.luaL_checknumber(s, 2));
      if (l > u) return raise(s, "bad argument #2 to 'random' (interval is empty)");
      lua.lua_pushnumber(s, Math.floor(r * (u - l + 1)) + l);
    } else return lauxlib.luaL_error(s, latin1ToLua('wrong number of arguments'));
    return 1;
  });
  setFunction(L, 'randomseed', (s) => {
    rand.seed(Math.trunc(lauxlib.luaL_checknumber(s, 1)));
    return 0;
  });
  lua.lua_pop(L, 1);
  // the globals refuse new names and raise on unknown ones (JS functions, so the error handler
  // reports the script's line, as for Redis's C metamethods)
  lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
  lua.lua_newtable(L);
  setFunction(L, '__index', (s) => raise(s, `Script attempted to access nonexistent global variable '${toBinary(s, 2) ?? '?'}'`));
  setFunction(L, '__newindex', (s) => raise(s, 'Attempt to modify a readonly table'));
  lua.lua_setmetatable(L, -2);
  lua.lua_pop(L, 1);
  return handlerRef;
}
