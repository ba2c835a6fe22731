/**
 * Shared pieces of the stream commands (t_stream.c): error replies with Redis 7.0's text, id
 * arguments, entry replies and the propagation helpers XREADGROUP / XCLAIM / XAUTOCLAIM share.
 */
import { ErrorReply, type RespValue, SimpleString } from '@replikit/resp';
import type { BinaryString, CommandContext } from '../command-api';
import { errReply } from '../reply-errors';
import { formatId, type IdKey, parseId } from '../types/stream-id';
import type { StreamEntry, StreamGroup, StreamNack } from '../types/stream-value';

export const INVALID_ID = errReply('Invalid stream ID specified as stream command argument');
export const INVALID_START = errReply('invalid start ID for the interval');
export const INVALID_END = errReply('invalid end ID for the interval');
export const NO_SUCH_KEY_ERR = errReply('no such key');

/** A `%s` argument of addReplyErrorFormat: cut at the first NUL, CR/LF turned into spaces. */
export function cstr(s: string): string {
  const nul = s.indexOf('\0');
  return (nul >= 0 ? s.slice(0, nul) : s).replace(/[\r\n]/g, ' ');
}

export function noGroupKey(key: string, group: string, suffix = ''): ErrorReply {
  return new ErrorReply(`NOGROUP No such key '${cstr(key)}' or consumer group '${cstr(group)}'${suffix}`);
}

export function noGroupFor(group: string, key: string): ErrorReply {
  return new ErrorReply(`NOGROUP No such consumer group '${cstr(group)}' for key name '${cstr(key)}'`);
}

/** addReplySubcommandSyntaxError */
export function subcommandSyntax(argv: readonly BinaryString[]): ErrorReply {
  return errReply(`unknown subcommand or wrong number of arguments for '${cstr(argv[1]).slice(0, 128)}'. Try ${cstr(argv[0].toUpperCase())} HELP.`);
}

/** streamParseStrictIDOrReply (no `-`/`+`), or INVALID_ID. */
export function strictId(s: BinaryString): IdKey | ErrorReply {
  const p = parseId(s, 0, true);
  return p === null ? INVALID_ID : p.key;
}

/** streamParseIDOrReply (`-`/`+` allowed) */
export function looseId(s: BinaryString, missingSeq: 0 | 'max'): IdKey | ErrorReply {
  const p = parseId(s, missingSeq, false);
  return p === null ? INVALID_ID : p.key;
}

/** streamParseIntervalIDOrReply: `(id` is exclusive (strict parse of the rest). */
export function intervalId(s: BinaryString, missingSeq: 0 | 'max'): { key: IdKey; exclusive: boolean } | ErrorReply {
  if (s.length > 1 && s[0] === '(') {
    const p = parseId(s.slice(1), missingSeq, true);
    return p === null ? INVALID_ID : { key: p.key, exclusive: true };
  }
  const p = parseId(s, missingSeq, false);
  return p === null ? INVALID_ID : { key: p.key, exclusive: false };
}

/** One entry as Redis replies it: [id, [field, value, ...]]. */
export function entryReply(e: StreamEntry): RespValue {
  return [formatId(e.id), e.fields as string[]];
}

/** streamPropagateXCLAIM */
export function propagateXclaim(ctx: CommandContext, key: string, group: StreamGroup, groupName: string, id: string, nack: StreamNack, lastIdStr = formatId(group.lastId)): void {
  ctx.alsoPropagate([
    'XCLAIM',
    key,
    groupName,
    nack.consumer?.name ?? '',
    '0',
    id,
    'TIME',
    String(nack.deliveryTime),
    'RETRYCOUNT',
    String(nack.deliveryCount),
    'FORCE',
    'JUSTID',
    'LASTID',
    lastIdStr,
  ]);
}

/** streamPropagateGroupID */
export function propagateGroupId(ctx: CommandContext, key: string, group: StreamGroup, groupName: string): void {
  ctx.alsoPropagate(['XGROUP', 'SETID', key, groupName, formatId(group.lastId), 'ENTRIESREAD', String(group.entriesRead)]);
}

/** The help lines replies of XGROUP HELP / XINFO HELP (addReplyHelp). */
export function helpReply(argv: readonly BinaryString[], lines: readonly string[]): RespValue {
  return [`${argv[0].toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`, ...lines, 'HELP', '    Prints this help.'].map((l) => new SimpleString(l));
}
