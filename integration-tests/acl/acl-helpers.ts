import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConfiguredServer, Logger, createServerFromConfig, loadConfigFromArgs } from '@replikit/server';
import { getFreePort } from '@replikit/test-utils';
import { ByteClient } from '../server/helpers';

/** A parsed RESP2 reply: strings, integers, null, arrays, and errors as `{ err }`. */
export type Parsed = string | number | boolean | null | Parsed[] | { err: string };

function parseAt(s: string, at: number): [Parsed, number] {
  const nl = s.indexOf('\r\n', at);
  const head = s.slice(at + 1, nl);
  const t = s[at];
  let i = nl + 2;
  if (t === '+') return [head, i];
  if (t === '-') return [{ err: head }, i];
  if (t === ':') return [Number(head), i];
  if (t === '$') {
    const n = Number(head);
    if (n < 0) return [null, i];
    return [s.slice(i, i + n), i + n + 2];
  }
  if (t === '*') {
    const n = Number(head);
    if (n < 0) return [null, i];
    const out: Parsed[] = [];
    for (let k = 0; k < n; k++) {
      const [v, next] = parseAt(s, i);
      out.push(v);
      i = next;
    }
    return [out, i];
  }
  throw new Error(`unexpected RESP type ${t}`);
}

export function parseResp(raw: string): Parsed {
  return parseAt(raw, 0)[0];
}

/** A client that answers parsed replies. */
export class AclClient {
  private constructor(readonly raw: ByteClient) {}

  static async connect(port: number): Promise<AclClient> {
    return new AclClient(await ByteClient.connect(port));
  }

  async call(...argv: string[]): Promise<Parsed> {
    return parseResp(await this.raw.call(...argv));
  }

  close(): void {
    this.raw.close();
  }
}

/** Every command and subcommand name a server has (COMMAND INFO), lower-case. */
export async function commandNames(c: AclClient): Promise<Set<string>> {
  const info = (await c.call('COMMAND', 'INFO')) as Parsed[];
  const out = new Set<string>();
  for (const e of info) {
    if (!Array.isArray(e)) continue;
    out.add(String(e[0]).toLowerCase());
    for (const sub of (e[9] as Parsed[] | undefined) ?? []) if (Array.isArray(sub)) out.add(String(sub[0]).toLowerCase());
  }
  return out;
}

/**
 * Canonical form of a command-rules string (`-@all +@hash +get -hset`): the `+@all`/`-@all`
 * start stays first; the categories and the single-command rules that follow are sorted
 * (Redis emits them in its command dict's hash order, which is seeded randomly per process) and
 * rules naming commands outside `known` are dropped (commands one of the servers lacks).
 */
export function canonicalRules(rules: string, known: ReadonlySet<string>): string {
  const tokens = rules.split(' ').filter((t) => t !== '');
  const head: string[] = [];
  const singles: string[] = [];
  for (const t of tokens) {
    if ((t[0] === '+' || t[0] === '-') && t[1] !== '@') {
      const name = t.slice(1).toLowerCase();
      const bar = name.indexOf('|');
      if (bar < 0) {
        if (known.has(name)) singles.push(t);
        continue;
      }
      // `container|sub` must be known itself; `cmd|arg` (a first-arg rule) needs `cmd` without subcommands
      const parent = name.slice(0, bar);
      const isContainer = [...known].some((k) => k.startsWith(`${parent}|`));
      if (isContainer ? known.has(name) : known.has(parent)) singles.push(t);
    } else head.push(t);
  }
  // the first rule (+@all / -@all) stays first; the categories Redis picks greedily by counts,
  // which depend on the whole command table, so their order is compared as a set too
  return [...head.slice(0, 1), ...head.slice(1).sort(), ...singles.sort()].join(' ');
}

/** canonicalRules applied to every selector of an ACL LIST line (`user x ... (sel) (sel)`). */
export function canonicalListLine(line: string, known: ReadonlySet<string>): string {
  const parts = line.split(/ \(|\)/).filter((p) => p.trim() !== '');
  return parts.map((p) => canonicalSelector(p, known)).join(' | ');
}

function canonicalSelector(text: string, known: ReadonlySet<string>): string {
  const tokens = text.split(' ');
  const at = tokens.findIndex((t) => t === '+@all' || t === '-@all');
  if (at < 0) return text;
  return `${tokens.slice(0, at).join(' ')} ${canonicalRules(tokens.slice(at).join(' '), known)}`;
}

/** GETUSER reply with each `commands` field canonical. */
export function canonicalGetuser(reply: Parsed, known: ReadonlySet<string>): Parsed {
  if (!Array.isArray(reply)) return reply;
  const out: Parsed[] = [];
  for (let i = 0; i < reply.length; i += 2) {
    const k = reply[i] as string;
    let v = reply[i + 1] as Parsed;
    if (k === 'commands' && typeof v === 'string') v = canonicalRules(v, known);
    if (k === 'selectors' && Array.isArray(v)) v = v.map((s) => canonicalGetuser(s, known));
    out.push(k, v);
  }
  return out;
}

/** A full replikit-server (every command, like the CLI) in-process, from `--directive value` args. */
export interface ConfiguredReplikit {
  readonly port: number;
  readonly dir: string;
  readonly server: ConfiguredServer;
  close(): Promise<void>;
}

export async function startConfigured(args: string[] = []): Promise<ConfiguredReplikit> {
  const dir = mkdtempSync(join(tmpdir(), 'replikit-acl-'));
  const port = await getFreePort();
  const { config } = loadConfigFromArgs(['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...args]);
  const server = createServerFromConfig(config, { logger: new Logger({ sink: () => {} }) });
  await server.start();
  return {
    port,
    dir,
    server,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
