/**
 * The part of fengari's API (a Lua 5.3 VM written in JavaScript) the scripting engine uses. fengari
 * ships no type declarations; every entry mirrors the C API of the same name, with Lua strings as
 * Uint8Array.
 */
declare module 'fengari' {
  /** A Lua thread (lua_State). */
  export type LuaState = { readonly __luaState: unique symbol };
  export type LuaString = Uint8Array;
  export type LuaCFunction = (L: LuaState) => number;
  export type LuaHook = (L: LuaState, ar: unknown) => void;

  export const lua: {
    LUA_OK: number;
    LUA_YIELD: number;
    LUA_ERRRUN: number;
    LUA_ERRSYNTAX: number;
    LUA_ERRMEM: number;
    LUA_ERRERR: number;
    LUA_TNIL: number;
    LUA_TBOOLEAN: number;
    LUA_TNUMBER: number;
    LUA_TSTRING: number;
    LUA_TTABLE: number;
    LUA_TLIGHTUSERDATA: number;
    LUA_TUSERDATA: number;
    LUA_TFUNCTION: number;
    LUA_REGISTRYINDEX: number;
    LUA_RIDX_GLOBALS: number;
    LUA_MULTRET: number;
    LUA_MASKCOUNT: number;
    LUA_MASKLINE: number;
    lua_gettop(L: LuaState): number;
    lua_settop(L: LuaState, idx: number): void;
    lua_pop(L: LuaState, n: number): void;
    lua_pushvalue(L: LuaState, idx: number): void;
    lua_insert(L: LuaState, idx: number): void;
    lua_pcallk(L: LuaState, nargs: number, nresults: number, errfunc: number, ctx: number, k: ((L: LuaState, status: number, ctx: number) => number) | null): number;
    lua_remove(L: LuaState, idx: number): void;
    lua_replace(L: LuaState, idx: number): void;
    lua_checkstack(L: LuaState, n: number): boolean;
    lua_type(L: LuaState, idx: number): number;
    lua_isstring(L: LuaState, idx: number): boolean;
    lua_isnumber(L: LuaState, idx: number): boolean;
    lua_isinteger(L: LuaState, idx: number): boolean;
    lua_istable(L: LuaState, idx: number): boolean;
    lua_toboolean(L: LuaState, idx: number): boolean;
    lua_tonumber(L: LuaState, idx: number): number;
    lua_tointeger(L: LuaState, idx: number): number;
    lua_tolstring(L: LuaState, idx: number): LuaString | null;
    lua_tostring(L: LuaState, idx: number): LuaString | null;
    lua_tojsstring(L: LuaState, idx: number): string | null;
    lua_rawlen(L: LuaState, idx: number): number;
    lua_pushnil(L: LuaState): void;
    lua_pushnumber(L: LuaState, n: number): void;
    lua_pushinteger(L: LuaState, n: number): void;
    lua_pushboolean(L: LuaState, b: boolean | number): void;
    lua_pushlstring(L: LuaState, s: LuaString, len: number): void;
    lua_pushstring(L: LuaState, s: LuaString | string): void;
    lua_pushliteral(L: LuaState, s: string): void;
    lua_pushcfunction(L: LuaState, fn: LuaCFunction): void;
    lua_pushlightuserdata(L: LuaState, p: unknown): void;
    lua_touserdata(L: LuaState, idx: number): unknown;
    lua_createtable(L: LuaState, narr: number, nrec: number): void;
    lua_newtable(L: LuaState): void;
    lua_getfield(L: LuaState, idx: number, k: LuaString | string): number;
    lua_setfield(L: LuaState, idx: number, k: LuaString | string): void;
    lua_gettable(L: LuaState, idx: number): number;
    lua_settable(L: LuaState, idx: number): void;
    lua_rawget(L: LuaState, idx: number): number;
    lua_rawset(L: LuaState, idx: number): void;
    lua_rawgeti(L: LuaState, idx: number, n: number): number;
    lua_rawseti(L: LuaState, idx: number, n: number): void;
    lua_next(L: LuaState, idx: number): boolean;
    lua_getglobal(L: LuaState, name: LuaString | string): number;
    lua_setglobal(L: LuaState, name: LuaString | string): void;
    lua_setmetatable(L: LuaState, idx: number): void;
    lua_getmetatable(L: LuaState, idx: number): boolean;
    lua_pcall(L: LuaState, nargs: number, nresults: number, errfunc: number): number;
    lua_call(L: LuaState, nargs: number, nresults: number): void;
    lua_error(L: LuaState): never;
    lua_concat(L: LuaState, n: number): void;
    lua_sethook(L: LuaState, f: LuaHook | null, mask: number, count: number): void;
    lua_newthread(L: LuaState): LuaState;
    lua_resume(L: LuaState, from: LuaState | null, nargs: number): number;
    lua_yield(L: LuaState, nresults: number): number;
    lua_isyieldable(L: LuaState): boolean;
    lua_gc(L: LuaState, what: number, data: number): number;
    lua_atnativeerror(L: LuaState, fn: LuaCFunction): void;
    lua_xmove(from: LuaState, to: LuaState, n: number): void;
    lua_getstack(L: LuaState, level: number, ar: LuaDebug): number;
    lua_getinfo(L: LuaState, what: LuaString, ar: LuaDebug): number;
    lua_Debug: new () => LuaDebug;
    LUA_GCSTEP: number;
    LUA_GCCOUNT: number;
  };
  /** lua_getstack/lua_getinfo's activation record (the fields read here) */
  export interface LuaDebug {
    what: LuaString | null;
    source: LuaString | null;
    currentline: number;
  }
  export const lauxlib: {
    luaL_newstate(): LuaState;
    luaL_loadbuffer(L: LuaState, buf: LuaString, size: number, name: LuaString | string): number;
    luaL_loadstring(L: LuaState, s: LuaString): number;
    luaL_ref(L: LuaState, t: number): number;
    luaL_unref(L: LuaState, t: number, ref: number): void;
    luaL_error(L: LuaState, fmt: LuaString | string, ...args: unknown[]): never;
    luaL_checknumber(L: LuaState, arg: number): number;
    luaL_optinteger(L: LuaState, arg: number, def: number): number;
    luaL_where(L: LuaState, level: number): void;
    luaL_checkinteger(L: LuaState, arg: number): number;
    luaL_checklstring(L: LuaState, arg: number): LuaString;
    luaL_checkstack(L: LuaState, n: number, msg: string | null): void;
    luaL_tolstring(L: LuaState, idx: number): LuaString;
    luaL_requiref(L: LuaState, name: LuaString | string, fn: LuaCFunction, glb: number): void;
    luaL_openlibs?: never;
  };
  export const lualib: {
    luaL_openlibs(L: LuaState): void;
    luaopen_base: LuaCFunction;
    luaopen_table: LuaCFunction;
    luaopen_string: LuaCFunction;
    luaopen_math: LuaCFunction;
    luaopen_debug: LuaCFunction;
    luaopen_coroutine: LuaCFunction;
  };
  export function to_luastring(s: string, cache?: boolean): LuaString;
}

declare module 'fengari/src/lobject.js' {
  const lobject: {
    luaO_str2num(s: Uint8Array, o: { setivalue(n: number): void; setfltvalue(n: number): void; ttisinteger(): boolean; value: number }): number;
    luaO_tostring(L: unknown, obj: { ttisinteger(): boolean; value: number; setsvalue(v: unknown): void }): void;
    pushsvalue2s(L: unknown, ts: unknown): void;
    TValue: new (type: number, value: unknown) => { type: number; value: unknown; setsvalue(ts: unknown): void };
  };
  export default lobject;
}

declare module 'fengari/src/lstate.js' {
  const lstate: { luaE_extendCI(L: unknown): unknown };
  export default lstate;
}

declare module 'fengari/src/lstring.js' {
  const lstring: { luaS_bless(L: unknown, s: Uint8Array): unknown };
  export default lstring;
}
