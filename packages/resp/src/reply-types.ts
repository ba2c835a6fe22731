/**
 * The reply value model shared by every layer that produces or consumes RESP replies.
 *
 * Binary data is carried either as a `Buffer` or as a *binary string*: a JS string whose char
 * codes are the bytes (latin1). The keyspace stores keys and values as binary strings because
 * they cost far less memory than Buffers; the encoder writes them with `latin1` so no byte is
 * ever altered. A plain JS `string` in a `RespValue` is therefore always a bulk string.
 */

/** `+OK`, `+PONG`, `+QUEUED` ... (RESP2 and RESP3 simple string). */
export class SimpleString {
  constructor(readonly value: string) {}
}

/**
 * An error reply. `message` is the full text without the leading `-`, exactly as Redis writes it,
 * e.g. `ERR wrong number of arguments for 'get' command` or `WRONGTYPE Operation against ...`.
 */
export class ErrorReply {
  constructor(readonly message: string) {}
  /** The first word (`ERR`, `WRONGTYPE`, `READONLY`, ...). */
  get prefix(): string {
    const i = this.message.indexOf(' ');
    return i < 0 ? this.message : this.message.slice(0, i);
  }
}

/** A double reply: RESP3 `,` ; RESP2 bulk string formatted like Redis (`%.17g`, `inf`, `-inf`). */
export class DoubleReply {
  /** `text`: the exact digits to send instead of the `%.17g` form (Redis's human format for GEOPOS in RESP3) */
  constructor(
    readonly value: number,
    readonly text?: string,
  ) {}
}

/** A boolean reply: RESP3 `#t`/`#f`; RESP2 integer 1/0. */
export class BooleanReply {
  constructor(readonly value: boolean) {}
}

/** A big number: RESP3 `(`; RESP2 bulk string. */
export class BigNumberReply {
  constructor(readonly value: bigint) {}
}

/** A map: RESP3 `%`; RESP2 flat array of key, value, key, value ... */
export class MapReply {
  constructor(readonly entries: ReadonlyArray<readonly [RespValue, RespValue]>) {}
}

/** A set: RESP3 `~`; RESP2 array. */
export class SetReply {
  constructor(readonly items: readonly RespValue[]) {}
}

/** Verbatim string: RESP3 `=` with a 3-char format (`txt`, `mkd`); RESP2 bulk string. */
export class VerbatimReply {
  constructor(
    readonly format: string,
    readonly text: string | Buffer,
  ) {}
}

/** Out-of-band push (Pub/Sub messages): RESP3 `>`; RESP2 array. */
export class PushReply {
  constructor(readonly items: readonly RespValue[]) {}
}

/** The null array: RESP2 `*-1` (EXEC aborted by WATCH, BLPOP timeout); RESP3 `_`. */
export class NullArrayReply {
  private constructor() {}
  static readonly instance = new NullArrayReply();
}

/**
 * Any RESP value.
 * - `null`: the null bulk string (RESP2 `$-1`, RESP3 `_`).
 * - `string`: a bulk string holding a binary (latin1) string.
 * - `Buffer`: a bulk string.
 * - `number` (a safe integer) or `bigint`: an integer reply.
 * - arrays: an array reply.
 */
export type RespValue =
  | null
  | string
  | Buffer
  | number
  | bigint
  | SimpleString
  | ErrorReply
  | DoubleReply
  | BooleanReply
  | BigNumberReply
  | MapReply
  | SetReply
  | VerbatimReply
  | PushReply
  | NullArrayReply
  | readonly RespValue[];

/** Shared constant replies (allocate once). */
export const OK = new SimpleString('OK');
export const PONG = new SimpleString('PONG');
export const QUEUED = new SimpleString('QUEUED');
export const NULL_ARRAY = NullArrayReply.instance;
