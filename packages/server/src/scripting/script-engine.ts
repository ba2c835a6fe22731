/**
 * One Lua state per server with Redis 7.0's script cache (sha1 of the body -> compiled function)
 * and the EVAL calling convention: KEYS and ARGV as globals, the error handler that adds
 * `script: <sha>, on @user_script:<line>.`, the reply converted from the returned value.
 * Scripts run synchronously to completion inside the command that started them.
 */
import { createHash } from 'node:crypto';
import { ErrorReply, type RespValue } from '@replikit/resp';
import { type LuaState, lauxlib, lua } from 'fengari';
import { openBit } from './libs/bit';
import { openCjson } from './libs/cjson';
import { openCmsgpack } from './libs/cmsgpack';
import { openStruct } from './libs/struct';
import { popReply } from './lua-convert';
import { installRedisApi, type ScriptCallContext } from './lua-redis-api';
import { latin1ToLua, lua51Message, newLuaState, pushBinary, toBinary } from './lua-runtime';

/** Shebang flags (`#!lua flags=...`); a script without a shebang runs in EVAL compatibility mode. */
export interface ScriptFlags {
  readonly compat: boolean;
  readonly noWrites: boolean;
  readonly allowOom: boolean;
  readonly allowStale: boolean;
  readonly noCluster: boolean;
  readonly allowCrossSlotKeys: boolean;
}

export interface CachedScript {
  readonly sha: string;
  readonly body: string;
  readonly flags: ScriptFlags;
  readonly ref: number;
}

const COMPAT: ScriptFlags = { compat: true, noWrites: false, allowOom: false, allowStale: false, noCluster: false, allowCrossSlotKeys: false };
const FLAG_NAMES: Record<string, keyof ScriptFlags> = {
  'no-writes': 'noWrites',
  'allow-oom': 'allowOom',
  'allow-stale': 'allowStale',
  'no-cluster': 'noCluster',
  'allow-cross-slot-keys': 'allowCrossSlotKeys',
};

/** evalExtractShebangFlags: the flags, or the error reply text. */
export function parseShebang(body: string): { flags: ScriptFlags; lineEnd: number } | ErrorReply {
  if (!body.startsWith('#!')) return { flags: COMPAT, lineEnd: 0 };
  let end = body.indexOf('\n');
  if (end < 0) end = body.length;
  const parts = body.slice(0, end).split(' ').filter((p) => p.length > 0);
  if (parts[0] !== '#!lua') return new ErrorReply(`ERR Unexpected engine in script shebang: ${parts[0] ?? ''}`);
  const flags: { -readonly [K in keyof ScriptFlags]: ScriptFlags[K] } = { ...COMPAT, compat: false };
  for (const part of parts.slice(1)) {
    if (!part.startsWith('flags=')) return new ErrorReply(`ERR Unknown lua shebang option: ${part}`);
    for (const f of part.slice(6).split(',')) {
      if (f.length === 0) continue;
      const key = FLAG_NAMES[f];
      if (key === undefined) return new ErrorReply(`ERR Unexpected flag in script shebang: ${f}`);
      flags[key] = true;
    }
  }
  return { flags, lineEnd: end };
}

export function sha1hex(body: string): string {
  return createHash('sha1').update(body, 'latin1').digest('hex');
}

export interface ScriptEngineOptions {
  /** redis.log (0 debug .. 3 warning) */
  log?: (level: number, message: string) => void;
}

export class LuaScriptEngine {
  private readonly L: LuaState;
  private readonly handlerRef: number;
  private readonly scripts = new Map<string, CachedScript>();
  private running: ScriptCallContext | undefined;
  private calls = 0;
  private closed = false;

  constructor(options: ScriptEngineOptions = {}) {
    const L = newLuaState();
    this.L = L;
    lua.lua_atnativeerror(L, (s) => {
      const e = lua.lua_touserdata(s, -1) as Error | undefined;
      pushBinary(s, `internal error: ${e?.message ?? String(e)}`);
      return 1;
    });
    this.handlerRef = installRedisApi(L, { current: () => this.running, log: options.log ?? (() => {}) }, (s) => {
      openCjson(s);
      openCmsgpack(s);
      openBit(s);
      openStruct(s);
    });
  }

  /** Number of cached scripts (INFO memory `number_of_cached_scripts`). */
  get size(): number {
    return this.scripts.size;
  }

  /** Kilobytes the Lua heap holds, in bytes (INFO `used_memory_lua`). */
  get memory(): number {
    return lua.lua_gc(this.L, lua.LUA_GCCOUNT, 0) * 1024;
  }

  get(sha: string): CachedScript | undefined {
    return this.scripts.get(sha.toLowerCase());
  }

  has(sha: string): boolean {
    return this.scripts.has(sha.toLowerCase());
  }

  /** luaCreateFunction: compiles and caches `body` (binary string); the cached entry or the error reply. */
  load(body: string): CachedScript | ErrorReply {
    const sha = sha1hex(body);
    const known = this.scripts.get(sha);
    if (known !== undefined) return known;
    const parsed = parseShebang(body);
    if (parsed instanceof ErrorReply) return parsed;
    // the shebang line stays a line (a comment) so error line numbers match redis-server's
    const source = parsed.lineEnd > 0 ? `--${body.slice(2)}` : body;
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
    return entry;
  }

  /** SCRIPT FLUSH: forgets every script (their functions become garbage). */
  flush(): void {
    for (const s of this.scripts.values()) lauxlib.luaL_unref(this.L, lua.LUA_REGISTRYINDEX, s.ref);
    this.scripts.clear();
    lua.lua_gc(this.L, 2 /* LUA_GCCOLLECT */, 0);
  }

  /** True while a script runs (a command reached from inside it sees this). */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /**
   * luaCallFunction: runs a cached script with KEYS/ARGV; the reply, or the error reply with
   * Redis's `script: <sha>, on @user_script:<line>.` suffix.
   */
  run(script: CachedScript, keys: readonly string[], args: readonly string[], ctx: ScriptCallContext): RespValue {
    if (this.closed) return new ErrorReply('ERR scripting engine closed');
    const L = this.L;
    const base = lua.lua_gettop(L);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.handlerRef);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, script.ref);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
    // rawset: KEYS and ARGV pass the globals' write guard
    pushBinary(L, 'KEYS');
    this.pushArray(keys);
    lua.lua_rawset(L, -3);
    pushBinary(L, 'ARGV');
    this.pushArray(args);
    lua.lua_rawset(L, -3);
    lua.lua_pop(L, 1);
    const outer = this.running;
    this.running = ctx;
    let status: number;
    try {
      status = lua.lua_pcall(L, 0, 1, base + 1);
    } finally {
      this.running = outer;
    }
    let reply: RespValue;
    if (status === lua.LUA_OK) reply = popReply(L, ctx.resp);
    else reply = this.errorReply(script.sha);
    lua.lua_settop(L, base);
    if (++this.calls % 50 === 0) lua.lua_gc(L, lua.LUA_GCSTEP, 50);
    return reply;
  }

  private pushArray(items: readonly string[]): void {
    const L = this.L;
    lua.lua_createtable(L, items.length, 0);
    for (let i = 0; i < items.length; i++) {
      pushBinary(L, items[i] as string);
      lua.lua_rawseti(L, -2, i + 1);
    }
  }

  /** The error reply for the error value at the top of the stack (pops nothing). */
  private errorReply(sha: string): ErrorReply {
    const L = this.L;
    if (!lua.lua_istable(L, -1)) {
      const msg = lua.lua_isstring(L, -1) ? (toBinary(L, -1) as string) : 'execution failure';
      return new ErrorReply(`ERR Error running script ${sha}, ${msg.slice(0, 100)}`.replace(/[\r\n]/g, ' '));
    }
    const field = (name: string): string | undefined => {
      lua.lua_getfield(L, -1, latin1ToLua(name));
      const v = lua.lua_isstring(L, -1) ? (toBinary(L, -1) as string) : undefined;
      lua.lua_pop(L, 1);
      return v;
    };
    const msg = field('err') ?? '(null)';
    const source = field('source');
    const line = field('line');
    let text = lua51Message(msg.startsWith('-') ? msg.slice(1) : msg);
    if (source !== undefined && line !== undefined) text += ` script: ${sha}, on ${source}:${line}.`;
    return new ErrorReply(text.replace(/[\r\n]/g, ' '));
  }

  /** Releases the Lua state's references (the state itself is garbage collected by JS). */
  close(): void {
    this.closed = true;
    this.scripts.clear();
  }
}
