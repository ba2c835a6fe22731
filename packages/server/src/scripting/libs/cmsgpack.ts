/**
 * The `cmsgpack` library (lua-cmsgpack 0.4 as Redis bundles it): pack(...), unpack(s),
 * unpack_one(s [, offset]), unpack_limit(s, limit [, offset]). Integral numbers use the smallest
 * integer form, others float 32 when exact, else float 64; a table whose keys are exactly 1..n
 * is an array, any other a map; nesting deeper than 16 packs nil.
 */
import type { LuaState } from 'fengari';
import { lauxlib, lua } from '../fengari-loader';
import { latin1ToLua, pushBytes, raise, setFunction } from '../lua-runtime';

const MAX_NESTING = 16;

class Out {
  buf = new Uint8Array(64);
  len = 0;
  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  be(v: number | bigint, size: number, float = false): void {
    this.ensure(size);
    const dv = new DataView(this.buf.buffer, this.buf.byteOffset + this.len, size);
    if (float) {
      if (size === 4) dv.setFloat32(0, v as number);
      else dv.setFloat64(0, v as number);
    } else if (size === 1) dv.setUint8(0, Number(v));
    else if (size === 2) dv.setUint16(0, Number(v));
    else if (size === 4) dv.setUint32(0, Number(v));
    else dv.setBigUint64(0, BigInt.asUintN(64, BigInt(v)));
    this.len += size;
  }
}

/** 2^63: integral numbers in [-2^63, 2^63) use the integer forms */
const TWO_63 = 2 ** 63;

function packInteger(o: Out, code: number, v: number | bigint, size: number): void {
  o.byte(code);
  o.be(v, size);
}

function packNumber(o: Out, n: number): void {
  if (Number.isInteger(n) && n >= -TWO_63 && n < TWO_63) {
    if (n >= 0) {
      if (n <= 127) o.byte(n);
      else if (n <= 0xff) packInteger(o, 0xcc, n, 1);
      else if (n <= 0xffff) packInteger(o, 0xcd, n, 2);
      else if (n <= 0xffffffff) packInteger(o, 0xce, n, 4);
      else packInteger(o, 0xcf, BigInt(n), 8);
    } else if (n >= -32) o.byte(n & 0xff);
    else if (n >= -128) packInteger(o, 0xd0, n & 0xff, 1);
    else if (n >= -32768) packInteger(o, 0xd1, n & 0xffff, 2);
    else if (n >= -2147483648) packInteger(o, 0xd2, n >>> 0, 4);
    else packInteger(o, 0xd3, BigInt(n), 8);
    return;
  }
  if (Math.fround(n) === n || Number.isNaN(n)) {
    o.byte(0xca);
    o.be(n, 4, true);
  } else {
    o.byte(0xcb);
    o.be(n, 8, true);
  }
}

function packHeader(o: Out, n: number, fix: number, fixMax: number, c16: number, c32: number): void {
  if (n <= fixMax) o.byte(fix | n);
  else if (n <= 0xffff) packInteger(o, c16, n, 2);
  else packInteger(o, c32, n, 4);
}

/** table_is_an_array: keys are exactly the integers 1..count */
function isArray(L: LuaState, idx: number): number {
  let count = 0;
  let max = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, idx)) {
    lua.lua_pop(L, 1);
    if (lua.lua_type(L, -1) !== lua.LUA_TNUMBER) {
      lua.lua_pop(L, 1);
      return -1;
    }
    const k = lua.lua_tonumber(L, -1);
    if (!Number.isInteger(k) || k < 1) {
      lua.lua_pop(L, 1);
      return -1;
    }
    count++;
    if (k > max) max = k;
  }
  return max === count ? count : -1;
}

function packValue(L: LuaState, o: Out, level: number): void {
  const t = lua.lua_type(L, -1);
  if (t === lua.LUA_TSTRING) {
    const s = lua.lua_tolstring(L, -1) as Uint8Array;
    if (s.length < 32) o.byte(0xa0 | s.length);
    else if (s.length <= 0xff) packInteger(o, 0xd9, s.length, 1);
    else if (s.length <= 0xffff) packInteger(o, 0xda, s.length, 2);
    else packInteger(o, 0xdb, s.length, 4);
    o.bytes(s);
  } else if (t === lua.LUA_TBOOLEAN) o.byte(lua.lua_toboolean(L, -1) ? 0xc3 : 0xc2);
  else if (t === lua.LUA_TNUMBER) packNumber(o, lua.lua_tonumber(L, -1));
  else if (t === lua.LUA_TTABLE && level < MAX_NESTING) {
    lua.lua_checkstack(L, 4);
    const idx = lua.lua_gettop(L);
    const n = isArray(L, idx);
    if (n >= 0) {
      packHeader(o, n, 0x90, 15, 0xdc, 0xdd);
      for (let i = 1; i <= n; i++) {
        lua.lua_rawgeti(L, idx, i);
        packValue(L, o, level + 1);
        lua.lua_pop(L, 1);
      }
    } else {
      let count = 0;
      lua.lua_pushnil(L);
      while (lua.lua_next(L, idx)) {
        lua.lua_pop(L, 1);
        count++;
      }
      packHeader(o, count, 0x80, 15, 0xde, 0xdf);
      lua.lua_pushnil(L);
      while (lua.lua_next(L, idx)) {
        lua.lua_pushvalue(L, -2);
        packValue(L, o, level + 1);
        lua.lua_pop(L, 1);
        packValue(L, o, level + 1);
        lua.lua_pop(L, 1);
      }
    }
  } else o.byte(0xc0);
}

class In {
  pos: number;
  constructor(
    readonly L: LuaState,
    readonly b: Uint8Array,
    offset: number,
  ) {
    this.pos = offset;
  }
  need(n: number): void {
    if (this.pos + n > this.b.length) raise(this.L, 'Missing bytes in input.');
  }
  view(n: number): DataView {
    this.need(n);
    const dv = new DataView(this.b.buffer, this.b.byteOffset + this.pos, n);
    this.pos += n;
    return dv;
  }
}

function unpackValue(r: In): void {
  const L = r.L;
  lua.lua_checkstack(L, 4);
  r.need(1);
  const c = r.b[r.pos++] as number;
  const str = (n: number) => {
    r.need(n);
    pushBytes(L, r.b.subarray(r.pos, r.pos + n));
    r.pos += n;
  };
  const arr = (n: number) => {
    lua.lua_createtable(L, n, 0);
    for (let i = 1; i <= n; i++) {
      unpackValue(r);
      lua.lua_rawseti(L, -2, i);
    }
  };
  const map = (n: number) => {
    lua.lua_createtable(L, 0, n);
    for (let i = 0; i < n; i++) {
      unpackValue(r);
      unpackValue(r);
      lua.lua_settable(L, -3);
    }
  };
  if (c <= 0x7f) lua.lua_pushnumber(L, c);
  else if (c >= 0xe0) lua.lua_pushnumber(L, c - 256);
  else if ((c & 0xe0) === 0xa0) str(c & 0x1f);
  else if ((c & 0xf0) === 0x90) arr(c & 0x0f);
  else if ((c & 0xf0) === 0x80) map(c & 0x0f);
  else {
    switch (c) {
      case 0xc0: lua.lua_pushnil(L); break;
      case 0xc2: lua.lua_pushboolean(L, false); break;
      case 0xc3: lua.lua_pushboolean(L, true); break;
      case 0xcc: lua.lua_pushnumber(L, r.view(1).getUint8(0)); break;
      case 0xcd: lua.lua_pushnumber(L, r.view(2).getUint16(0)); break;
      case 0xce: lua.lua_pushnumber(L, r.view(4).getUint32(0)); break;
      case 0xcf: lua.lua_pushnumber(L, Number(r.view(8).getBigUint64(0))); break;
      case 0xd0: lua.lua_pushnumber(L, r.view(1).getInt8(0)); break;
      case 0xd1: lua.lua_pushnumber(L, r.view(2).getInt16(0)); break;
      case 0xd2: lua.lua_pushnumber(L, r.view(4).getInt32(0)); break;
      case 0xd3: lua.lua_pushnumber(L, Number(r.view(8).getBigInt64(0))); break;
      case 0xca: lua.lua_pushnumber(L, r.view(4).getFloat32(0)); break;
      case 0xcb: lua.lua_pushnumber(L, r.view(8).getFloat64(0)); break;
      case 0xd9: case 0xc4: str(r.view(1).getUint8(0)); break;
      case 0xda: case 0xc5: str(r.view(2).getUint16(0)); break;
      case 0xdb: case 0xc6: str(r.view(4).getUint32(0)); break;
      case 0xdc: arr(r.view(2).getUint16(0)); break;
      case 0xdd: arr(r.view(4).getUint32(0)); break;
      case 0xde: map(r.view(2).getUint16(0)); break;
      case 0xdf: map(r.view(4).getUint32(0)); break;
      default: raise(L, 'Bad data format in input.');
    }
  }
}

/** mp_unpack_full: up to `limit` objects (0 = all) from `offset`; with a limit, the next offset first. */
function unpackFull(L: LuaState, limit: number, offset: number): number {
  const s = lauxlib.luaL_checklstring(L, 1);
  if (offset < 0 || limit < 0) return raise(L, `Invalid request to unpack with offset of ${offset} and limit of ${limit}.`);
  if (offset > s.length) return raise(L, 'Start offset greater than input length.');
  const decodeAll = limit === 0;
  const r = new In(L, s, offset);
  let count = 0;
  const base = lua.lua_gettop(L);
  while (r.pos < s.length && (decodeAll || count < limit)) {
    unpackValue(r);
    count++;
  }
  if (!decodeAll) {
    lua.lua_pushnumber(L, r.pos >= s.length ? -1 : r.pos);
    lua.lua_insert(L, base + 1);
    count++;
  }
  return count;
}

export function openCmsgpack(L: LuaState): void {
  lua.lua_newtable(L);
  setFunction(L, 'pack', (s) => {
    const n = lua.lua_gettop(s);
    if (n === 0) return raise(s, 'MessagePack pack needs input.');
    const o = new Out();
    for (let i = 1; i <= n; i++) {
      lua.lua_pushvalue(s, i);
      packValue(s, o, 0);
      lua.lua_pop(s, 1);
    }
    pushBytes(s, o.buf.subarray(0, o.len));
    return 1;
  });
  setFunction(L, 'unpack', (s) => unpackFull(s, 0, 0));
  setFunction(L, 'unpack_one', (s) => unpackFull(s, 1, lua.lua_type(s, 2) > lua.LUA_TNIL ? Math.trunc(lua.lua_tonumber(s, 2)) : 0));
  setFunction(L, 'unpack_limit', (s) =>
    unpackFull(s, Math.trunc(lauxlib.luaL_checknumber(s, 2)), lua.lua_type(s, 3) > lua.LUA_TNIL ? Math.trunc(lua.lua_tonumber(s, 3)) : 0),
  );
  lua.lua_setglobal(L, latin1ToLua('cmsgpack'));
}
