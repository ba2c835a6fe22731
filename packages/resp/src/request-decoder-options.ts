/** Options of `RequestDecoder`; defaults are redis-server 7.0's (see docs/limits.md). */
export interface RequestDecoderOptions {
  /**
   * Largest bulk string (`proto-max-bulk-len`). Above it: `ERR Protocol error: invalid bulk length`.
   * @default 536870912 (512mb)
   */
  maxBulkLength?: number;
  /**
   * Largest multibulk count. Above it: `ERR Protocol error: invalid multibulk length`.
   * @default 2147483647 (INT_MAX, as Redis)
   */
  maxMultibulkLength?: number;
  /**
   * Longest inline line, and longest `*<n>`/`$<n>` header line (`PROTO_INLINE_MAX_SIZE`).
   * @default 65536
   */
  maxInlineLength?: number;
  /**
   * Most bytes held unconsumed (`client-query-buffer-limit`); checked on `write`, like Redis checks
   * after each read. Exceeding it is a silent error: Redis closes the connection without a reply.
   * @default 1073741824 (1gb)
   */
  maxQueryBuffer?: number;
  /**
   * Whether the client is authenticated. When false (the server has a password and the client has
   * not sent AUTH yet) Redis refuses multibulk counts above 10 and bulk lengths above 16384.
   * Can be changed at any time through the `authenticated` property.
   * @default true
   */
  authenticated?: boolean;
  /**
   * Decode a master's replication stream with Redis's rules for the master client: no query
   * buffer or authentication limits, and non-empty inline data is an error
   * (`Master using the inline protocol. Desync?`). `maxBulkLength` still applies (Redis applies no
   * bulk limit to its master; replikit keeps one so that memory stays bounded).
   * @default false
   */
  masterLink?: boolean;
}
