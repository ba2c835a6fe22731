import { ErrorReply, MapReply, OK, SetReply } from '@replikit/resp';
import type { ClientConnection } from '../connection/client-connection';
import { type ServerCommandFlag, type ServerCommandSpec, spec } from '../dispatch/command-spec';
import { SYNTAX } from '../dispatch/reply-texts';
import type { TrackingState } from '../introspection/client-tracking';
import { introspectionOf } from '../introspection/introspection';
import { parseStrictInt } from './arg-parsing';

const FLAGS: readonly ServerCommandFlag[] = ['noscript', 'loading', 'stale'];
const CAT = ['@slow', '@connection'];

/** CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP] (clientCommand's tracking branch). */
function tracking(ctx: Parameters<ServerCommandSpec['handler']>[0], argv: readonly string[]) {
  const c = ctx.client;
  const tr = introspectionOf(ctx.runtime).tracking;
  const onoff = (argv[2] as string).toLowerCase();
  if (onoff !== 'on' && onoff !== 'off') return SYNTAX;
  let redirect = 0;
  let bcast = false;
  let optin = false;
  let optout = false;
  let noloop = false;
  const prefixes: string[] = [];
  for (let j = 3; j < argv.length; j++) {
    const opt = (argv[j] as string).toLowerCase();
    const more = j + 1 < argv.length;
    if (opt === 'redirect' && more) {
      const id = parseStrictInt(argv[++j] as string);
      if (id === null) return new ErrorReply('ERR value is not an integer or out of range');
      if (redirect !== 0) return new ErrorReply('ERR A client can only redirect to a single other client');
      if (id !== c.id && ![...ctx.runtime.clients.all()].some((x) => x.id === id)) return new ErrorReply('ERR The client ID you want redirect to does not exist');
      redirect = id;
    } else if (opt === 'bcast') bcast = true;
    else if (opt === 'optin') optin = true;
    else if (opt === 'optout') optout = true;
    else if (opt === 'noloop') noloop = true;
    else if (opt === 'prefix' && more) prefixes.push(argv[++j] as string);
    else return SYNTAX;
  }
  if (onoff === 'off') {
    tr.disable(c);
    return OK;
  }
  const current = tr.clients.get(c);
  if (current !== undefined && current.bcast !== bcast) {
    return new ErrorReply("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.");
  }
  if (prefixes.length > 0 && !bcast) return new ErrorReply('ERR PREFIX option requires BCAST mode to be enabled');
  if (bcast && (optin || optout)) return new ErrorReply('ERR OPTIN and OPTOUT are not compatible with BCAST');
  if (optin && optout) return new ErrorReply("ERR You can't specify both OPTIN mode and OPTOUT mode");
  if ((current?.optin && optout) || (current?.optout && optin)) {
    return new ErrorReply("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.");
  }
  // checkPrefixCollisionsOrReply: with the client's prefixes and among the new ones
  const all = [...(current?.prefixes ?? [])];
  for (const p of prefixes) {
    for (const q of all) {
      if (p.startsWith(q) || q.startsWith(p)) {
        const [a, b] = all.includes(q) && (current?.prefixes ?? []).includes(q) ? [p, q] : [q, p];
        return new ErrorReply(`ERR Prefix '${a}' overlaps with ${(current?.prefixes ?? []).includes(q) ? 'an existing' : 'another provided'} prefix '${b}'. Prefixes for a single client must not overlap.`);
      }
    }
    all.push(p);
  }
  const state: TrackingState = current ?? { bcast, optin, optout, noloop, redirect, prefixes: [], caching: undefined };
  state.noloop = noloop;
  state.redirect = redirect;
  state.optin = optin;
  state.optout = optout;
  state.prefixes = all;
  if (current === undefined) {
    tr.enable(c, state);
    const conn = c as ClientConnection;
    if (typeof conn.onCloseOnce === 'function') conn.onCloseOnce(() => tr.disable(c));
  }
  return OK;
}

/** CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO. */
export const trackingSubcommands: ServerCommandSpec[] = [
  spec('client|tracking', -3, FLAGS, CAT, tracking),
  spec('client|caching', 3, FLAGS, CAT, (ctx, argv) => {
    const st = introspectionOf(ctx.runtime).tracking.clients.get(ctx.client);
    if (st === undefined || (!st.optin && !st.optout)) {
      return new ErrorReply('ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled');
    }
    const v = (argv[2] as string).toLowerCase();
    if (v === 'yes') {
      if (!st.optin) return new ErrorReply('ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.');
      st.caching = 'yes';
    } else if (v === 'no') {
      if (!st.optout) return new ErrorReply('ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.');
      st.caching = 'no';
    } else return SYNTAX;
    return OK;
  }),
  spec('client|getredir', 2, FLAGS, CAT, (ctx) => {
    const st = introspectionOf(ctx.runtime).tracking.clients.get(ctx.client);
    return st === undefined ? -1 : st.redirect;
  }),
  spec('client|trackinginfo', 2, FLAGS, CAT, (ctx) => {
    const tr = introspectionOf(ctx.runtime).tracking;
    const st = tr.clients.get(ctx.client);
    return new MapReply([
      ['flags', new SetReply(tr.flagsOf(ctx.client))],
      ['redirect', st === undefined ? -1 : st.redirect],
      ['prefixes', st === undefined ? [] : [...st.prefixes]],
    ]);
  }),
];
