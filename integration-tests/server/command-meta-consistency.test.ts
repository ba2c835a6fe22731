/**
 * The keyspace's own command tables (which its executor uses: arity, write/readonly, key range)
 * agree with the Redis 7.0 rows the server applies to every registered command, so a command
 * behaves inside the keyspace as COMMAND INFO describes it.
 */
import { aclCategoriesOf, type CommandEntry, createKeyspace } from '@replikit/keyspace';
import { parseDocArguments } from '../../packages/server/src/introspection/command-docs';
import { redisCommandMeta } from '../../packages/server/src/introspection/command-meta';

const HIDDEN = new Set(['may-replicate', 'touches-arbitrary-keys']);
const sorted = (xs: readonly string[]) => [...xs].sort();

function differences(e: CommandEntry, full: string, out: string[]): void {
  const m = redisCommandMeta(full);
  if (m === undefined) {
    out.push(`${full}: not a Redis 7.0 command`);
    return;
  }
  const got = {
    arity: e.arity,
    flags: sorted(e.flags.filter((f) => !HIDDEN.has(f))),
    keys: [e.firstKey, e.lastKey, e.keyStep],
    categories: sorted(aclCategoriesOf(e)),
    tips: e.tips ?? [],
    keySpecs: (e.keySpecs ?? []).map((k) => ({ ...k, flags: k.flags.map((f) => f.toUpperCase()) })),
  };
  const want = {
    arity: m.arity,
    flags: sorted(m.flags),
    keys: [m.firstKey, m.lastKey, m.keyStep],
    categories: sorted(m.categories),
    tips: m.tips,
    keySpecs: m.keySpecs.map((k) => ({ ...k, flags: k.flags.map((f) => f.toUpperCase()) })),
  };
  if (JSON.stringify(got) !== JSON.stringify(want)) out.push(`${full}: ${JSON.stringify(got)} != ${JSON.stringify(want)}`);
  for (const [name, sub] of e.subcommandEntries ?? []) differences(sub, `${full}|${name}`, out);
}

describe('command metadata', () => {
  it('every keyspace command table entry equals the Redis 7.0 row', () => {
    const ks = createKeyspace();
    try {
      const out: string[] = [];
      let n = 0;
      for (const e of ks.commandTable) {
        differences(e, e.name, out);
        n++;
      }
      expect(n).toBeGreaterThan(150);
      expect(out).toEqual([]);
    } finally {
      ks.close();
    }
  });

  it('the COMMAND DOCS argument notation reads every field back', () => {
    const args = parseDocArguments('key:k#0 condition:o?^2.6.12(nx:t=NX xx:t==) ip:port:s=ADDR?!6.2.0 weight:i=WEIGHTS?+&');
    expect(args).toEqual([
      { name: 'key', type: 'key', flags: [], keySpecIndex: 0 },
      {
        name: 'condition',
        type: 'oneof',
        flags: ['optional'],
        since: '2.6.12',
        arguments: [
          { name: 'nx', type: 'pure-token', token: 'NX', flags: [] },
          { name: 'xx', type: 'pure-token', token: '=', flags: [] },
        ],
      },
      { name: 'ip:port', type: 'string', token: 'ADDR', flags: ['optional'], deprecatedSince: '6.2.0' },
      { name: 'weight', type: 'integer', token: 'WEIGHTS', flags: ['optional', 'multiple', 'multiple_token'] },
    ]);
  });
});
