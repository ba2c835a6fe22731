import type { ErrorReply } from '@replikit/resp';
import { TIMEOUT_NEGATIVE, TIMEOUT_NOT_FLOAT } from '../dispatch/reply-texts';

const FLOAT_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** LLONG_MAX as a double (2^63): milliseconds at or above it wrap negative in C */
const LLONG_MAX = 2 ** 63;

/**
 * getTimeoutFromObjectOrReply(UNIT_SECONDS) of Redis 7.0: a long double of seconds (no leading
 * space, no trailing garbage, not NaN), times 1000, rounded up. Values past LLONG_MAX ms wrap to
 * negative in C, so Redis answers "timeout is negative" for `inf` and `1e300`; so do we.
 * Returns milliseconds (0 = block forever) or the error reply.
 */
export function parseBlockingTimeout(text: string): number | ErrorReply {
  let seconds: number;
  const lower = text.toLowerCase();
  if (FLOAT_RE.test(text)) seconds = Number(text);
  else if (/^[+-]?(inf|infinity)$/.test(lower)) seconds = lower.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  else if (/^[+-]?0x[0-9a-f]+$/.test(lower)) seconds = (lower.startsWith('-') ? -1 : 1) * Number.parseInt(lower.replace(/^[+-]?0x/, ''), 16);
  else return TIMEOUT_NOT_FLOAT;
  if (Number.isNaN(seconds)) return TIMEOUT_NOT_FLOAT;
  const ms = Math.ceil(seconds * 1000);
  if (!Number.isFinite(ms) || ms >= LLONG_MAX || ms < 0) return TIMEOUT_NEGATIVE;
  return ms;
}
