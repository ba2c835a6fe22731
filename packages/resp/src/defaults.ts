/** Protocol limits with redis-server 7.0's defaults. See docs/limits.md. */

/** `proto-max-bulk-len`: largest bulk string in a request (512mb). */
export const DEFAULT_MAX_BULK_LENGTH = 512 * 1024 * 1024;
/** Largest multibulk count Redis accepts (`INT_MAX`). */
export const DEFAULT_MAX_MULTIBULK_LENGTH = 2147483647;
/** `PROTO_INLINE_MAX_SIZE`: longest inline line, and longest `*<n>` / `$<n>` header line (64kb). */
export const DEFAULT_MAX_INLINE_LENGTH = 64 * 1024;
/** `client-query-buffer-limit`: most bytes buffered for one client (1gb). */
export const DEFAULT_MAX_QUERY_BUFFER = 1024 * 1024 * 1024;
/** Multibulk count above which an unauthenticated client is refused (hard-coded in Redis). */
export const UNAUTHENTICATED_MAX_MULTIBULK_LENGTH = 10;
/** Bulk length above which an unauthenticated client is refused (hard-coded in Redis). */
export const UNAUTHENTICATED_MAX_BULK_LENGTH = 16384;
/** `RDB_EOF_MARK_SIZE`: length of the `$EOF:` mark of a diskless transfer. */
export const EOF_MARK_LENGTH = 40;
/** Longest snapshot preamble line the framer accepts (Redis reads it into a 1024-byte buffer). */
export const MAX_PREAMBLE_LINE = 1024;
