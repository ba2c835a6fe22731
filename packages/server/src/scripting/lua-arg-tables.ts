/**
 * The KEYS and ARGV globals of EVAL scripts as two tables made once per Lua state and refilled
 * before every call, instead of two new tables per call (a fengari table is a JS object with two
 * Maps, and storing it into the globals hashes the name again each time).
 *
 * Reuse cannot be observed by a script: the globals and every library table are read-only, so a
 * script has nowhere to keep a reference to KEYS or ARGV past its own call. What a script may do
 * is change the tables themselves (add fields, remove items, set a metatable); the refill sees that
 * (the entry count or the metatable differ from what it left) and empties the table first, so
 * every call starts from a plain array of exactly its arguments, as a fresh table would be.
 *
 * This reads fengari's table layout (ltable.js): `strong` is a Map from the key's hash (an
 * integer key's hash is the integer) to an entry `{key, value, p, n}` in insertion order.
 */
import type { LuaState } from 'fengari';
import { lauxlib, lobject, ltable, lua } from './fengari-loader';
import { luaStringOf, pushBinary } from './lua-runtime';

interface TableEntry {
  value: { setsvalue(ts: unknown): void } | undefined;
}

/** fengari's Table (ltable.js), the fields the refill touches. */
interface FengariTable {
  strong: Map<unknown, TableEntry>;
  dead_strong: Map<unknown, unknown>;
  dead_weak: WeakMap<object, unknown> | undefined;
  f: unknown;
  l: unknown;
  metatable: unknown;
  flags: number;
  /** the sandbox's read-only mark (lua-sandbox.ts) */
  readonly?: boolean;
}

/** One reusable array table of Lua strings. */
export class ArgTable {
  private readonly t: FengariTable;
  /** items the last refill stored (1..n) */
  private n = 0;
  /** the value handed to luaH_setint for a new entry (it copies type and value) */
  private readonly scratch = new lobject.TValue(lua.LUA_TNIL, null);
  /** registry reference of the table */
  private readonly ref: number;

  /** Takes the table at the top of `L`'s stack (leaves it there). */
  constructor(
    private readonly L: LuaState,
    index = -1,
  ) {
    this.t = (lua as unknown as { lua_topointer(L: LuaState, i: number): FengariTable }).lua_topointer(L, index);
    lua.lua_pushvalue(L, index);
    this.ref = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
  }

  /** Pushes the table. */
  push(L: LuaState): void {
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.ref);
  }

  /** Makes the table the array `items[from] .. items[to - 1]` (binary strings), 1-based. */
  fill(items: readonly string[], from: number, to: number): void {
    const t = this.t;
    const count = to - from;
    const strong = t.strong;
    // untouched since the last refill: exactly the keys 1..n, no metatable
    if (t.metatable !== null || strong.size !== this.n || count < this.n || !this.holdsPrefix()) this.reset();
    const L = this.L;
    for (let i = 0; i < count; i++) {
      const ts = luaStringOf(L, items[from + i] as string);
      const e = strong.get(i + 1);
      if (e !== undefined && e.value !== undefined) e.value.setsvalue(ts);
      else {
        this.scratch.setsvalue(ts);
        ltable.luaH_setint(t, i + 1, this.scratch);
      }
    }
    this.n = count;
  }

  /**
   * Lets scripts write to the table again after the sandbox marked everything reachable from the
   * globals read-only (KEYS and ARGV are writable in Redis: they are made per call there).
   */
  unprotect(): void {
    this.t.readonly = false;
  }

  private holdsPrefix(): boolean {
    const strong = this.t.strong;
    for (let i = 1; i <= this.n; i++) if (!strong.has(i)) return false;
    return true;
  }

  /** An empty table, as ltable.js's Table constructor leaves it. */
  private reset(): void {
    const t = this.t;
    t.strong.clear();
    t.dead_strong.clear();
    t.dead_weak = undefined;
    t.f = undefined;
    t.l = undefined;
    t.metatable = null;
    t.flags = ~0;
    this.n = 0;
  }
}

/**
 * KEYS and ARGV in the globals of `L` or not: EVAL scripts have them, FCALL functions do not
 * (they run in a Lua state of their own in Redis). Host stores, past the read-only guard.
 */
export function setArgGlobals(L: LuaState, keys: ArgTable, argv: ArgTable, visible: boolean): void {
  lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
  pushBinary(L, 'KEYS');
  if (visible) keys.push(L);
  else lua.lua_pushnil(L);
  lua.lua_rawset(L, -3);
  pushBinary(L, 'ARGV');
  if (visible) argv.push(L);
  else lua.lua_pushnil(L);
  lua.lua_rawset(L, -3);
  lua.lua_pop(L, 1);
}
