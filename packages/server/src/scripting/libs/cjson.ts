/**
 * The `cjson` library (lua-cjson 2.1 as Redis bundles it): encode/decode with cjson.null, numbers
 * written with `%.14g`, `/` escaped, sparse-array and nesting rules, Redis's error texts.
 * Object member order follows Lua's table traversal, which differs between Lua builds: compare
 * encoded objects by decoding them.
 */
import type { LuaState } from 'fengari';
import { lauxlib, lua } from '../fengari-loader';
import { formatG, latin1ToLua, luaToLatin1, pushBinary, raise, setFunction, toBinary } from '../lua-runtime';

/** The light userdata cjson.null stands for (compared by identity). */
export const CJSON_NULL = Object.freeze({ cjsonNull: true });

const MAX_DEPTH = 1000;

function escapeString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x2f) out += '\\/';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\u00${c.toString(16).padStart(2, '0')}`;
    else out += s[i];
  }
  return `${out}"`;
}

function encodeNumber(L: LuaState, d: number): string {
  if (!Number.isFinite(d)) return raise(L, 'Cannot serialise number: must not be NaN or Inf');
  return formatG(d, 14);
}

/** lua_array_length: the array size, -1 for an object. */
function arrayLength(L: LuaState, idx: number): number {
  let max = 0;
  let items = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, idx)) {
    lua.lua_pop(L, 1);
    if (lua.lua_type(L, -1) === lua.LUA_TNUMBER) {
      const k = lua.lua_tonumber(L, -1);
      if (Number.isInteger(k) && k >= 1) {
        if (k > max) max = k;
        items++;
        continue;
      }
    }
    lua.lua_pop(L, 1);
    return -1;
  }
  if (max > 10 && max > items * 2) return raise(L, 'Cannot serialise table: excessively sparse array');
  return max;
}

function encodeValue(L: LuaState, depth: number): string {
  const t = lua.lua_type(L, -1);
  if (t === lua.LUA_TSTRING) return escapeString(toBinary(L, -1) as string);
  if (t === lua.LUA_TNUMBER) return encodeNumber(L, lua.lua_tonumber(L, -1));
  if (t === lua.LUA_TBOOLEAN) return lua.lua_toboolean(L, -1) ? 'true' : 'false';
  if (t === lua.LUA_TNIL) return 'null';
  if (t === lua.LUA_TLIGHTUSERDATA && lua.lua_touserdata(L, -1) === CJSON_NULL) return 'null';
  if (t === lua.LUA_TTABLE) {
    if (depth > MAX_DEPTH) return raise(L, `Cannot serialise, excessive nesting (${depth})`);
    lua.lua_checkstack(L, 4);
    const tableIdx = lua.lua_gettop(L);
    const len = arrayLength(L, tableIdx);
    if (len > 0) {
      const parts: string[] = [];
      for (let i = 1; i <= len; i++) {
        lua.lua_rawgeti(L, tableIdx, i);
        parts.push(encodeValue(L, depth + 1));
        lua.lua_pop(L, 1);
      }
      return `[${parts.join(',')}]`;
    }
    const parts: string[] = [];
    lua.lua_pushnil(L);
    while (lua.lua_next(L, tableIdx)) {
      const kt = lua.lua_type(L, -2);
      let key: string;
      if (kt === lua.LUA_TSTRING) key = escapeString(toBinary(L, -2) as string);
      else if (kt === lua.LUA_TNUMBER) key = `"${encodeNumber(L, lua.lua_tonumber(L, -2))}"`;
      else return raise(L, 'Cannot serialise table: table key must be a number or string');
      parts.push(`${key}:${encodeValue(L, depth + 1)}`);
      lua.lua_pop(L, 1);
    }
    return `{${parts.join(',')}}`;
  }
  const typeName = t === lua.LUA_TFUNCTION ? 'function' : t === lua.LUA_TUSERDATA || t === lua.LUA_TLIGHTUSERDATA ? 'userdata' : 'thread';
  return raise(L, `Cannot serialise ${typeName}: type not supported`);
}

/** A JSON decoder over a binary string that pushes Lua values as it goes. */
class Decoder {
  private i = 0;
  constructor(
    private readonly L: LuaState,
    private readonly s: string,
  ) {}

  private fail(what: string, at = this.i): never {
    const found = at >= this.s.length ? 'T_END' : 'invalid token';
    return raise(this.L, `Expected ${what} but found ${found} at character ${at + 1}`);
  }

  private ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.i++;
      else break;
    }
  }

  decodeTop(): void {
    this.value(1);
    this.ws();
    if (this.i < this.s.length) this.fail('the end');
  }

  private value(depth: number): void {
    const L = this.L;
    if (depth > MAX_DEPTH) raise(L, `Found too many nested data structures (${depth}) at character ${this.i + 1}`);
    this.ws();
    const s = this.s;
    const c = s[this.i];
    if (c === '{') {
      this.i++;
      lua.lua_checkstack(L, 4);
      lua.lua_newtable(L);
      this.ws();
      if (s[this.i] === '}') {
        this.i++;
        return;
      }
      for (;;) {
        this.ws();
        if (s[this.i] !== '"') this.fail('object key string');
        this.string();
        this.ws();
        if (s[this.i] !== ':') this.fail('colon');
        this.i++;
        this.value(depth + 1);
        lua.lua_rawset(L, -3);
        this.ws();
        if (s[this.i] === ',') {
          this.i++;
          continue;
        }
        if (s[this.i] === '}') {
          this.i++;
          return;
        }
        this.fail('comma or object end');
      }
    }
    if (c === '[') {
      this.i++;
      lua.lua_checkstack(L, 4);
      lua.lua_newtable(L);
      this.ws();
      if (s[this.i] === ']') {
        this.i++;
        return;
      }
      for (let n = 1; ; n++) {
        this.value(depth + 1);
        lua.lua_rawseti(L, -2, n);
        this.ws();
        if (s[this.i] === ',') {
          this.i++;
          continue;
        }
        if (s[this.i] === ']') {
          this.i++;
          return;
        }
        this.fail('comma or array end');
      }
    }
    if (c === '"') {
      this.string();
      return;
    }
    if (s.startsWith('true', this.i)) {
      this.i += 4;
      lua.lua_pushboolean(L, true);
      return;
    }
    if (s.startsWith('false', this.i)) {
      this.i += 5;
      lua.lua_pushboolean(L, false);
      return;
    }
    if (s.startsWith('null', this.i)) {
      this.i += 4;
      lua.lua_pushlightuserdata(L, CJSON_NULL);
      return;
    }
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(s.slice(this.i, this.i + 400));
    if (m === null) this.fail('value');
    this.i += m[0].length;
    lua.lua_pushnumber(L, Number(m[0]));
  }

  private string(): void {
    const s = this.s;
    const start = this.i;
    this.i++;
    let out = '';
    for (;;) {
      if (this.i >= s.length) this.fail('string end', start);
      const ch = s[this.i] as string;
      if (ch === '"') {
        this.i++;
        break;
      }
      if (ch !== '\\') {
        out += ch;
        this.i++;
        continue;
      }
      const e = s[this.i + 1];
      this.i += 2;
      if (e === 'u') {
        let cp = Number.parseInt(s.slice(this.i, this.i + 4), 16);
        if (!/^[0-9a-fA-F]{4}$/.test(s.slice(this.i, this.i + 4))) this.fail('valid escape', start);
        this.i += 4;
        if (cp >= 0xd800 && cp < 0xdc00 && s[this.i] === '\\' && s[this.i + 1] === 'u') {
          const lo = Number.parseInt(s.slice(this.i + 2, this.i + 6), 16);
          if (lo >= 0xdc00 && lo < 0xe000) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            this.i += 6;
          }
        }
        out += Buffer.from(String.fromCodePoint(cp), 'utf8').toString('latin1');
      } else {
        const map: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        const r = e === undefined ? undefined : map[e];
        if (r === undefined) this.fail('valid escape', start);
        out += r;
      }
    }
    pushBinary(this.L, out);
  }
}

export function openCjson(L: LuaState): void {
  lua.lua_newtable(L);
  setFunction(L, 'encode', (s) => {
    if (lua.lua_gettop(s) !== 1) return lauxlib.luaL_error(s, latin1ToLua('bad argument #1 to \'encode\' (expected 1 argument)'));
    pushBinary(s, encodeValue(s, 1));
    return 1;
  });
  setFunction(L, 'decode', (s) => {
    if (lua.lua_gettop(s) !== 1) return lauxlib.luaL_error(s, latin1ToLua('bad argument #1 to \'decode\' (expected 1 argument)'));
    const text = luaToLatin1(lauxlib.luaL_checklstring(s, 1));
    new Decoder(s, text).decodeTop();
    return 1;
  });
  for (const name of ['encode_keep_buffer', 'encode_max_depth', 'decode_max_depth', 'encode_number_precision', 'encode_sparse_array', 'encode_invalid_numbers', 'decode_invalid_numbers']) {
    setFunction(L, name, (s) => lua.lua_gettop(s));
  }
  lua.lua_pushlightuserdata(L, CJSON_NULL);
  lua.lua_setfield(L, -2, latin1ToLua('null'));
  pushBinary(L, '2.1.0');
  lua.lua_setfield(L, -2, latin1ToLua('_VERSION'));
  pushBinary(L, 'cjson');
  lua.lua_setfield(L, -2, latin1ToLua('_NAME'));
  lua.lua_setglobal(L, latin1ToLua('cjson'));
}
