/** Defaults of createKeyspace options (documented in docs/keyspace.md), named like Redis's config keys. */
export const DEFAULT_DATABASES = 16; // databases
export const DEFAULT_PROTO_MAX_BULK_LEN = 512 * 1024 * 1024; // proto-max-bulk-len
export const DEFAULT_HZ = 10; // hz
export const DEFAULT_ACTIVE_EXPIRE_BUDGET_MS = 2;
export const DEFAULT_MAX_SCAN_CURSORS = 4096;
