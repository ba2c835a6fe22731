/**
 * The error reply of a script that raised an error, as Redis 7.0 builds it: the error handler it
 * runs scripts under (luaCallFunction's `lua_pcall` with the handler of script_lua.c) turns the
 * error into a table `{err = <message>}` (a non-table value becomes `'ERR ' .. tostring(value)`)
 * and adds the position it was raised at, so the reply reads
 * `<message> script: <sha>, on @user_script:<line>.`
 *
 * Scripts run as the body of a coroutine, not under a protected call: an error ends the
 * coroutine, and Lua leaves a dead coroutine's call frames as they were when the error was raised
 * (lua_resume does not unwind them). The position is read from those frames, as the handler reads
 * it from the frames below itself: the function that raised the error, or its caller when that is
 * a JS function (error(), redis.call, a metamethod of the globals).
 */
import { ErrorReply } from '@replikit/resp';
import type { LuaState } from 'fengari';
import { lauxlib, lua } from './fengari-loader';
import { latin1ToLua, lua51Message, luaToLatin1, toBinary } from './lua-runtime';

const SOURCE_LINE = latin1ToLua('Sl');
const K_ERR = latin1ToLua('err');
const K_SOURCE = latin1ToLua('source');
const K_LINE = latin1ToLua('line');

interface ErrorPosition {
  readonly source: string;
  readonly line: string;
}

/** The handler's `debug.getinfo(2, 'Sl')` (or 3 past a JS function), read from a dead coroutine. */
function errorPosition(co: LuaState): ErrorPosition | undefined {
  const ar = new lua.lua_Debug();
  if (lua.lua_getstack(co, 0, ar) === 0) return undefined;
  lua.lua_getinfo(co, SOURCE_LINE, ar);
  const what = ar.what;
  // 'J' is fengari's name for C functions (JS functions); 'C' for completeness
  if (what !== null && what.length === 1 && (what[0] === 0x4a || what[0] === 0x43)) {
    if (lua.lua_getstack(co, 1, ar) === 0) return undefined;
    lua.lua_getinfo(co, SOURCE_LINE, ar);
  }
  return { source: ar.source === null ? '?' : luaToLatin1(ar.source), line: String(ar.currentline) };
}

/** A string field of the table at the top of `L`, or undefined. */
function stringField(L: LuaState, key: Uint8Array): string | undefined {
  lua.lua_getfield(L, -1, key);
  const v = lua.lua_isstring(L, -1) ? (toBinary(L, -1) as string) : undefined;
  lua.lua_pop(L, 1);
  return v;
}

/**
 * The reply for the error value at the top of `co`, a coroutine that ended with it; `name` is the
 * script's sha (or the function's name). The value is moved to `L` (the main state) and read
 * there: a metamethod it triggers (__index, __tostring) runs in a live thread. Leaves both stacks
 * as they were, less the error value.
 */
export function scriptErrorReply(co: LuaState, L: LuaState, name: string): ErrorReply {
  let where = errorPosition(co);
  const top = lua.lua_gettop(L);
  lua.lua_xmove(co, L, 1);
  let msg: string;
  try {
    if (lua.lua_istable(L, -1)) {
      msg = stringField(L, K_ERR) ?? '(null)';
      if (where === undefined) {
        // the handler adds no position then: one the table itself carries is used
        const source = stringField(L, K_SOURCE);
        const line = stringField(L, K_LINE);
        if (source !== undefined && line !== undefined) where = { source, line };
      }
    } else if (lua.lua_type(L, -1) === lua.LUA_TSTRING || lua.lua_type(L, -1) === lua.LUA_TNUMBER) {
      msg = `ERR ${toBinary(L, -1) as string}`;
    } else {
      lauxlib.luaL_tolstring(L, -1);
      msg = `ERR ${toBinary(L, -1) as string}`;
    }
  } finally {
    lua.lua_settop(L, top);
  }
  // the message goes out as it is: an `err` starting with '-' keeps it after the reply's own
  let text = lua51Message(msg);
  if (where !== undefined) text += ` script: ${name}, on ${where.source}:${where.line}.`;
  return new ErrorReply(text.replace(/[\r\n]/g, ' '));
}
