// Test helpers (not exported by the package): reading a real redis-server's dataset and ours in one
// comparable shape (test-utils' dataset views), and waiting on conditions.

export type { DatasetView } from '@replikit/test-utils';

import type { RawClient, RawReply } from '@replikit/test-utils';

const str = (r: RawReply): string => (Buffer.isBuffer(r) ? r.toString('latin1') : String(r));

export { viewOfKeyspace as readKeyspace, viewOfServer as readRedis } from '@replikit/test-utils';

/** Polls `cond` every 20 ms until it holds; fails with `what` after `ms`. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 20000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One field of INFO from a redis-server. */
export async function infoField(c: RawClient, section: string, field: string): Promise<string> {
  const text = str((await c.call('INFO', section)) as RawReply);
  const m = new RegExp(`^${field}:(.*)$`, 'm').exec(text);
  if (m === null) throw new Error(`INFO ${section} has no ${field}:\n${text}`);
  return m[1].trim();
}
