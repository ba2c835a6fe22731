/**
 * Redis 7.0 functions on the script engine's Lua state: FUNCTION LOAD runs a library's code once
 * (shebang `#!lua name=<lib>`) in its own globals whose `redis` is the load-time API
 * (register_function, log, setresp-free), then FCALL calls the registered callbacks with their
 * keys and args tables. A registry is one of Redis's library contexts: RDB loads and FUNCTION
 * RESTORE compile into a separate registry on the same Lua state, then `adopt` or `join` it.
 */

import { ErrorReply } from '@replikit/resp';
import type { LuaState } from 'fengari';
import type { ServerRuntime } from '../dispatch/server-runtime';
import { lauxlib, lua } from './fengari-loader';
import { pushErrorTable } from './lua-convert';
import { latin1ToLua, lua51Message, pushBinary, raise, setFunction, toBinary } from './lua-runtime';
import { scriptEngineOf } from './script-commands';
import type { LuaScriptEngine } from './script-engine';

export interface RegisteredFunction {
  readonly name: string;
  readonly library: string;
  readonly ref: number;
  readonly flags: readonly string[];
  readonly description: string | null;
}

export interface FunctionLibrary {
  readonly name: string;
  readonly code: string;
  readonly functions: Map<string, RegisteredFunction>;
}

const NAME_RE = /^[A-Za-z0-9_]+$/;
const LIB_NAME_ERROR = 'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long';
const FLAGS = new Set(['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys']);

export class FunctionRegistry {
  readonly libraries = new Map<string, FunctionLibrary>();
  readonly functions = new Map<string, RegisteredFunction>();
  private pending: Map<string, RegisteredFunction> | undefined;
  private pendingLibrary = '';
  /** Called once after each load, delete, flush, adopt or join that changed the libraries. */
  onChange: (() => void) | undefined;

  constructor(private readonly engine: LuaScriptEngine) {}

  /** FUNCTION LOAD: the library name, or the error reply. */
  load(code: string, replace: boolean): string | ErrorReply {
    if (!code.startsWith('#!')) return new ErrorReply('ERR Missing library metadata');
    let end = code.indexOf('\n');
    if (end < 0) end = code.length;
    const parts = code.slice(0, end).split(' ').filter((p) => p.length > 0);
    const engineName = (parts[0] as string).slice(2);
    if (engineName.toLowerCase() !== 'lua') return new ErrorReply(`ERR Engine '${engineName}' not found`);
    let name: string | undefined;
    for (const p of parts.slice(1)) {
      if (!p.startsWith('name=')) return new ErrorReply(`ERR Invalid metadata value given: ${p}`);
      name = p.slice(5);
    }
    if (name === undefined) return new ErrorReply('ERR Library name was not given');
    if (!NAME_RE.test(name)) return new ErrorReply(`ERR ${LIB_NAME_ERROR}`);
    const old = this.libraries.get(name);
    if (old !== undefined && !replace) return new ErrorReply(`ERR Library '${name}' already exists`);
    const L = this.engine.luaState;
    const source = latin1ToLua(`--${code.slice(2)}`);
    if (lauxlib.luaL_loadbuffer(L, source, source.length, latin1ToLua('@user_function')) !== lua.LUA_OK) {
      const msg = toBinary(L, -1) ?? '';
      lua.lua_pop(L, 1);
      return new ErrorReply(`ERR Error compiling function: ${lua51Message(msg)}`.replace(/[\r\n]/g, ' '));
    }
    const top = lua.lua_gettop(L);
    this.pushLibraryEnv(L);
    // one copy of the library's globals stays below the chunk: `redis` is taken out of it after the load
    lua.lua_pushvalue(L, -1);
    lua.lua_insert(L, top);
    (lua as unknown as { lua_setupvalue(L: LuaState, f: number, n: number): string }).lua_setupvalue(L, top + 1, 1);
    this.pending = new Map();
    this.pendingLibrary = name;
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.engine.errorHandlerRef);
    lua.lua_insert(L, top + 1);
    const status = lua.lua_pcall(L, 0, 0, top + 1);
    // at run time the library's functions see the real globals (the full redis API) through the
    // env's metatable, which during the load pointed at the load-time globals
    lua.lua_getmetatable(L, top);
    pushBinary(L, '__index');
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
    lua.lua_rawset(L, -3);
    lua.lua_pop(L, 1);
    const registered = this.pending;
    this.pending = undefined;
    if (status !== lua.LUA_OK) {
      let msg = 'unknown error';
      if (lua.lua_istable(L, -1)) {
        lua.lua_getfield(L, -1, latin1ToLua('err'));
        msg = toBinary(L, -1) ?? msg;
        lua.lua_pop(L, 1);
      } else msg = toBinary(L, -1) ?? msg;
      lua.lua_settop(L, top - 1);
      this.release(registered.values());
      return new ErrorReply(`ERR Error registering functions: ${msg}`.replace(/[\r\n]/g, ' '));
    }
    lua.lua_settop(L, top - 1);
    if (registered.size === 0) return new ErrorReply('ERR No functions registered');
    for (const f of registered.values()) {
      const other = this.functions.get(f.name);
      if (other !== undefined && other.library !== name) {
        this.release(registered.values());
        return new ErrorReply(`ERR Function ${f.name} already exists`);
      }
    }
    if (old !== undefined) this.remove(name);
    this.libraries.set(name, { name, code, functions: registered });
    for (const f of registered.values()) this.functions.set(f.name, f);
    this.onChange?.();
    return name;
  }

  delete(name: string): boolean {
    if (!this.remove(name)) return false;
    this.onChange?.();
    return true;
  }

  private remove(name: string): boolean {
    const lib = this.libraries.get(name);
    if (lib === undefined) return false;
    for (const f of lib.functions.values()) this.functions.delete(f.name);
    this.release(lib.functions.values());
    this.libraries.delete(name);
    return true;
  }

  flush(): void {
    if (this.libraries.size === 0) return;
    for (const name of [...this.libraries.keys()]) this.remove(name);
    this.onChange?.();
  }

  /** functionsLibCtxSwapWithCurrent: this registry's libraries are dropped and `other`'s moved in (it is left empty). */
  adopt(other: FunctionRegistry): void {
    for (const name of [...this.libraries.keys()]) this.remove(name);
    for (const [name, lib] of other.libraries) this.libraries.set(name, lib);
    for (const [name, f] of other.functions) this.functions.set(name, f);
    other.libraries.clear();
    other.functions.clear();
    this.onChange?.();
  }

  /**
   * libraryJoin: moves `other`'s libraries in. A library name already here fails the join unless
   * `replace` (then the old one goes); a function name already here fails it. On failure nothing
   * changes: the error reply, Redis's text. On success `other` is left empty.
   */
  join(other: FunctionRegistry, replace: boolean): ErrorReply | undefined {
    const replaced: FunctionLibrary[] = [];
    for (const name of other.libraries.keys()) {
      const old = this.libraries.get(name);
      if (old === undefined) continue;
      if (!replace) return new ErrorReply(`ERR Library ${name} already exists`);
      replaced.push(old);
    }
    const leaving = new Set(replaced.map((l) => l.name));
    for (const f of other.functions.values()) {
      const mine = this.functions.get(f.name);
      if (mine !== undefined && !leaving.has(mine.library)) return new ErrorReply(`ERR Function ${f.name} already exists`);
    }
    for (const lib of replaced) this.remove(lib.name);
    for (const [name, lib] of other.libraries) this.libraries.set(name, lib);
    for (const [name, f] of other.functions) this.functions.set(name, f);
    other.libraries.clear();
    other.functions.clear();
    this.onChange?.();
    return undefined;
  }

  private release(fns: Iterable<RegisteredFunction>): void {
    for (const f of fns) lauxlib.luaL_unref(this.engine.luaState, lua.LUA_REGISTRYINDEX, f.ref);
  }

  /** The library's globals: reads fall through to the real globals; `redis` is the load-time API. */
  /**
   * The library's globals: an empty table refusing stores, whose metatable's __index is, during
   * the load, Redis's load-time globals (only `redis` with register_function, log and the version;
   * any other name raises, `string` and `math` included), then the real globals.
   */
  private pushLibraryEnv(L: LuaState): void {
    lua.lua_newtable(L);
    lua.lua_newtable(L);
    setFunction(L, '__newindex', (s) => raise(s, 'Attempt to modify a readonly table'));
    // the load-time globals
    pushBinary(L, '__index');
    lua.lua_newtable(L);
    this.pushLoadRedis(L);
    lua.lua_setfield(L, -2, latin1ToLua('redis'));
    this.setMissingGlobalError(L);
    lua.lua_rawset(L, -3);
    lua.lua_setmetatable(L, -2);
  }

  /** A metatable raising Redis's error for a name that is not there, set on the table on top. */
  private setMissingGlobalError(L: LuaState): void {
    lua.lua_newtable(L);
    setFunction(L, '__index', (s) => raise(s, `Script attempted to access nonexistent global variable '${toBinary(s, 2) ?? '?'}'`));
    lua.lua_setmetatable(L, -2);
  }

  /** The load-time `redis`: register_function, log and the version only; unknown names raise. */
  private pushLoadRedis(L: LuaState): void {
    lua.lua_newtable(L);
    setFunction(L, 'register_function', (s) => this.registerFunction(s));
    lua.lua_getglobal(L, latin1ToLua('redis'));
    for (const name of ['log', 'LOG_DEBUG', 'LOG_VERBOSE', 'LOG_NOTICE', 'LOG_WARNING', 'REDIS_VERSION', 'REDIS_VERSION_NUM']) {
      lua.lua_getfield(L, -1, latin1ToLua(name));
      lua.lua_setfield(L, -3, latin1ToLua(name));
    }
    lua.lua_pop(L, 1);
    this.setMissingGlobalError(L);
  }

  private registerFunction(L: LuaState): number {
    // errors here are tables without a position, as Redis raises them
    const raise = (s: LuaState, msg: string): never => {
      pushErrorTable(s, `ERR ${msg}`);
      return lua.lua_error(s);
    };
    const pending = this.pending;
    if (pending === undefined) return raise(L, 'redis.register_function can only be called on FUNCTION LOAD command');
    let name: string | null = null;
    let flags: string[] = [];
    let description: string | null = null;
    if (lua.lua_gettop(L) === 1 && lua.lua_istable(L, 1)) {
      lua.lua_getfield(L, 1, latin1ToLua('function_name'));
      name = toBinary(L, -1);
      lua.lua_getfield(L, 1, latin1ToLua('description'));
      description = toBinary(L, -1);
      lua.lua_getfield(L, 1, latin1ToLua('flags'));
      if (lua.lua_istable(L, -1)) {
        for (let i = 1; lua.lua_rawgeti(L, -1, i) !== lua.LUA_TNIL; i++) {
          const f = toBinary(L, -1) ?? '';
          lua.lua_pop(L, 1);
          if (!FLAGS.has(f)) return raise(L, `unknown flag given: ${f}`);
          flags.push(f);
        }
        lua.lua_pop(L, 1);
      }
      lua.lua_getfield(L, 1, latin1ToLua('callback'));
    } else {
      if (lua.lua_gettop(L) !== 2) return raise(L, 'wrong number of arguments to redis.register_function');
      name = toBinary(L, 1);
      lua.lua_pushvalue(L, 2);
    }
    if (lua.lua_type(L, -1) !== lua.LUA_TFUNCTION) return raise(L, 'callback argument given to redis.register_function must be a function');
    if (name === null || !NAME_RE.test(name)) return raise(L, LIB_NAME_ERROR);
    if (pending.has(name)) return raise(L, 'Function already exists in the library');
    flags = [...FLAGS].filter((f) => flags.includes(f));
    const ref = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    pending.set(name, { name, library: this.pendingLibrary, ref, flags, description });
    return 0;
  }
}

const registries = new WeakMap<ServerRuntime, FunctionRegistry>();
const changeHooks = new WeakMap<ServerRuntime, () => void>();

/** The runtime's libraries (created, with the script engine, on first use). */
export function functionRegistryOf(rt: ServerRuntime): FunctionRegistry {
  let r = registries.get(rt);
  if (r === undefined) {
    r = new FunctionRegistry(scriptEngineOf(rt));
    r.onChange = changeHooks.get(rt);
    registries.set(rt, r);
  }
  return r;
}

/** `fn` runs after every change of the runtime's libraries (FunctionRegistry.onChange); undefined removes it. */
export function onFunctionsChanged(rt: ServerRuntime, fn: (() => void) | undefined): void {
  if (fn === undefined) changeHooks.delete(rt);
  else changeHooks.set(rt, fn);
  const r = registries.get(rt);
  if (r !== undefined) r.onChange = fn;
}

/** The runtime's libraries if functions were ever used; never creates the registry or the engine. */
export function existingFunctionRegistry(rt: ServerRuntime): FunctionRegistry | undefined {
  return registries.get(rt);
}
