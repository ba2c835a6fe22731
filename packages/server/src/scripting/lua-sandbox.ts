/**
 * Redis 7.0's read-only Lua globals. Redis's Lua has a `readonly` flag on tables: the globals
 * table, every table reachable from it (string, math, redis, cjson ...) and their metatables get
 * it once the API is installed, and any store into such a table (an assignment, rawset,
 * setmetatable) fails with "Attempt to modify a readonly table", positioned at the script's line
 * when Lua code did it.
 *
 * Here the flag is a property on fengari's table objects, checked by a wrapper around the table
 * store every assignment and lua_rawset go through. Stores made by the host outside any Lua call
 * (KEYS and ARGV before a script runs, the API set-up) are not refused: the check applies only
 * while a function runs on the state that writes.
 */
import type { LuaState } from 'fengari';
import { lauxlib, ldebug, ltable, lua } from './fengari-loader';
import { latin1ToLua } from './lua-runtime';

const READONLY_TEXT = latin1ToLua('Attempt to modify a readonly table');

interface ProtectedTable {
  readonly?: boolean;
}

interface CallState {
  ci: unknown;
  base_ci: unknown;
}

let installed = false;

/** Wraps fengari's table store once per process: a store into a read-only table raises, as in Redis's Lua. */
function installStoreCheck(): void {
  if (installed) return;
  installed = true;
  const store = ltable.luaH_setfrom;
  ltable.luaH_setfrom = (L, t, key, value) => {
    if ((t as ProtectedTable).readonly === true && (L as CallState).ci !== (L as CallState).base_ci) ldebug.luaG_runerror(L, READONLY_TEXT);
    store(L, t, key, value);
  };
}

/** The table at `idx` as fengari's object (lua_topointer returns it for tables). */
function tableAt(L: LuaState, idx: number): ProtectedTable {
  return (lua as unknown as { lua_topointer(L: LuaState, i: number): ProtectedTable }).lua_topointer(L, idx);
}

/** luaSetTableProtectionRecursively: the table on top of the stack, its tables and metatables. */
function protectRecursively(L: LuaState): void {
  const t = tableAt(L, -1);
  if (t.readonly === true) return;
  t.readonly = true;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    if (lua.lua_istable(L, -1)) protectRecursively(L);
    lua.lua_pop(L, 1);
  }
  if (lua.lua_getmetatable(L, -1)) {
    protectRecursively(L);
    lua.lua_pop(L, 1);
  }
}

/**
 * Makes the globals of `L` read-only as Redis 7.0 does after registering its API. `setmetatable`
 * is wrapped to refuse read-only tables (fengari's changes the metatable without a table store).
 */
export function protectGlobals(L: LuaState): void {
  installStoreCheck();
  lua.lua_getglobal(L, latin1ToLua('setmetatable'));
  const original = (lua as unknown as { lua_tocfunction(L: LuaState, i: number): ((s: LuaState) => number) | null }).lua_tocfunction(L, -1);
  lua.lua_pop(L, 1);
  if (original !== null) {
    lua.lua_pushcfunction(L, (s: LuaState) => {
      if (lua.lua_istable(s, 1) && tableAt(s, 1).readonly === true) ldebug.luaG_runerror(s, READONLY_TEXT);
      return original(s);
    });
    lua.lua_setglobal(L, latin1ToLua('setmetatable'));
  }
  lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
  protectRecursively(L);
  lua.lua_pop(L, 1);
}

/** Marks the table on top of the stack read-only (and what it reaches), like protectGlobals. */
export function protectTable(L: LuaState): void {
  installStoreCheck();
  protectRecursively(L);
}

/**
 * Replaces the global `error` with Lua 5.1's (Redis runs 5.1, fengari is 5.3): 5.1 prefixes the
 * position ("user_script:1: ") to any message lua_isstring accepts, numbers included, so
 * `error(12)` raises the string "user_script:1: 12"; 5.3 adds it to strings only and raises the
 * number 12. Everything else (levels, tables, nil) behaves the same in both.
 */
export function installLua51Error(L: LuaState): void {
  lua.lua_pushcfunction(L, (s: LuaState) => {
    const level = lauxlib.luaL_optinteger(s, 2, 1);
    lua.lua_settop(s, 1);
    if (lua.lua_isstring(s, 1) && level > 0) {
      lauxlib.luaL_where(s, level);
      lua.lua_pushvalue(s, 1);
      lua.lua_concat(s, 2);
    }
    return lua.lua_error(s);
  });
  lua.lua_setglobal(L, latin1ToLua('error'));
}
