/**
 * CONFIG GET / SET / RESETSTAT / REWRITE / HELP (config.c). GET takes several glob patterns,
 * answers an exact name under the name asked (aliases included) and a pattern under every
 * matching name and alias; SET takes several pairs and is all-or-nothing with Redis's texts.
 */
import { ErrorReply, MapReply, OK, type RespValue, SimpleString } from '@replikit/resp';
import type { OperatorContext } from '../config-binding-operator';
import { DIRECTIVES, type DirectiveSpec, lookupDirective } from '../config/directives';
import { rewriteConfigFile } from '../config/rewrite-config';
import { ConfigValueError } from '../errors';
import type { ServerClient } from '../connection/server-client';
import { type ServerCommandSpec, containerSpec, spec, type ServerCommandFlag } from '../dispatch/command-spec';
import { SYNTAX } from '../dispatch/reply-texts';
import { introspectionOf } from '../introspection/introspection';
import { maxmemoryOf } from '../eviction/maxmemory';
import { globMatch } from '@replikit/keyspace/internal';

const FLAGS: readonly ServerCommandFlag[] = ['admin', 'noscript', 'loading', 'stale'];
const CATS = ['@admin', '@slow', '@dangerous'];

const HELP = [
  'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
  'HELP',
  '    Prints this help.',
];

/** Every visible name (canonical and alias) with its spec, for pattern matching. */
const NAMES: ReadonlyArray<readonly [string, DirectiveSpec]> = DIRECTIVES.filter((d) => !d.hidden).flatMap((d) =>
  [d.name, ...(d.aliases ?? [])].map((n) => [n, d] as const),
);

/** allowProtectedAction: `yes`, or `local` and the client is on loopback / a unix socket. */
export function allowProtectedAction(setting: string, client: ServerClient): boolean {
  if (setting === 'yes') return true;
  if (setting !== 'local') return false;
  const a = client.addr;
  return a.startsWith('127.') || a.startsWith('::1') || a.startsWith('[::1]') || a.startsWith('/') || a.startsWith('::ffff:127.');
}

function configGet(op: OperatorContext, patterns: readonly string[]): MapReply {
  const matches = new Map<string, DirectiveSpec>();
  for (const p of patterns) {
    if (!/[[*?]/.test(p)) {
      if (matches.has(p)) continue;
      const d = lookupDirective(p);
      if (d && d.name !== 'include') matches.set(p, d);
      continue;
    }
    const lp = p.toLowerCase();
    for (const [name, d] of NAMES) {
      if (!matches.has(name) && globMatch(lp, name)) matches.set(name, d);
    }
  }
  const entries: Array<[RespValue, RespValue]> = [];
  for (const [name, d] of matches) entries.push([name, op.config.getText(d.name)]);
  return new MapReply(entries);
}

function configSet(op: OperatorContext, client: ServerClient, argv: readonly string[]): RespValue {
  if (argv.length % 2 !== 0) return SYNTAX;
  const pairs: Array<{ arg: string; spec: DirectiveSpec; value: string }> = [];
  let unknown: string | undefined;
  let failure: { arg: string; reason: string } | undefined;
  for (let i = 2; i < argv.length; i += 2) {
    const arg = argv[i] as string;
    const d = lookupDirective(arg);
    if (!d || d.name === 'include') {
      if (failure === undefined && unknown === undefined) unknown = arg;
      continue;
    }
    if (failure !== undefined || unknown !== undefined) continue;
    if (d.immutable || (d.protected && !allowProtectedAction(op.config.getString('enable-protected-configs'), client))) {
      failure = { arg, reason: d.immutable ? "can't set immutable config" : "can't set protected config" };
      continue;
    }
    if (pairs.some((x) => x.spec === d)) {
      failure = { arg, reason: 'duplicate parameter' };
      continue;
    }
    pairs.push({ arg, spec: d, value: argv[i + 1] as string });
  }
  if (unknown !== undefined) return new ErrorReply(`ERR Unknown option or number of arguments for CONFIG SET - '${unknown}'`);
  if (failure !== undefined) return new ErrorReply(`ERR CONFIG SET failed (possibly related to argument '${failure.arg}') - ${failure.reason}`);
  // validate everything first: nothing changes unless every value is good
  for (const x of pairs) {
    try {
      op.config.validate(x.spec.name, [x.value], 'runtime');
    } catch (e) {
      const name = x.arg.toLowerCase();
      const reason = e instanceof ConfigValueError ? e.reason : (e as Error).message;
      return new ErrorReply(`ERR CONFIG SET failed (possibly related to argument '${name}') - ${reason}`);
    }
  }
  const previous = pairs.map((x) => [x.spec.name, op.config.getText(x.spec.name)] as const);
  for (const x of pairs) op.config.set(x.spec.name, [x.value], 'runtime');
  // apply steps that can fail (a TLS context from new files): restore everything on failure
  const failed = op.config.checkApply(pairs.map((x) => x.spec.name));
  if (failed !== undefined) {
    for (const [name, text] of previous) op.config.set(name, [text], 'runtime');
    return new ErrorReply(`ERR CONFIG SET failed (possibly related to argument '${failed.name}') - ${failed.reason}`);
  }
  return OK;
}

function configRewrite(op: OperatorContext): RespValue {
  const file = op.config.configFile;
  if (!file) return new ErrorReply('ERR The server is running without a config file');
  try {
    rewriteConfigFile(file, op.config);
  } catch (e) {
    const msg = (e as Error).message;
    op.logger.warning(`CONFIG REWRITE failed: ${msg}`);
    return new ErrorReply(`ERR Rewriting config file: ${msg}`.replace(/[\r\n]/g, ' '));
  }
  op.logger.warning('CONFIG REWRITE executed with success.');
  return OK;
}

export function configCommand(op: OperatorContext): ServerCommandSpec {
  return containerSpec(
    'config',
    [
      spec('config|get', -3, FLAGS, CATS, (_ctx, argv) => configGet(op, argv.slice(2) as string[])),
      spec('config|set', -4, FLAGS, CATS, (ctx, argv) => configSet(op, ctx.client, argv as string[])),
      spec('config|resetstat', 2, FLAGS, CATS, (ctx) => {
        ctx.runtime.stats.reset();
        ctx.runtime.keyspace.resetStats();
        introspectionOf(ctx.runtime).resetStats();
        maxmemoryOf(ctx.runtime)?.resetStats();
        op.persistence.saves = 0;
        op.metrics.reset();
        return OK;
      }),
      spec('config|rewrite', 2, FLAGS, CATS, () => configRewrite(op)),
      spec('config|help', 2, ['loading', 'stale'], ['@slow'], () => HELP.map((l) => new SimpleString(l))),
    ],
    { docs: { summary: 'A container for server configuration commands', group: 'server', since: '2.0.0' } },
  );
}
