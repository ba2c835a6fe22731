/**
 * The ACL step of the dispatcher in isolation: nanoseconds per `users.refusal(client, entry, argv)`
 * for the setups of bench/src/acl.ts, next to the command table lookup and a keyspace SET that
 * every command pays anyway. Timed in CPU time (process.cpuUsage), so other jobs on the machine
 * disturb it less than the end-to-end run.
 *
 *   pnpm exec tsx bench/src/acl-check.ts      (appends to bench/results/acl.md)
 */
import { appendFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { createKeyspace } from '@replikit/keyspace';
import { createKeyspaceBridge, createServer } from '@replikit/server';
import type { ServerClient } from '../../packages/server/src/connection/server-client';
import type { TableEntry } from '../../packages/server/src/dispatch/command-table';

const N = 400_000;

function cpuNsPerOp(fn: (i: number) => void): number {
  for (let i = 0; i < 50_000; i++) fn(i);
  const t0 = process.cpuUsage();
  for (let i = 0; i < N; i++) fn(i);
  const t = process.cpuUsage(t0);
  return ((t.user + t.system) * 1000) / N;
}

const keyspace = createKeyspace();
const server = createServer({ keyspace: createKeyspaceBridge(keyspace) }, { port: 0 });
const users = server.users;
users.load();
users.setUser('commands', ['on', 'nopass', '+@all', '-flushall', '-debug', '~*', '&*']);
users.setUser('keys', ['on', 'nopass', '+@all', '~key:*', '~counter:*', '~my*', '&*']);
users.setUser('selector', ['on', 'nopass', '-@all', '+get', '~other:*', '(+@all ~key:*)']);

function client(user: string): ServerClient {
  return { kind: 'normal', user, multi: undefined } as unknown as ServerClient;
}

const set = ['set', 'key:000001', 'value'];
const mset = ['mset', ...Array.from({ length: 10 }, (_, i) => [`key:${i}`, 'v']).flat()];
const setEntry = server.commands.lookup(set) as TableEntry;
const msetEntry = server.commands.lookup(mset) as TableEntry;

const rows: Array<[string, number]> = [];
rows.push(['command table lookup (every command)', cpuNsPerOp(() => server.commands.lookup(set))]);
rows.push(['keyspace SET (the command itself)', cpuNsPerOp((i) => keyspace.execute(['set', `key:${i % 1000}`, 'value'], { db: 0, resp: 2 }))]);
const restrictedBefore = users.restricted;
rows.push([`ACL step, no restricted user (the default): \`if (users.restricted)\` is ${String(false)}`, cpuNsPerOp(() => (false as boolean) && users.refusal(client('default'), setEntry, set, 'toplevel'))]);
rows.push(['ACL step, unrestricted default user while other users are restricted', cpuNsPerOp(() => users.refusal(client('default'), setEntry, set, 'toplevel'))]);
rows.push(['ACL step, `commands` user, SET', cpuNsPerOp(() => users.refusal(client('commands'), setEntry, set, 'toplevel'))]);
rows.push(['ACL step, `keys` user, SET (1 key, 3 patterns)', cpuNsPerOp(() => users.refusal(client('keys'), setEntry, set, 'toplevel'))]);
rows.push(['ACL step, `keys` user, MSET of 10 keys', cpuNsPerOp(() => users.refusal(client('keys'), msetEntry, mset, 'toplevel'))]);
rows.push(['ACL step, `selector` user, SET (root refuses, the selector allows)', cpuNsPerOp(() => users.refusal(client('selector'), setEntry, set, 'toplevel'))]);
void server.close();
keyspace.close();

const lines = [
  '',
  '## The ACL step alone (CPU ns per call)',
  '',
  `- ${cpus()[0]?.model ?? '?'}, ${cpus().length} cores; node ${process.version}; ${new Date().toISOString()}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`,
  `- ${N} calls each after 50000 warm-up calls, CPU time of the process; restricted users present: ${restrictedBefore}`,
  '',
  '| what | ns per call |',
  '|---|---:|',
  ...rows.map(([w, ns]) => `| ${w} | ${ns.toFixed(0)} |`),
  '',
];
process.stdout.write(`${lines.join('\n')}\n`);
appendFileSync(path.join(__dirname, '..', 'results', 'acl.md'), lines.join('\n'));
