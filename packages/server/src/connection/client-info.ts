import type { ServerClient } from './server-client';
import { isMonitoringClient } from '../introspection/introspection';

/** A client as CLIENT LIST shows it (a socket connection knows its fd). */
export type ListedClient = ServerClient & { readonly fd?: number };

/** CLIENT LIST `flags`: N normal, O monitor, S replica, M master, P pubsub, x MULTI, b blocked, c close after reply, e no-evict. */
function flags(c: ListedClient): string {
  let f = '';
  if (isMonitoringClient(c)) f += 'O';
  else if (c.kind === 'replica') f += 'S';
  if (c.kind === 'master') f += 'M';
  if (c.kind === 'pubsub') f += 'P';
  if (c.multi !== undefined) f += 'x';
  if (c.blocked) f += 'b';
  if (c.noEvict) f += 'e';
  return f === '' ? 'N' : f;
}

/** One CLIENT LIST / CLIENT INFO line (networking.c catClientInfoString), without the trailing newline. */
export function clientInfoLine(c: ListedClient, now = Date.now()): string {
  const qbuf = c.queryBufferBytes;
  const omem = c.outputBytes;
  return (
    `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${c.fd ?? -1} name=${c.name} ` +
    `age=${Math.floor((now - c.createdAt) / 1000)} idle=${Math.floor((now - c.lastInteraction) / 1000)} ` +
    `flags=${flags(c)} db=${c.db} sub=${c.channels.size} psub=${c.patterns.size} ssub=${c.shardChannels.size} ` +
    `multi=${c.multi === undefined ? -1 : c.multi.queue.length} qbuf=${qbuf} qbuf-free=${Math.max(0, 20474 - qbuf)} ` +
    `argv-mem=0 multi-mem=0 rbs=16384 rbp=16384 obl=0 oll=0 omem=${omem} tot-mem=${qbuf + omem + 20000} ` +
    `events=r cmd=${c.lastCommand} user=${c.user} redir=-1 resp=${c.protocol}`
  );
}
