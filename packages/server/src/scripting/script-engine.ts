/**
 * One Lua state per server with Redis 7.0's script cache (sha1 of the body -> compiled function)
 * and the EVAL calling convention: KEYS and ARGV as globals, the reply converted from the first
 * returned value, an error reply ending `script: <sha>, on @user_script:<line>.` (script-error.ts).
 * A script runs as the body of a coroutine kept for the next one, to its end inside the command
 * that started it unless it passes busy-reply-threshold (see `run`).
 */
import { ErrorReply, type RespValue } from '@replikit/resp';
import type { LuaState } from 'fengari';
import { lauxlib, loadFengari, lua } from './fengari-loader';
import { openBit } from './libs/bit';
import { openCjson } from './libs/cjson';
import { openCmsgpack } from './libs/cmsgpack';
import { openStruct } from './libs/struct';
import { ArgTable, setArgGlobals } from './lua-arg-tables';
import { popReply, pushErrorTable } from './lua-convert';
import { installRedisApi, type ScriptCallContext } from './lua-redis-api';
import { latin1ToLua, lua51Message, newLuaState, pushBinary, toBinary } from './lua-runtime';
import { installLua51Error, protectGlobals } from './lua-sandbox';
import { scriptErrorReply } from './script-error';
import { parseShebang, type ScriptFlags, sha1hex } from './script-shebang';

export type { ScriptFlags };

/** A compiled script in the cache: its function is registry reference `ref` of the engine's Lua state. */
export interface CachedScript {
  readonly sha: string;
  readonly body: string;
  readonly flags: ScriptFlags;
  readonly ref: number;
}

/**
 * The outcome of `run`/`resume`: the reply, or not yet (the script yielded). A finished result is
 * one object per engine: read it before the engine runs another script.
 */
export type RunResult = { readonly done: true; readonly reply: RespValue } | { readonly done: false };

/** The script running now (one object per engine, set again for each script). */
interface ActiveScript {
  sha: string;
  ctx: ScriptCallContext;
  started: number;
  /** ran past busy-reply-threshold */
  slow: boolean;
  killed: boolean;
  mayYield: boolean;
}

/** Lua instructions between two checks of the running time */
const HOOK_COUNT = 10000;

export const BUSY = new ErrorReply('BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.');

export interface ScriptEngineOptions {
  /** redis.log (0 debug .. 3 warning) */
  log?: (level: number, message: string) => void;
}

/**
 * The server's Lua state and script cache. The state (~20-40 ms of start-up: fengari's standard
 * libraries, Redis's API and libraries, the locked globals) and fengari itself (~50 ms to require,
 * see fengari-loader.ts) are made and loaded on first use, by the first script or library loaded,
 * so a server that never runs Lua never pays for them.
 */
export class LuaScriptEngine {
  // the Lua state and what lives in it: set by `open` (first use), never replaced afterwards
  private L!: LuaState;
  private handlerRef = 0;
  private opened = false;
  private readonly scripts = new Map<string, CachedScript>();
  /** the same entries by body (a body's string is already held by its entry) */
  private readonly byBody = new Map<string, CachedScript>();
  /** the sha `get` found last and its entry (forgotten when the cache is flushed) */
  private lastSha = '';
  private lastHit: CachedScript | undefined;
  private running: ScriptCallContext | undefined;
  private active: ActiveScript | undefined;
  /** what `step` returns for a script that ended (one object, read by the caller before the next run) */
  private readonly finished: { readonly done: true; reply: RespValue } = { done: true, reply: null };
  private readonly activeSlot: ActiveScript = { sha: '', ctx: undefined as unknown as ScriptCallContext, started: 0, slow: false, killed: false, mayYield: false };
  private co!: LuaState;
  private coRef = 0;
  /** the KEYS and ARGV globals, refilled for each script */
  private keysTable!: ArgTable;
  private argvTable!: ArgTable;
  /** `busy-reply-threshold` (alias `lua-time-limit`) in ms; 0 never yields */
  busyReplyThreshold = 5000;
  /** redis.log's sink (level 0 debug .. 3 warning): the server log, set by whoever owns one */
  log: (level: number, message: string) => void;
  private calls = 0;
  /** KEYS and ARGV are out of the globals while a function runs */
  private argGlobalsHidden = false;
  private closed = false;

  constructor(options: ScriptEngineOptions = {}) {
    this.log = options.log ?? (() => {});
  }

  /** Makes the Lua state (once): the libraries, redis.*, KEYS and ARGV, the locked globals, the script coroutine. */
  private open(): void {
    if (this.opened) return;
    loadFengari();
    const L = newLuaState();
    this.L = L;
    lua.lua_atnativeerror(L, (s) => {
      const e = lua.lua_touserdata(s, -1) as Error | undefined;
      pushBinary(s, `internal error: ${e?.message ?? String(e)}`);
      return 1;
    });
    this.handlerRef = installRedisApi(L, { current: () => this.running, log: (level, message) => this.log(level, message) }, (s) => {
      openCjson(s);
      openCmsgpack(s);
      openBit(s);
      openStruct(s);
    });
    // KEYS and ARGV exist before the globals are locked; their contents change per call
    // (rawset: the globals' metatable refuses new names)
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
    pushBinary(L, 'KEYS');
    lua.lua_createtable(L, 0, 0);
    this.keysTable = new ArgTable(L);
    lua.lua_rawset(L, -3);
    pushBinary(L, 'ARGV');
    lua.lua_createtable(L, 0, 0);
    this.argvTable = new ArgTable(L);
    lua.lua_rawset(L, -3);
    lua.lua_pop(L, 1);
    // Redis 7.0: the globals and every library table are read-only from here on (KEYS and ARGV,
    // new tables per call in Redis, stay writable)
    installLua51Error(L);
    protectGlobals(L);
    this.keysTable.unprotect();
    this.argvTable.unprotect();
    this.co = this.newCoroutine();
    this.opened = true;
  }

  /** True once the Lua state exists (the first script or library loaded made it). */
  get hasState(): boolean {
    return this.opened;
  }

  /** Number of cached scripts (INFO memory `number_of_cached_scripts`). */
  get size(): number {
    return this.scripts.size;
  }

  /** Kilobytes the Lua heap holds, in bytes (INFO `used_memory_lua`). */
  get memory(): number {
    if (!this.opened) return 0;
    return lua.lua_gc(this.L, lua.LUA_GCCOUNT, 0) * 1024;
  }

  get(sha: string): CachedScript | undefined {
    // a client sending the same EVALSHA again: one string comparison instead of hashing the
    // 40 chars of a fresh string for the map
    if (sha === this.lastSha) return this.lastHit;
    // shas are stored lower case; a lower-case sha needs no converted copy
    const found = this.scripts.get(sha) ?? this.scripts.get(sha.toLowerCase());
    if (found !== undefined) {
      this.lastSha = sha;
      this.lastHit = found;
    }
    return found;
  }

  has(sha: string): boolean {
    return this.scripts.has(sha.toLowerCase());
  }

  /** luaCreateFunction: compiles and caches `body` (binary string); the cached entry or the error reply. */
  load(body: string): CachedScript | ErrorReply {
    // EVAL of a cached body: found by the body itself, without hashing it again (sha1 through
    // node:crypto costs more than the lookup)
    const same = this.byBody.get(body);
    if (same !== undefined) return same;
    const sha = sha1hex(body);
    const known = this.scripts.get(sha);
    if (known !== undefined) return known;
    const parsed = parseShebang(body);
    if (parsed instanceof ErrorReply) return parsed;
    // the shebang line stays a line (a comment) so error line numbers match redis-server's
    const source = parsed.lineEnd > 0 ? `--${body.slice(2)}` : body;
    this.open();
    const L = this.L;
    const code = latin1ToLua(source);
    if (lauxlib.luaL_loadbuffer(L, code, code.length, latin1ToLua('@user_script')) !== lua.LUA_OK) {
      const msg = toBinary(L, -1) ?? 'unknown error';
      lua.lua_pop(L, 1);
      return new ErrorReply(`ERR Error compiling script (new function): ${lua51Message(msg)}`.replace(/[\r\n]/g, ' '));
    }
    const ref = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    const entry: CachedScript = { sha, body, flags: parsed.flags, ref };
    this.scripts.set(sha, entry);
    this.byBody.set(body, entry);
    return entry;
  }

  /** SCRIPT FLUSH: forgets every script (their functions become garbage). */
  flush(): void {
    if (!this.opened) return;
    for (const s of this.scripts.values()) lauxlib.luaL_unref(this.L, lua.LUA_REGISTRYINDEX, s.ref);
    this.scripts.clear();
    this.byBody.clear();
    this.lastSha = '';
    this.lastHit = undefined;
    lua.lua_gc(this.L, 2 /* LUA_GCCOLLECT */, 0);
  }

  /** True while a script runs (a command reached from inside it sees this). */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /** True while a script that passed `busy-reply-threshold` waits to be resumed: others get BUSY. */
  get slow(): boolean {
    return this.active?.slow === true;
  }

  /**
   * luaCallFunction: starts a cached script in the script coroutine, with KEYS the `numkeys`
   * items of `argv` from `keysFrom` and ARGV the items after them. A script
   * that ends within `busyReplyThreshold` ms (or with `mayYield` false) is done at once; a longer
   * one yields from the count hook and is continued with `resume()` from the event loop, so other
   * clients can be answered BUSY and SCRIPT KILL can reach it. The reply is the converted return
   * value or the error reply with Redis's `script: <sha>, on @user_script:<line>.` suffix.
   * `started` is when the command running the script started (performance.now() time; read now
   * when not given): busy-reply-threshold counts from there. The Lua state exists: `script` came
   * from `load`.
   */
  run(script: CachedScript, argv: readonly string[], keysFrom: number, numkeys: number, ctx: ScriptCallContext, mayYield = false, started?: number): RunResult {
    if (this.closed) return { done: true, reply: new ErrorReply('ERR scripting engine closed') };
    if (this.active !== undefined) return { done: true, reply: BUSY };
    this.keysTable.fill(argv, keysFrom, keysFrom + numkeys);
    this.argvTable.fill(argv, keysFrom + numkeys, argv.length);
    const co = this.co;
    lua.lua_settop(co, 0);
    lua.lua_rawgeti(co, lua.LUA_REGISTRYINDEX, script.ref);
    this.activate(script.sha, ctx, mayYield, started ?? performance.now());
    if (this.busyReplyThreshold > 0) lua.lua_sethook(co, this.hook, lua.LUA_MASKCOUNT, HOOK_COUNT);
    return this.step(0);
  }

  /**
   * FCALL: runs a registered function (registry `ref`) with its keys and args tables as arguments.
   * Functions have no KEYS and ARGV globals in Redis (they run in a Lua state of their own there):
   * the two are taken out of the globals until the function ends. The Lua state exists: `ref`
   * was made in it (`luaState`).
   */
  runFunction(ref: number, name: string, keys: readonly string[], args: readonly string[], ctx: ScriptCallContext, mayYield = false, started?: number): RunResult {
    if (this.closed) return { done: true, reply: new ErrorReply('ERR scripting engine closed') };
    if (this.active !== undefined) return { done: true, reply: BUSY };
    this.setArgGlobals(false);
    const co = this.co;
    lua.lua_settop(co, 0);
    lua.lua_rawgeti(co, lua.LUA_REGISTRYINDEX, ref);
    this.pushArrayOn(co, keys);
    this.pushArrayOn(co, args);
    this.activate(name, ctx, mayYield, started ?? performance.now());
    if (this.busyReplyThreshold > 0) lua.lua_sethook(co, this.hook, lua.LUA_MASKCOUNT, HOOK_COUNT);
    return this.step(2);
  }

  /** The Lua state and the error handler's registry reference (function libraries load with them; made here on first use). */
  get luaState(): LuaState {
    this.open();
    return this.L;
  }

  get errorHandlerRef(): number {
    this.open();
    return this.handlerRef;
  }

  /** Continues a script that yielded (see `run`). */
  resume(): RunResult {
    if (this.active === undefined) return { done: true, reply: null };
    return this.step(0);
  }

  /** SCRIPT KILL: `notbusy`, `unkillable` (it wrote already), or `killed` (it stops at its next hook). */
  kill(wrote: boolean): 'notbusy' | 'unkillable' | 'killed' {
    const a = this.active;
    if (a === undefined || !a.slow) return 'notbusy';
    if (wrote) return 'unkillable';
    a.killed = true;
    return 'killed';
  }

  private activate(sha: string, ctx: ScriptCallContext, mayYield: boolean, started: number): void {
    const a = this.activeSlot;
    a.sha = sha;
    a.ctx = ctx;
    a.started = started;
    a.slow = false;
    a.killed = false;
    a.mayYield = mayYield;
    this.active = a;
  }

  private readonly hook = (co: LuaState): void => {
    const a = this.active;
    if (a === undefined) return;
    if (a.killed) {
      // from now on at every line, so a pcall in the script cannot swallow the kill
      lua.lua_sethook(co, this.hook, lua.LUA_MASKLINE, 0);
      pushErrorTable(co, 'ERR Script killed by user with SCRIPT KILL...');
      lua.lua_error(co);
    }
    if (!a.slow && performance.now() - a.started >= this.busyReplyThreshold) a.slow = true;
    if (a.slow && a.mayYield && lua.lua_isyieldable(co)) lua.lua_yield(co, 0);
  };

  private step(nargs: number): RunResult {
    const a = this.active as ActiveScript;
    const co = this.co;
    const outer = this.running;
    this.running = a.ctx;
    let status: number;
    try {
      status = lua.lua_resume(co, this.L, nargs);
    } finally {
      this.running = outer;
    }
    if (status === lua.LUA_YIELD) return { done: false };
    let reply: RespValue;
    if (status === lua.LUA_OK) {
      // the script's first result (luaCallFunction asks for one: none is nil)
      lua.lua_settop(co, 1);
      reply = popReply(co, a.ctx.resp);
    } else {
      reply = scriptErrorReply(co, this.L, a.sha);
      // a coroutine that ended with an error is dead: the next script gets a fresh one
      this.co = this.newCoroutine();
    }
    lua.lua_sethook(this.co, null, 0, 0);
    lua.lua_settop(this.co, 0);
    this.active = undefined;
    a.ctx = undefined as unknown as ScriptCallContext;
    if (this.argGlobalsHidden) this.setArgGlobals(true);
    if (++this.calls % 50 === 0) lua.lua_gc(this.L, lua.LUA_GCSTEP, 50);
    const finished = this.finished;
    finished.reply = reply;
    return finished;
  }

  /** KEYS and ARGV in the globals (EVAL) or not (FCALL). */
  private setArgGlobals(visible: boolean): void {
    setArgGlobals(this.L, this.keysTable, this.argvTable, visible);
    this.argGlobalsHidden = !visible;
  }

  private newCoroutine(): LuaState {
    const L = this.L;
    if (this.coRef !== 0) lauxlib.luaL_unref(L, lua.LUA_REGISTRYINDEX, this.coRef);
    const co = lua.lua_newthread(L);
    this.coRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    return co;
  }

  private pushArrayOn(L: LuaState, items: readonly string[]): void {
    lua.lua_createtable(L, items.length, 0);
    for (let i = 0; i < items.length; i++) {
      pushBinary(L, items[i] as string);
      lua.lua_rawseti(L, -2, i + 1);
    }
  }

  /** Releases the Lua state's references (the state itself is garbage collected by JS). */
  close(): void {
    this.closed = true;
    this.scripts.clear();
    this.byBody.clear();
    this.lastSha = '';
    this.lastHit = undefined;
  }
}
