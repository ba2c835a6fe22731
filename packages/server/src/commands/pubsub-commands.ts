import { ErrorReply, PushReply, SimpleString } from '@replikit/resp';
import { type CommandContext, NO_REPLY, type ServerCommandSpec, containerSpec, spec, type ServerCommandFlag } from '../dispatch/command-spec';
import { subscriptionCount } from '../pubsub/pubsub-hub';

const SUB_FLAGS: readonly ServerCommandFlag[] = ['pubsub', 'noscript', 'loading', 'stale'];
const SUB_CAT = ['@pubsub', '@slow'];
const SHARD_KEYS = { firstKey: 1, lastKey: -1, keyStep: 1 };

type Kind = 'subscribe' | 'psubscribe' | 'ssubscribe';

function subscribe(kind: Kind) {
  return (ctx: CommandContext, argv: readonly string[]) => {
    const c = ctx.client;
    const hub = ctx.runtime.pubsub;
    for (let i = 1; i < argv.length; i++) {
      const name = argv[i] as string;
      if (kind === 'subscribe') hub.subscribe(c, name);
      else if (kind === 'psubscribe') hub.psubscribe(c, name);
      else hub.ssubscribe(c, name);
      const count = kind === 'ssubscribe' ? c.shardChannels.size : subscriptionCount(c);
      c.reply(new PushReply([kind, name, count]));
    }
    return NO_REPLY;
  };
}

function unsubscribe(kind: Kind) {
  const word = kind === 'subscribe' ? 'unsubscribe' : kind === 'psubscribe' ? 'punsubscribe' : 'sunsubscribe';
  return (ctx: CommandContext, argv: readonly string[]) => {
    const c = ctx.client;
    const hub = ctx.runtime.pubsub;
    const own = kind === 'subscribe' ? c.channels : kind === 'psubscribe' ? c.patterns : c.shardChannels;
    const names = argv.length > 1 ? argv.slice(1) : [...own];
    const count = () => (kind === 'ssubscribe' ? c.shardChannels.size : subscriptionCount(c));
    if (names.length === 0) {
      c.reply(new PushReply([word, null, count()]));
      return NO_REPLY;
    }
    for (const name of names) {
      if (kind === 'subscribe') hub.unsubscribe(c, name);
      else if (kind === 'psubscribe') hub.punsubscribe(c, name);
      else hub.sunsubscribe(c, name);
      c.reply(new PushReply([word, name, count()]));
    }
    return NO_REPLY;
  };
}

const HELP = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  '    Return the currently active shard level channels matching a <pattern> (default: \'*\').',
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Print this help.',
];

/** addReplySubcommandSyntaxError */
function subcommandSyntax(argv: readonly string[]): ErrorReply {
  return new ErrorReply(`ERR unknown subcommand or wrong number of arguments for '${(argv[1] as string).slice(0, 128)}'. Try ${(argv[0] as string).toUpperCase()} HELP.`);
}

const PS: readonly ServerCommandFlag[] = ['pubsub', 'loading', 'stale'];

export const pubsubCommands: ServerCommandSpec[] = [
  spec('subscribe', -2, SUB_FLAGS, SUB_CAT, subscribe('subscribe')),
  spec('psubscribe', -2, SUB_FLAGS, SUB_CAT, subscribe('psubscribe')),
  spec('ssubscribe', -2, SUB_FLAGS, SUB_CAT, subscribe('ssubscribe'), SHARD_KEYS),
  spec('unsubscribe', -1, SUB_FLAGS, SUB_CAT, unsubscribe('subscribe')),
  spec('punsubscribe', -1, SUB_FLAGS, SUB_CAT, unsubscribe('psubscribe')),
  spec('sunsubscribe', -1, SUB_FLAGS, SUB_CAT, unsubscribe('ssubscribe'), SHARD_KEYS),
  spec('publish', 3, ['pubsub', 'loading', 'stale', 'fast'], ['@pubsub', '@fast'], (ctx, argv) =>
    ctx.runtime.pubsub.publish(argv[1] as string, argv[2] as string),
  ),
  spec('spublish', 3, ['pubsub', 'loading', 'stale', 'fast'], ['@pubsub', '@fast'], (ctx, argv) => ctx.runtime.pubsub.spublish(argv[1] as string, argv[2] as string), {
    firstKey: 1,
    lastKey: 1,
    keyStep: 1,
  }),
  containerSpec('pubsub', [
    spec('pubsub|channels', -2, PS, SUB_CAT, (ctx, argv) => (argv.length > 3 ? subcommandSyntax(argv) : ctx.runtime.pubsub.channelNames(argv[2]))),
    spec('pubsub|numsub', -2, PS, SUB_CAT, (ctx, argv) => argv.slice(2).flatMap((ch) => [ch, ctx.runtime.pubsub.numsub(ch)])),
    spec('pubsub|numpat', 2, PS, SUB_CAT, (ctx) => ctx.runtime.pubsub.numpat()),
    spec('pubsub|shardchannels', -2, PS, SUB_CAT, (ctx, argv) =>
      argv.length > 3 ? subcommandSyntax(argv) : ctx.runtime.pubsub.shardChannelNames(argv[2]),
    ),
    spec('pubsub|shardnumsub', -2, PS, SUB_CAT, (ctx, argv) => argv.slice(2).flatMap((ch) => [ch, ctx.runtime.pubsub.shardNumsub(ch)])),
    spec('pubsub|help', 2, ['loading', 'stale'], ['@slow'], () => HELP.map((h) => new SimpleString(h))),
  ]),
];
