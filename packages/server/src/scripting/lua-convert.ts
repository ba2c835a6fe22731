/**
 * Redis 7.0's conversions between replies and Lua values (script_lua.c): a command's reply as
 * the Lua value redis.call returns, and a script's return value as the reply sent to the client.
 * Both are defined on values, never on Lua's printed form: a Lua number becomes an integer reply
 * by truncation (`3.99` -> 3), whatever tostring() would print.
 */

import {
  BigNumberReply,
  BooleanReply,
  DoubleReply,
  ErrorReply,
  formatDouble,
  MapReply,
  NullArrayReply,
  PushReply,
  type RespValue,
  SetReply,
  SimpleString,
  VerbatimReply,
} from '@replikit/resp';
import type { LuaState } from 'fengari';
import { lua } from './fengari-loader';
import { latin1ToLua, pushBinary, toBinary } from './lua-runtime';

const K_ERR = latin1ToLua('err');
const K_OK = latin1ToLua('ok');
const K_DOUBLE = latin1ToLua('double');
const K_MAP = latin1ToLua('map');
const K_SET = latin1ToLua('set');
const K_BIG = latin1ToLua('big_number');
const K_VERBATIM = latin1ToLua('verbatim_string');
const K_FORMAT = latin1ToLua('format');
const K_STRING = latin1ToLua('string');

/** Nesting bound for both directions (deeper values are cut, as a guard against cycles). */
const MAX_DEPTH = 1000;

function pushField(L: LuaState, key: Uint8Array, push: () => void): void {
  lua.lua_createtable(L, 0, 1);
  push();
  lua.lua_setfield(L, -2, key);
}

/** Pushes `{err = text}` (the form of a Redis error inside Lua). */
export function pushErrorTable(L: LuaState, text: string): void {
  pushField(L, K_ERR, () => pushBinary(L, text));
}

/**
 * Pushes a command reply as a Lua value (redisProtocolToLuaType). `resp` is the protocol the
 * script chose with redis.setresp: with 2 the reply is what a RESP2 client would have read.
 */
export function pushReply(L: LuaState, v: RespValue, resp: 2 | 3, depth = 0): void {
  lua.lua_checkstack(L, 4);
  if (v === null) {
    if (resp === 2) lua.lua_pushboolean(L, false);
    else lua.lua_pushnil(L);
  } else if (typeof v === 'string') pushBinary(L, v);
  else if (typeof v === 'number') lua.lua_pushnumber(L, v);
  else if (typeof v === 'bigint') lua.lua_pushnumber(L, Number(v));
  else if (Buffer.isBuffer(v)) lua.lua_pushlstring(L, new Uint8Array(v), v.length);
  else if (Array.isArray(v) || v instanceof PushReply) {
    const items = Array.isArray(v) ? (v as readonly RespValue[]) : (v as PushReply).items;
    lua.lua_createtable(L, items.length, 0);
    if (depth < MAX_DEPTH) {
      for (let i = 0; i < items.length; i++) {
        pushReply(L, items[i] as RespValue, resp, depth + 1);
        lua.lua_rawseti(L, -2, i + 1);
      }
    }
  } else if (v instanceof SimpleString) pushField(L, K_OK, () => pushBinary(L, v.value));
  else if (v instanceof ErrorReply) pushErrorTable(L, v.message);
  else if (v instanceof NullArrayReply) {
    if (resp === 2) lua.lua_pushboolean(L, false);
    else lua.lua_pushnil(L);
  } else if (v instanceof DoubleReply) {
    if (resp === 2) pushBinary(L, v.text ?? formatDouble(v.value));
    else pushField(L, K_DOUBLE, () => lua.lua_pushnumber(L, v.value));
  } else if (v instanceof BooleanReply) {
    if (resp === 2) lua.lua_pushnumber(L, v.value ? 1 : 0);
    else lua.lua_pushboolean(L, v.value);
  } else if (v instanceof BigNumberReply) {
    if (resp === 2) pushBinary(L, v.value.toString());
    else pushField(L, K_BIG, () => pushBinary(L, v.value.toString()));
  } else if (v instanceof VerbatimReply) {
    const text = typeof v.text === 'string' ? v.text : v.text.toString('latin1');
    if (resp === 2) pushBinary(L, text);
    else {
      pushField(L, K_VERBATIM, () => {
        lua.lua_createtable(L, 0, 2);
        pushBinary(L, v.format);
        lua.lua_setfield(L, -2, K_FORMAT);
        pushBinary(L, text);
        lua.lua_setfield(L, -2, K_STRING);
      });
    }
  } else if (v instanceof MapReply) {
    if (resp === 2) {
      lua.lua_createtable(L, v.entries.length * 2, 0);
      let i = 1;
      for (const [k, val] of v.entries) {
        pushReply(L, k, resp, depth + 1);
        lua.lua_rawseti(L, -2, i++);
        pushReply(L, val, resp, depth + 1);
        lua.lua_rawseti(L, -2, i++);
      }
    } else {
      pushField(L, K_MAP, () => {
        lua.lua_createtable(L, 0, v.entries.length);
        for (const [k, val] of v.entries) {
          pushReply(L, k, resp, depth + 1);
          pushReply(L, val, resp, depth + 1);
          lua.lua_settable(L, -3);
        }
      });
    }
  } else if (v instanceof SetReply) {
    if (resp === 2) {
      lua.lua_createtable(L, v.items.length, 0);
      for (let i = 0; i < v.items.length; i++) {
        pushReply(L, v.items[i] as RespValue, resp, depth + 1);
        lua.lua_rawseti(L, -2, i + 1);
      }
    } else {
      pushField(L, K_SET, () => {
        lua.lua_createtable(L, 0, v.items.length);
        for (const item of v.items) {
          pushReply(L, item, resp, depth + 1);
          lua.lua_pushboolean(L, true);
          lua.lua_settable(L, -3);
        }
      });
    }
  } else lua.lua_pushnil(L);
}

/** Replaces CR and LF with spaces (addReplyErrorFormat and status replies do this). */
function oneLine(s: string): string {
  return s.replace(/[\r\n]/g, ' ');
}

const INT64_MIN = -9223372036854775808n;

/** (long long)d as C converts it on x86-64: out of range and NaN give LLONG_MIN. */
function truncateToInteger(d: number): number | bigint {
  const t = Math.trunc(d);
  if (Number.isSafeInteger(t)) return t;
  if (!Number.isFinite(t) || t >= 2 ** 63 || t < -(2 ** 63)) return INT64_MIN;
  return BigInt(t);
}

/** The string field `key` of the table at `idx`, or undefined. Leaves the stack as it was. */
function stringField(L: LuaState, idx: number, key: Uint8Array): string | undefined {
  lua.lua_getfield(L, idx, key);
  const t = lua.lua_type(L, -1);
  const s = t === lua.LUA_TSTRING || t === lua.LUA_TNUMBER ? toBinary(L, -1) : null;
  lua.lua_pop(L, 1);
  return s ?? undefined;
}

/**
 * The value at the top of the stack as a reply (luaReplyToRedisReply); pops it. `resp` is the
 * script's redis.setresp protocol: with 3, booleans and nil keep their RESP3 types.
 */
export function popReply(L: LuaState, resp: 2 | 3, depth = 0): RespValue {
  const v = toReply(L, resp, depth);
  lua.lua_pop(L, 1);
  return v;
}

function toReply(L: LuaState, resp: 2 | 3, depth: number): RespValue {
  const t = lua.lua_type(L, -1);
  if (t === lua.LUA_TSTRING) return toBinary(L, -1) as string;
  if (t === lua.LUA_TBOOLEAN) {
    const b = lua.lua_toboolean(L, -1);
    if (resp === 2) return b ? 1 : null;
    return new BooleanReply(b);
  }
  if (t === lua.LUA_TNUMBER) return truncateToInteger(lua.lua_tonumber(L, -1));
  if (t !== lua.LUA_TTABLE) return null;
  lua.lua_checkstack(L, 4);
  const err = stringField(L, -1, K_ERR);
  if (err !== undefined) return new ErrorReply(oneLine(err.startsWith('-') ? err.slice(1) : err));
  const ok = stringField(L, -1, K_OK);
  if (ok !== undefined) return new SimpleString(oneLine(ok));
  lua.lua_getfield(L, -1, K_DOUBLE);
  if (lua.lua_type(L, -1) === lua.LUA_TNUMBER) {
    const d = lua.lua_tonumber(L, -1);
    lua.lua_pop(L, 1);
    return new DoubleReply(d);
  }
  lua.lua_pop(L, 1);
  const big = stringField(L, -1, K_BIG);
  if (big !== undefined && /^-?\d+$/.test(big)) return new BigNumberReply(BigInt(big));
  lua.lua_getfield(L, -1, K_MAP);
  if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
    const entries: Array<[RespValue, RespValue]> = [];
    lua.lua_pushnil(L);
    while (lua.lua_next(L, -2)) {
      let value: RespValue = null;
      if (depth < MAX_DEPTH) value = popReply(L, resp, depth + 1);
      else lua.lua_pop(L, 1);
      lua.lua_pushvalue(L, -1);
      const key = popReply(L, resp, depth + 1);
      entries.push([key, value]);
    }
    lua.lua_pop(L, 1);
    return new MapReply(entries);
  }
  lua.lua_pop(L, 1);
  lua.lua_getfield(L, -1, K_SET);
  if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
    const items: RespValue[] = [];
    lua.lua_pushnil(L);
    while (lua.lua_next(L, -2)) {
      lua.lua_pop(L, 1);
      lua.lua_pushvalue(L, -1);
      items.push(popReply(L, resp, depth + 1));
    }
    lua.lua_pop(L, 1);
    return new SetReply(items);
  }
  lua.lua_pop(L, 1);
  const out: RespValue[] = [];
  if (depth >= MAX_DEPTH) return out;
  for (let i = 1; ; i++) {
    if (lua.lua_rawgeti(L, -1, i) === lua.LUA_TNIL) {
      lua.lua_pop(L, 1);
      break;
    }
    out.push(popReply(L, resp, depth + 1));
  }
  return out;
}
