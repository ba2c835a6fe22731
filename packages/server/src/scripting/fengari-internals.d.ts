// The fengari internals the sandbox wraps (lua-sandbox.ts): table stores and runtime errors.
declare module 'fengari/src/ltable.js' {
  const ltable: {
    luaH_setfrom(L: unknown, t: unknown, key: unknown, value: unknown): void;
    luaH_setint(t: unknown, key: number, value: unknown): void;
  };
  export default ltable;
}

declare module 'fengari/src/ldebug.js' {
  const ldebug: {
    luaG_runerror(L: unknown, fmt: Uint8Array): never;
  };
  export default ldebug;
}
