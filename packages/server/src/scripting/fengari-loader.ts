/**
 * fengari's modules, required when the first Lua state is made instead of when the server's code
 * loads: compiling fengari's ~40 files costs ~50 ms of start-up, as much as the rest of the
 * server's modules, and a server that never runs Lua never needs them. The scripting modules read
 * these bindings; they are set by `loadFengari` (LuaScriptEngine calls it before its first state)
 * and never change afterwards.
 */
import { createRequire } from 'node:module';
import type * as Fengari from 'fengari';
import type LdebugModule from 'fengari/src/ldebug.js';
import type LobjectModule from 'fengari/src/lobject.js';
import type LstateModule from 'fengari/src/lstate.js';
import type LstringModule from 'fengari/src/lstring.js';
import type LtableModule from 'fengari/src/ltable.js';

export let lua: typeof Fengari.lua;
export let lauxlib: typeof Fengari.lauxlib;
export let lualib: typeof Fengari.lualib;
export let lobject: typeof LobjectModule;
export let lstate: typeof LstateModule;
export let lstring: typeof LstringModule;
export let ltable: typeof LtableModule;
export let ldebug: typeof LdebugModule;

let loaded = false;

/** Requires fengari (once). */
export function loadFengari(): void {
  if (loaded) return;
  // the CommonJS build has `require`; the ESM build gets `__filename` from tsup's shims
  const req: NodeJS.Require = typeof module !== 'undefined' ? require : createRequire(__filename);
  const f = req('fengari') as typeof Fengari;
  lua = f.lua;
  lauxlib = f.lauxlib;
  lualib = f.lualib;
  lobject = req('fengari/src/lobject.js') as typeof LobjectModule;
  lstate = req('fengari/src/lstate.js') as typeof LstateModule;
  lstring = req('fengari/src/lstring.js') as typeof LstringModule;
  ltable = req('fengari/src/ltable.js') as typeof LtableModule;
  ldebug = req('fengari/src/ldebug.js') as typeof LdebugModule;
  loaded = true;
}
