/**
 * The `struct` library (Roberto Ierusalimschy's struct 0.2 as Redis bundles it): pack, unpack and
 * size over formats of `> < = !n` (endianness, alignment), `x` padding, `b B h H l L T i[n] I[n]`
 * integers, `f d` floats, `s` zero-terminated and `c[n]` fixed strings (`c0`: length from the
 * previous value).
 */
import type { LuaState } from 'fengari';
import { lauxlib, lua } from '../fengari-loader';
import { latin1ToLua, pushBytes, raise, setFunction } from '../lua-runtime';

interface Header {
  little: boolean;
  align: number;
}

const MAXINTSIZE = 32;

function readNum(fmt: string, i: { p: number }, df: number): number {
  const m = /^\d+/.exec(fmt.slice(i.p));
  if (m === null) return df;
  i.p += m[0].length;
  return Number(m[0]);
}

function optSize(L: LuaState, opt: string, fmt: string, i: { p: number }): number {
  switch (opt) {
    case 'B': case 'b': return 1;
    case 'H': case 'h': return 2;
    case 'L': case 'l': return 8;
    case 'T': return 8;
    case 'f': return 4;
    case 'd': return 8;
    case 'x': return 1;
    case 'c': return readNum(fmt, i, 1);
    case 'i': case 'I': {
      const sz = readNum(fmt, i, 4);
      if (sz > MAXINTSIZE) return raise(L, `integral size ${sz} is larger than limit of ${MAXINTSIZE}`);
      return sz;
    }
    default: return 0;
  }
}

function gotoAlign(len: number, h: Header, size: number): number {
  let a = size;
  if (a <= 1 || h.align <= 1) return 0;
  if (a > h.align) a = h.align;
  if ((a & (a - 1)) !== 0) return 0;
  return (a - (len & (a - 1))) & (a - 1);
}

function controlOption(L: LuaState, opt: string, fmt: string, i: { p: number }, h: Header): boolean {
  if (opt === ' ') return true;
  if (opt === '>') h.little = false;
  else if (opt === '<') h.little = true;
  else if (opt === '=') h.little = true;
  else if (opt === '!') h.align = readNum(fmt, i, 8);
  else raise(L, `invalid format option '${opt}'`);
  return true;
}

const INT_OPTS = new Set(['b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I']);

function intBytes(v: number, size: number, little: boolean): Uint8Array {
  const out = new Uint8Array(size);
  let x = BigInt.asUintN(Math.min(64, size * 8), BigInt(Math.trunc(v)));
  const neg = v < 0;
  for (let k = 0; k < size; k++) {
    const byte = k < 8 ? Number(x & 0xffn) : neg ? 0xff : 0;
    out[little ? k : size - 1 - k] = byte;
    x >>= 8n;
  }
  return out;
}

function pack(L: LuaState): number {
  const fmt = String.fromCharCode(...lauxlib.luaL_checklstring(L, 1));
  const h: Header = { little: true, align: 1 };
  const parts: number[] = [];
  let arg = 2;
  const i = { p: 0 };
  while (i.p < fmt.length) {
    const opt = fmt[i.p++] as string;
    const size = optSize(L, opt, fmt, i);
    const toalign = gotoAlign(parts.length, h, size);
    for (let k = 0; k < toalign; k++) parts.push(0);
    if (INT_OPTS.has(opt)) {
      const v = lauxlib.luaL_checknumber(L, arg++);
      for (const b of intBytes(v, size, h.little)) parts.push(b);
    } else if (opt === 'x') parts.push(0);
    else if (opt === 'f' || opt === 'd') {
      const v = lauxlib.luaL_checknumber(L, arg++);
      const dv = new DataView(new ArrayBuffer(size));
      if (size === 4) dv.setFloat32(0, v, h.little);
      else dv.setFloat64(0, v, h.little);
      for (let k = 0; k < size; k++) parts.push(dv.getUint8(k));
    } else if (opt === 'c' || opt === 's') {
      const s = lauxlib.luaL_checklstring(L, arg++);
      let l = s.length;
      if (opt === 'c') {
        if (size === 0) {
          /* c0: the whole string */
        } else {
          if (l < size) return raise(L, `bad argument #${arg - 1} to 'pack' (string too short)`);
          l = size;
        }
      }
      for (let k = 0; k < l; k++) parts.push(s[k] as number);
      if (opt === 's') parts.push(0);
    } else controlOption(L, opt, fmt, i, h);
  }
  pushBytes(L, Uint8Array.from(parts));
  return 1;
}

function unpack(L: LuaState): number {
  const fmt = String.fromCharCode(...lauxlib.luaL_checklstring(L, 1));
  const data = lauxlib.luaL_checklstring(L, 2);
  const ld = data.length;
  let pos = lua.lua_type(L, 3) > lua.LUA_TNIL ? Math.trunc(lua.lua_tonumber(L, 3)) - 1 : 0;
  if (pos < 0) return raise(L, "bad argument #3 to 'unpack' (offset must be 1 or greater)");
  const h: Header = { little: true, align: 1 };
  const i = { p: 0 };
  let n = 0;
  while (i.p < fmt.length) {
    const opt = fmt[i.p++] as string;
    const size = optSize(L, opt, fmt, i);
    pos += gotoAlign(pos, h, size);
    if (size > ld - pos || pos > ld) return raise(L, "bad argument #2 to 'unpack' (data string too short)");
    lua.lua_checkstack(L, 2);
    if (INT_OPTS.has(opt)) {
      let x = 0n;
      for (let k = 0; k < size; k++) x = (x << 8n) | BigInt(data[pos + (h.little ? size - 1 - k : k)] as number);
      const signed = opt === opt.toLowerCase();
      const v = signed ? BigInt.asIntN(size * 8, x) : x;
      lua.lua_pushnumber(L, Number(v));
      n++;
    } else if (opt === 'x') {
      /* padding */
    } else if (opt === 'f' || opt === 'd') {
      const dv = new DataView(data.buffer, data.byteOffset + pos, size);
      lua.lua_pushnumber(L, size === 4 ? dv.getFloat32(0, h.little) : dv.getFloat64(0, h.little));
      n++;
    } else if (opt === 'c') {
      let len = size;
      if (len === 0) {
        if (n === 0 || lua.lua_type(L, -1) !== lua.LUA_TNUMBER) return raise(L, 'format \'c0\' needs a previous size');
        len = Math.trunc(lua.lua_tonumber(L, -1));
        lua.lua_pop(L, 1);
        n--;
        if (len > ld - pos) return raise(L, "bad argument #2 to 'unpack' (data string too short)");
      }
      pushBytes(L, data.subarray(pos, pos + len));
      n++;
      pos += len;
      continue;
    } else if (opt === 's') {
      let e = pos;
      while (e < ld && data[e] !== 0) e++;
      if (e >= ld) return raise(L, "bad argument #2 to 'unpack' (unfinished string in data)");
      pushBytes(L, data.subarray(pos, e));
      n++;
      pos = e + 1;
      continue;
    } else controlOption(L, opt, fmt, i, h);
    pos += size;
  }
  lua.lua_pushnumber(L, pos + 1);
  return n + 1;
}

function size(L: LuaState): number {
  const fmt = String.fromCharCode(...lauxlib.luaL_checklstring(L, 1));
  const h: Header = { little: true, align: 1 };
  const i = { p: 0 };
  let total = 0;
  while (i.p < fmt.length) {
    const opt = fmt[i.p++] as string;
    const sz = optSize(L, opt, fmt, i);
    total += gotoAlign(total, h, sz);
    if (opt === 's') return raise(L, "bad argument #1 to 'size' (options 's' has no fixed size)");
    if (opt === 'c' && sz === 0) return raise(L, "bad argument #1 to 'size' (options 'c0' has no fixed size)");
    if (!INT_OPTS.has(opt) && !'xfdc'.includes(opt)) controlOption(L, opt, fmt, i, h);
    else total += sz;
  }
  lua.lua_pushnumber(L, total);
  return 1;
}

export function openStruct(L: LuaState): void {
  lua.lua_newtable(L);
  setFunction(L, 'pack', pack);
  setFunction(L, 'unpack', unpack);
  setFunction(L, 'size', size);
  lua.lua_setglobal(L, latin1ToLua('struct'));
}
