/**
 * COMMAND DOCS as redis-server 7.0 answers it: summary, since, group, complexity, doc flags,
 * deprecation, history and the argument tree of every command, from one generated row per
 * command or subcommand (command-docs-rows-*.ts).
 *
 * A row is `[summary, since, group, complexity, arguments, extra?]`. `arguments` is the argument
 * tree, space-separated, each argument written `name:T` followed by, in this order when present:
 * `=TOKEN`, the flags (`?` optional, `+` multiple, `&` multiple_token), `#n` key_spec_index,
 * `^x.y.z` since, `!x.y.z` deprecated_since, and `( ... )` its sub-arguments. T is the type:
 * k key, s string, i integer, d double, p pattern, u unix-time, t pure-token, o oneof, b block.
 */
import { MapReply, type RespValue, SetReply, SimpleString } from '@replikit/resp';
import { DOCS_A_L } from './command-docs-rows-a-l';
import { DOCS_M_Z } from './command-docs-rows-m-z';

/** Extra documentation some commands carry. */
export interface DocsExtra {
  readonly docFlags?: readonly string[];
  readonly deprecatedSince?: string;
  readonly replacedBy?: string;
  readonly history?: ReadonlyArray<readonly [string, string]>;
}

export type DocsRow = readonly [summary: string, since: string, group: string, complexity: string, args: string, extra?: DocsExtra];

/** One argument of a command's argument tree. */
export interface DocArgument {
  readonly name: string;
  readonly type: string;
  readonly token?: string;
  readonly flags: readonly string[];
  readonly keySpecIndex?: number;
  readonly since?: string;
  readonly deprecatedSince?: string;
  readonly arguments?: readonly DocArgument[];
}

const TYPES: Record<string, string> = { k: 'key', s: 'string', i: 'integer', d: 'double', p: 'pattern', u: 'unix-time', t: 'pure-token', o: 'oneof', b: 'block' };
const FLAGS: Record<string, string> = { '?': 'optional', '+': 'multiple', '&': 'multiple_token' };
const STOP = new Set(['=', '?', '+', '&', '#', '^', '!', '(', ')', ' ']);

/** Parses an argument tree written in the notation above. */
export function parseDocArguments(text: string): DocArgument[] {
  let at = 0;
  const run = (stops: ReadonlySet<string>): string => {
    const from = at;
    while (at < text.length && !stops.has(text[at] as string)) at++;
    return text.slice(from, at);
  };
  const list = (): DocArgument[] => {
    const out: DocArgument[] = [];
    while (at < text.length && text[at] !== ')') {
      if (text[at] === ' ') {
        at++;
        continue;
      }
      const head = run(STOP);
      const colon = head.lastIndexOf(':');
      const arg: { -readonly [K in keyof DocArgument]: DocArgument[K] } = { name: head.slice(0, colon), type: TYPES[head.slice(colon + 1)] ?? 'string', flags: [] };
      const flags: string[] = [];
      for (;;) {
        const c = text[at];
        if (c === '=') {
          at++;
          arg.token = text[at] === '=' ? text[at++] : run(STOP);
        } else if (c !== undefined && FLAGS[c] !== undefined) {
          flags.push(FLAGS[c] as string);
          at++;
        } else if (c === '#') {
          at++;
          arg.keySpecIndex = Number(run(STOP));
        } else if (c === '^') {
          at++;
          arg.since = run(STOP);
        } else if (c === '!') {
          at++;
          arg.deprecatedSince = run(STOP);
        } else if (c === '(') {
          at++;
          arg.arguments = list();
          at++;
        } else break;
      }
      arg.flags = flags;
      out.push(arg);
    }
    return out;
  };
  return list();
}

/** addReplyCommandArgList: name, type, key_spec_index, token, since, deprecated_since, flags, arguments. */
function argumentReply(a: DocArgument): MapReply {
  const e: Array<[RespValue, RespValue]> = [
    ['name', a.name],
    ['type', a.type],
  ];
  if (a.keySpecIndex !== undefined) e.push(['key_spec_index', a.keySpecIndex]);
  if (a.token !== undefined) e.push(['token', a.token]);
  if (a.since !== undefined) e.push(['since', a.since]);
  if (a.deprecatedSince !== undefined) e.push(['deprecated_since', a.deprecatedSince]);
  if (a.flags.length > 0) e.push(['flags', new SetReply(a.flags.map((f) => new SimpleString(f)))]);
  if (a.arguments !== undefined) e.push(['arguments', a.arguments.map(argumentReply)]);
  return new MapReply(e);
}

/** The generated row of `get` or `client|list`, or undefined. */
export function redisDocsRow(fullname: string): DocsRow | undefined {
  const name = fullname.toLowerCase();
  return DOCS_A_L[name] ?? DOCS_M_Z[name];
}

/**
 * One command's COMMAND DOCS map from its row: summary, since, group, complexity, doc_flags,
 * deprecated_since, replaced_by, history, arguments, then `subcommands` (given already built).
 */
export function docsReply(row: DocsRow, subcommands?: ReadonlyArray<[RespValue, RespValue]>): MapReply {
  const [summary, since, group, complexity, args, extra] = row;
  const e: Array<[RespValue, RespValue]> = [
    ['summary', summary],
    ['since', since],
    ['group', group],
  ];
  if (complexity !== '') e.push(['complexity', complexity]);
  if (extra?.docFlags !== undefined) e.push(['doc_flags', new SetReply(extra.docFlags.map((f) => new SimpleString(f)))]);
  if (extra?.deprecatedSince !== undefined) e.push(['deprecated_since', extra.deprecatedSince]);
  if (extra?.replacedBy !== undefined) e.push(['replaced_by', extra.replacedBy]);
  if (extra?.history !== undefined) e.push(['history', new SetReply(extra.history.map(([v, text]) => [v, text]))]);
  if (args !== '') e.push(['arguments', parseDocArguments(args).map(argumentReply)]);
  if (subcommands !== undefined) e.push(['subcommands', new MapReply([...subcommands])]);
  return new MapReply(e);
}
