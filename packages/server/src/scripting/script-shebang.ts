/**
 * EVAL script bodies: the shebang line of Redis 7.0 (`#!lua flags=no-writes,allow-oom`) and the
 * sha1 a body is cached and called by.
 */
import { createHash } from 'node:crypto';
import { ErrorReply } from '@replikit/resp';

/** Shebang flags (`#!lua flags=...`); a script without a shebang runs in EVAL compatibility mode. */
export interface ScriptFlags {
  readonly compat: boolean;
  readonly noWrites: boolean;
  readonly allowOom: boolean;
  readonly allowStale: boolean;
  readonly noCluster: boolean;
  readonly allowCrossSlotKeys: boolean;
}

const COMPAT: ScriptFlags = { compat: true, noWrites: false, allowOom: false, allowStale: false, noCluster: false, allowCrossSlotKeys: false };
const FLAG_NAMES: Record<string, keyof ScriptFlags> = {
  'no-writes': 'noWrites',
  'allow-oom': 'allowOom',
  'allow-stale': 'allowStale',
  'no-cluster': 'noCluster',
  'allow-cross-slot-keys': 'allowCrossSlotKeys',
};

/** evalExtractShebangFlags: the flags, or the error reply text. */
export function parseShebang(body: string): { flags: ScriptFlags; lineEnd: number } | ErrorReply {
  if (!body.startsWith('#!')) return { flags: COMPAT, lineEnd: 0 };
  let end = body.indexOf('\n');
  if (end < 0) end = body.length;
  const parts = body.slice(0, end).split(' ').filter((p) => p.length > 0);
  if (parts[0] !== '#!lua') return new ErrorReply(`ERR Unexpected engine in script shebang: ${parts[0] ?? ''}`);
  const flags: { -readonly [K in keyof ScriptFlags]: ScriptFlags[K] } = { ...COMPAT, compat: false };
  for (const part of parts.slice(1)) {
    if (!part.startsWith('flags=')) return new ErrorReply(`ERR Unknown lua shebang option: ${part}`);
    for (const f of part.slice(6).split(',')) {
      if (f.length === 0) continue;
      const key = FLAG_NAMES[f];
      if (key === undefined) return new ErrorReply(`ERR Unexpected flag in script shebang: ${f}`);
      flags[key] = true;
    }
  }
  return { flags, lineEnd: end };
}

export function sha1hex(body: string): string {
  return createHash('sha1').update(body, 'latin1').digest('hex');
}
