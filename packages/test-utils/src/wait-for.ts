/**
 * Polls `check` every 50 ms until it returns a truthy value and resolves with that value; a check
 * that throws counts as not yet. After `timeoutMs` (default 20 s) it rejects with `what` and the
 * last value or error seen, so a hang in a test shows what it was waiting for.
 */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false | null> | T | undefined | false | null, timeoutMs = 20000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as T;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
