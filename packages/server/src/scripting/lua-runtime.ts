/**
 * The Lua VM (fengari, Lua 5.3 in JavaScript) brought to Lua 5.1's number model, which is what
 * Redis 7.0 embeds and what scripts written for it expect:
 *
 * - Lua 5.1 has one number type, the double. fengari's integers are 32-bit and wrap on overflow
 *   (`3600 * 1000000` would turn negative), so every numeral a script contains or converts
 *   (`tonumber`, string arithmetic) is read as a float: `luaO_str2num` is wrapped to store floats.
 * - tostring() and `..` print numbers as 5.1's `%.14g` (`5`, `1e+15`, `inf`), never 5.3's `5.0`:
 *   `luaO_tostring` is replaced.
 *
 * Both are module-level patches of fengari's lobject (the VM reads them through the module
 * object); they apply to every fengari state in the process. So does a third, which is about
 * speed only: call frames (CallInfo) are reused as C Lua reuses them, instead of one new object
 * per function call (see `patchCallInfoReuse`).
 */
import type { LuaState, LuaString } from 'fengari';
import { lauxlib, lobject, lstate, lstring, lua, lualib } from './fengari-loader';

/** C's `printf("%.<precision>g")`: the form Lua 5.1 prints numbers with (precision 14). */
export function formatG(d: number, precision: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (d === Number.POSITIVE_INFINITY) return 'inf';
  if (d === Number.NEGATIVE_INFINITY) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const e = d.toExponential(precision - 1);
  const ePos = e.indexOf('e');
  const exp = Number(e.slice(ePos + 1));
  if (exp < -4 || exp >= precision) {
    let mant = e.slice(0, ePos);
    if (mant.includes('.')) mant = mant.replace(/0+$/, '').replace(/\.$/, '');
    const abs = Math.abs(exp);
    return `${mant}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  let fixed = d.toFixed(Math.max(0, precision - 1 - exp));
  if (fixed.includes('.')) fixed = fixed.replace(/0+$/, '').replace(/\.$/, '');
  return fixed;
}

let patched = false;

function patchNumberModel(): void {
  if (patched) return;
  patched = true;
  const str2num = lobject.luaO_str2num;
  lobject.luaO_str2num = (s, o) => {
    const n = str2num(s, o);
    if (n !== 0 && o.ttisinteger()) o.setfltvalue(o.value);
    return n;
  };
  lobject.luaO_tostring = (L, obj) => {
    const text = obj.ttisinteger() ? String(obj.value) : formatG(obj.value, 14);
    obj.setsvalue(lstring.luaS_bless(L, latin1ToLua(text)));
  };
}

/** fengari's CallInfo (lstate.js), with the field the reuse adds. */
interface CallInfo {
  func: unknown;
  funcOff: number;
  top: number;
  previous: CallInfo | null;
  next: CallInfo | null;
  l_base: number;
  l_code: unknown;
  l_savedpc: number;
  c_k: unknown;
  c_old_errfunc: unknown;
  c_ctx: unknown;
  nresults: number;
  callstatus: number;
  /** the frame this one's callees ran in last (free whenever this frame is the current one) */
  spare?: CallInfo | null;
}

let ciPatched = false;

/**
 * luaE_extendCI: fengari makes a new CallInfo for every call and drops it on return, one
 * allocation per Lua or JS function call. C Lua keeps the frames in a list and takes the next
 * one; here each frame keeps the frame above it (`spare`), which is free whenever the frame is
 * the current one, since frames are pushed and popped in stack order (returns, error recovery
 * and tail calls only ever make a frame below the top current). The frame's fields are set as
 * the constructor sets them. ldo.js and lvm.js call luaE_extendCI through the module object.
 */
function patchCallInfoReuse(L: LuaState): void {
  if (ciPatched) return;
  ciPatched = true;
  const Ctor = (L as unknown as { base_ci: CallInfo }).base_ci.constructor as new () => CallInfo;
  lstate.luaE_extendCI = (s: unknown) => {
    const st = s as { ci: CallInfo };
    const prev = st.ci;
    let ci = prev.spare;
    if (ci === undefined || ci === null) {
      ci = new Ctor();
      ci.spare = null;
      prev.spare = ci;
    } else {
      ci.func = null;
      ci.funcOff = Number.NaN;
      ci.top = Number.NaN;
      ci.l_base = Number.NaN;
      ci.l_code = null;
      ci.l_savedpc = Number.NaN;
      ci.c_k = null;
      ci.c_old_errfunc = null;
      ci.c_ctx = null;
      ci.nresults = Number.NaN;
      ci.callstatus = Number.NaN;
    }
    prev.next = ci;
    ci.previous = prev;
    ci.next = null;
    st.ci = ci;
    return ci;
  };
}

/** A binary (latin1) string as a Lua string: one byte per char code. */
export function latin1ToLua(s: string): LuaString {
  const n = s.length;
  if (n >= 64) return Buffer.from(s, 'latin1');
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** A Lua string as a binary (latin1) string. */
export function luaToLatin1(u: LuaString): string {
  // one string made at once (a loop of `+=` makes one intermediate string per byte)
  if (u.length < 64) return String.fromCharCode.apply(null, u as unknown as number[]);
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('latin1');
}

/** Lua 5.x's short-string bound (LUAI_MAXSHORTLEN): such strings are interned. */
const SHORT_STRING = 40;
/** interned strings kept at most; the table starts over when full */
const INTERN_CAPACITY = 4096;

/** bytes of an interned Lua string, with the binary string it was made from */
interface InternedBytes extends Uint8Array {
  js?: string;
}

/**
 * Short strings from JS as shared Lua strings, as Lua interns every short string in its string
 * table: a key name or a reply value a script sees on every call becomes one Lua string (and one
 * cached hash) instead of a new byte array and string object per call. Lua strings are immutable,
 * so sharing cannot be observed. The bytes remember their binary string (`toBinary` reads it).
 */
const interned = new Map<string, unknown>();

/** The Lua string object (fengari's TString) for a binary string. */
export function luaStringOf(L: LuaState, s: string): unknown {
  if (s.length > SHORT_STRING) return lstring.luaS_bless(L, latin1ToLua(s));
  let ts = interned.get(s);
  if (ts === undefined) {
    if (interned.size >= INTERN_CAPACITY) interned.clear();
    const bytes = latin1ToLua(s) as InternedBytes;
    bytes.js = s;
    ts = lstring.luaS_bless(L, bytes);
    interned.set(s, ts);
  }
  return ts;
}

/**
 * Pushes a binary string. The fresh bytes are handed to the Lua string as they are
 * (lua_pushlstring would copy them once more through a subarray).
 */
export function pushBinary(L: LuaState, s: string): void {
  lobject.pushsvalue2s(L, luaStringOf(L, s));
}

/** Pushes bytes. */
export function pushBytes(L: LuaState, b: Uint8Array): void {
  lua.lua_pushlstring(L, b, b.length);
}

/** The value at `idx` as a binary string, or null when it is neither a string nor a number. */
export function toBinary(L: LuaState, idx: number): string | null {
  const u = lua.lua_tolstring(L, idx) as InternedBytes | null;
  if (u === null) return null;
  const js = u.js;
  return js !== undefined ? js : luaToLatin1(u);
}

/**
 * The string at `idx` as a binary string, remembered on the Lua string's bytes for the next time:
 * for strings met again and again, such as the command name of a redis.call in a script's code.
 */
export function toBinaryKept(L: LuaState, idx: number): string | null {
  const u = lua.lua_tolstring(L, idx) as InternedBytes | null;
  if (u === null) return null;
  let js = u.js;
  if (js === undefined) {
    js = luaToLatin1(u);
    if (u.length <= SHORT_STRING) u.js = js;
  }
  return js;
}

/** fengari's lua_State: the fields a JS function's frame is read from */
interface FengariThread {
  stack: Array<{ type: number; value: unknown }>;
  ci: { funcOff: number };
}

/** lua_type's tags: fengari's value tags keep the basic type in their low four bits */
const T_NUMBER = 3;
const T_STRING = 4;

/**
 * The `argc` arguments of the running JS function into `out` as binary strings, read straight from
 * its frame (what lua_type and lua_tolstring find at indexes 1..argc, without the API's index
 * checks per value); numbers go through `formatNumber`, the value on the stack is not converted.
 * False when an argument is neither a string nor a number. The first argument's JS string is kept
 * on its Lua string (a command name, met again on every call: see `toBinaryKept`).
 */
export function frameArgs(L: LuaState, out: string[], argc: number, formatNumber: (n: number) => string): boolean {
  const s = L as unknown as FengariThread;
  const stack = s.stack;
  const base = s.ci.funcOff;
  for (let j = 1; j <= argc; j++) {
    const o = stack[base + j] as { type: number; value: unknown };
    const t = o.type & 0x0f;
    if (t === T_STRING) {
      const u = (o.value as { getstr(): InternedBytes }).getstr();
      let js = u.js;
      if (js === undefined) {
        js = luaToLatin1(u);
        if (j === 1 && u.length <= SHORT_STRING) u.js = js;
      }
      out[j - 1] = js;
    } else if (t === T_NUMBER) out[j - 1] = formatNumber(o.value as number);
    else return false;
  }
  return true;
}

/** Raises like C's `luaL_error` from a library function: the calling Lua code's position, then the message. */
export function raise(L: LuaState, message: string): never {
  return lauxlib.luaL_error(L, latin1ToLua(message.replace(/%/g, '%%')));
}

/**
 * Lua 5.3 words some runtime errors differently from 5.1; scripts' error replies use 5.1's
 * wording as redis-server prints it ("attempt to index local 'a' (a nil value)", "near '<eof>'").
 */
export function lua51Message(msg: string): string {
  return msg
    .replace(/attempt to (.+?) an? (\w+) value \((local|global|field|upvalue|method|constant) '([^']*)'\)/g, "attempt to $1 $3 '$4' (a $2 value)")
    .replace(/ near <eof>/g, " near '<eof>'");
}

/** A new state with the Lua standard libraries Redis loads (base, table, string, math, debug, coroutine). */
export function newLuaState(): LuaState {
  patchNumberModel();
  const L = lauxlib.luaL_newstate();
  patchCallInfoReuse(L);
  lualib.luaL_openlibs(L);
  return L;
}

/** Sets field `name` of the table at the top of the stack to a JS function. */
export function setFunction(L: LuaState, name: string, fn: (L: LuaState) => number): void {
  lua.lua_pushcfunction(L, fn);
  lua.lua_setfield(L, -2, latin1ToLua(name));
}

/**
 * redisLrand48/redisSrand48: the 48-bit linear congruential generator Redis gives math.random,
 * so a seed gives the same sequence as in redis-server.
 */
export class Lrand48 {
  private x = 0n;
  constructor() {
    this.seed(0);
  }
  seed(seed: number): void {
    this.x = ((BigInt.asUintN(32, BigInt(Math.trunc(seed))) << 16n) | 0x330en) & 0xffffffffffffn;
  }
  /** 31 random bits */
  next(): number {
    this.x = (this.x * 0x5deece66dn + 0xbn) & 0xffffffffffffn;
    return Number(this.x >> 17n);
  }
}
