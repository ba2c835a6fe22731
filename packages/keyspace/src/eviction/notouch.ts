/**
 * Commands whose lookups leave a key's LRU/LFU field alone (Redis's LOOKUP_NOTOUCH callers):
 * they inspect keys without counting as an access. TOUCH is not among them: it exists to touch.
 */
export const NOTOUCH_COMMANDS: ReadonlySet<string> = new Set([
  'exists',
  'type',
  'ttl',
  'pttl',
  'expiretime',
  'pexpiretime',
  'object|encoding',
  'object|refcount',
  'object|freq',
  'object|idletime',
  'object|help',
]);
