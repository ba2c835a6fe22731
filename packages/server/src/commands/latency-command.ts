import { ErrorReply, MapReply, type RespValue, SimpleString, VerbatimReply } from '@replikit/resp';
import { type CommandContext, containerSpec, type ServerCommandFlag, type ServerCommandSpec, spec } from '../dispatch/command-spec';
import { type Introspection, introspectionOf } from '../introspection/introspection';

const FLAGS: readonly ServerCommandFlag[] = ['admin', 'noscript', 'loading', 'stale'];
const CAT = ['@admin', '@slow', '@dangerous'];
const ALL_NODES = ['request_policy:all_nodes', 'nondeterministic_output'];

const HELP = [
  'LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DOCTOR',
  '    Return a human readable latency analysis report.',
  'GRAPH <event>',
  '    Return an ASCII latency graph for the <event> class.',
  'HISTORY <event>',
  '    Return time-latency samples for the <event> class.',
  'LATEST',
  '    Return the latest latency samples for all events.',
  'RESET [<event> ...]',
  '    Reset latency data of one or more <event> classes.',
  '    (default: reset all data for all event classes)',
  'HISTOGRAM [COMMAND ...]',
  '    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.',
  '    If no commands are specified then all histograms are replied.',
  'HELP',
  '    Prints this help.',
];

const DISABLED =
  "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";
const NO_SPIKES =
  'Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n';

/**
 * LATENCY DOCTOR (createLatencyReport): the fixed texts when monitoring is off or nothing was
 * seen; otherwise one line per event and the advice for command events. Redis adds advice
 * about the kernel and persistence events replikit does not measure.
 */
function doctor(intro: Introspection): string {
  if (intro.settings.latencyMonitorThreshold === 0 && intro.latency.size === 0) return DISABLED;
  if (intro.latency.size === 0) return NO_SPIKES;
  let out = "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
  let i = 1;
  let commandEvents = false;
  for (const a of intro.latency.analysis()) {
    out += `${i++}. ${a.event}: ${a.count} latency spikes (average ${Math.round(a.avg)}ms, mean deviation ${Math.round(a.mad)}ms, period ${Math.max(a.period, 1).toFixed(2)} sec). Worst all time event ${a.max}ms.\n`;
    if (a.event === 'command' || a.event === 'fast-command') commandEvents = true;
  }
  out += '\nI have a few advices for you:\n\n';
  const slower = intro.settings.slowlogLogSlowerThan;
  if (commandEvents) {
    if (slower < 0) out += '- The system slow log is disabled, and this may be a problem. Try to enable it with "CONFIG SET slowlog-log-slower-than <microseconds>".\n';
    else if (slower / 1000 > intro.settings.latencyMonitorThreshold) {
      out += `- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ${intro.settings.latencyMonitorThreshold * 1000}'.\n`;
    }
    out += '- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n';
    out += '- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n';
  }
  return out;
}

/**
 * LATENCY GRAPH: Redis's header line and rule, then one bar per sample (oldest first, each
 * scaled to the event's highest sample); Redis draws a braille-like sparkline instead.
 */
function graph(intro: Introspection, event: string): RespValue {
  const samples = intro.latency.samplesOf(event);
  if (samples.length === 0) return new ErrorReply(`ERR No samples available for event '${event}'`);
  let high = 0;
  let low = Number.MAX_SAFE_INTEGER;
  for (const s of samples) {
    if (s.latency > high) high = s.latency;
    if (s.latency < low) low = s.latency;
  }
  const allTime = intro.latency.latest().find((x) => (x as RespValue[])[0] === event) as RespValue[];
  let out = `${event} - high ${high} ms, low ${low} ms (all time high ${allTime[3]} ms)\n${'-'.repeat(80)}\n`;
  const now = Math.floor(Date.now() / 1000);
  for (const s of samples) {
    const bar = '#'.repeat(Math.max(1, Math.round((s.latency / high) * 40)));
    out += `${String(now - s.time).padStart(6)}s ${bar} ${s.latency}ms\n`;
  }
  return out;
}

/** LATENCY HISTOGRAM: every command with samples, or the named ones (container names list their subcommands). */
function histogram(ctx: CommandContext, argv: readonly string[]): RespValue {
  const h = introspectionOf(ctx.runtime).histograms;
  const entries: Array<[RespValue, RespValue]> = [];
  if (argv.length === 2) {
    for (const [name, hist] of h) if (hist.calls > 0) entries.push([name, hist.reply()]);
    return new MapReply(entries);
  }
  const seen = new Set<string>();
  for (let i = 2; i < argv.length; i++) {
    const name = (argv[i] as string).toLowerCase();
    const s = ctx.runtime.commands.get(name.split('|')[0] as string);
    if (s === undefined) continue;
    const names = s.subcommands !== undefined && !name.includes('|') ? [...s.subcommands.keys()].map((k) => `${s.name}|${k}`) : [name];
    for (const n of names) {
      const hist = h.get(n);
      if (hist === undefined || hist.calls === 0 || seen.has(n)) continue;
      seen.add(n);
      entries.push([n, hist.reply()]);
    }
  }
  return new MapReply(entries);
}

function withTips(s: ServerCommandSpec, tips: string[]): ServerCommandSpec {
  return { ...s, tips };
}

/** LATENCY LATEST / HISTORY / RESET / DOCTOR / GRAPH / HISTOGRAM / HELP (latency.c). */
export const latencyCommand: ServerCommandSpec = containerSpec(
  'latency',
  [
    withTips(spec('latency|latest', 2, FLAGS, CAT, (ctx) => introspectionOf(ctx.runtime).latency.latest()), ALL_NODES),
    withTips(spec('latency|history', 3, FLAGS, CAT, (ctx, argv) => introspectionOf(ctx.runtime).latency.history(argv[2] as string)), ALL_NODES),
    withTips(spec('latency|reset', -2, FLAGS, CAT, (ctx, argv) => introspectionOf(ctx.runtime).latency.reset(argv.slice(2))), [
      'request_policy:all_nodes',
      'response_policy:agg_sum',
    ]),
    withTips(spec('latency|doctor', 2, FLAGS, CAT, (ctx) => new VerbatimReply('txt', doctor(introspectionOf(ctx.runtime)))), [
      'nondeterministic_output',
      'request_policy:all_nodes',
      'response_policy:special',
    ]),
    withTips(spec('latency|graph', 3, FLAGS, CAT, (ctx, argv) => {
      const g = graph(introspectionOf(ctx.runtime), argv[2] as string);
      return typeof g === 'string' ? new VerbatimReply('txt', g) : g;
    }), ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special']),
    withTips(spec('latency|histogram', -2, FLAGS, CAT, histogram), ALL_NODES),
    spec('latency|help', 2, ['loading', 'stale'], ['@slow'], () => HELP.map((h) => new SimpleString(h))),
  ],
  { docs: { summary: 'A container for latency diagnostics commands', group: 'server', since: '2.8.13' } },
);
