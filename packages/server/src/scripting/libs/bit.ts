/** The `bit` library (LuaBitOp 1.0.2 as Redis bundles it): 32-bit operations on Lua numbers. */
import type { LuaState } from 'fengari';
import { lauxlib, lua } from '../fengari-loader';
import { latin1ToLua, pushBinary, setFunction } from '../lua-runtime';

/** Rounds like the FPU (ties to even), then keeps the low 32 bits as a signed integer. */
function toBit(x: number): number {
  if (!Number.isFinite(x)) return 0;
  let r = Math.round(x);
  if (r - x === 0.5 && r % 2 !== 0) r -= 1;
  if (r >= -0x80000000 && r <= 0xffffffff) return r | 0;
  return Number(BigInt.asIntN(32, BigInt(r)));
}

function arg(L: LuaState, i: number): number {
  return toBit(lauxlib.luaL_checknumber(L, i));
}

function fold(op: (a: number, b: number) => number): (L: LuaState) => number {
  return (L) => {
    const n = lua.lua_gettop(L);
    let acc = arg(L, 1);
    for (let i = 2; i <= n; i++) acc = op(acc, arg(L, i));
    lua.lua_pushnumber(L, acc);
    return 1;
  };
}

function shift(op: (a: number, n: number) => number): (L: LuaState) => number {
  return (L) => {
    const a = arg(L, 1);
    const n = arg(L, 2) & 31;
    lua.lua_pushnumber(L, op(a, n));
    return 1;
  };
}

export function openBit(L: LuaState): void {
  lua.lua_newtable(L);
  setFunction(L, 'tobit', (s) => {
    lua.lua_pushnumber(s, arg(s, 1));
    return 1;
  });
  setFunction(L, 'bnot', (s) => {
    lua.lua_pushnumber(s, ~arg(s, 1));
    return 1;
  });
  setFunction(L, 'band', fold((a, b) => a & b));
  setFunction(L, 'bor', fold((a, b) => a | b));
  setFunction(L, 'bxor', fold((a, b) => a ^ b));
  setFunction(L, 'lshift', shift((a, n) => a << n));
  setFunction(L, 'rshift', shift((a, n) => (a >>> n) | 0));
  setFunction(L, 'arshift', shift((a, n) => a >> n));
  setFunction(L, 'rol', shift((a, n) => ((a << n) | (a >>> (32 - n))) | 0));
  setFunction(L, 'ror', shift((a, n) => ((a >>> n) | (a << (32 - n))) | 0));
  setFunction(L, 'bswap', (s) => {
    const a = arg(s, 1);
    lua.lua_pushnumber(s, (((a & 0xff) << 24) | ((a & 0xff00) << 8) | ((a >>> 8) & 0xff00) | (a >>> 24)) | 0);
    return 1;
  });
  setFunction(L, 'tohex', (s) => {
    const b = arg(s, 1);
    let n = lua.lua_type(s, 2) <= lua.LUA_TNIL ? 8 : arg(s, 2);
    const upper = n < 0;
    if (upper) n = -n;
    if (n > 8) n = 8;
    let hex = (b >>> 0).toString(16).padStart(8, '0').slice(8 - n);
    if (upper) hex = hex.toUpperCase();
    pushBinary(s, hex);
    return 1;
  });
  lua.lua_setglobal(L, latin1ToLua('bit'));
}
