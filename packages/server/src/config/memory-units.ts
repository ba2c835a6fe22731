/**
 * Redis memory values: a number with an optional unit, case-insensitive:
 * `k` 1000, `kb` 1024, `m` 1000², `mb` 1024², `g` 1000³, `gb` 1024³ (like memtoull()).
 * Returns null when the text is not a valid memory value.
 */
export function parseMemory(text: string): number | null {
  const m = /^(-?\d+)(k|kb|m|mb|g|gb|b)?$/i.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  if (!Number.isSafeInteger(n)) return null;
  const unit = (m[2] ?? 'b').toLowerCase();
  const mul: Record<string, number> = { b: 1, k: 1000, kb: 1024, m: 1000 ** 2, mb: 1024 ** 2, g: 1000 ** 3, gb: 1024 ** 3 };
  const v = n * mul[unit];
  return Number.isSafeInteger(v) ? v : null;
}

/** Formats bytes the way CONFIG REWRITE does: the largest exact unit (`1gb`, `64mb`, `16kb`) or bytes. */
export function formatMemory(bytes: number): string {
  if (bytes === 0) return '0';
  for (const [unit, mul] of [['gb', 1024 ** 3], ['mb', 1024 ** 2], ['kb', 1024]] as const) {
    if (bytes % mul === 0) return `${bytes / mul}${unit}`;
  }
  return String(bytes);
}
