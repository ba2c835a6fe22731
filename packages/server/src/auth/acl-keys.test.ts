import type { KeySpec } from '@replikit/keyspace';
import { type ServerCommandSpec, spec } from '../dispatch/command-spec';
import { CommandTable } from '../dispatch/command-table';
import { AclCommandIndex, PERM_READ, PERM_WRITE } from './acl-command-index';
import { commandChannels, commandKeys } from './acl-keys';

const idx = (index: number) => ({ type: 'index', index }) as const;
const range = (lastKey: number, keyStep: number, limit: number) => ({ type: 'range', lastKey, keyStep, limit }) as const;
const keynum = (keyNumIdx: number, firstKey: number, keyStep: number) => ({ type: 'keynum', keyNumIdx, firstKey, keyStep }) as const;

function withSpecs(name: string, arity: number, keySpecs: KeySpec[], flags: ServerCommandSpec['flags'] = ['write']): ServerCommandSpec {
  return { ...spec(name, arity, flags, ['@write'], () => null), keySpecs };
}

const table = new CommandTable();
table.register(withSpecs('set', -3, [{ flags: ['RW', 'ACCESS', 'UPDATE', 'VARIABLE_FLAGS'], beginSearch: idx(1), findKeys: range(0, 1, 0) }]));
table.register(withSpecs('mset', -3, [{ flags: ['OW', 'UPDATE'], beginSearch: idx(1), findKeys: range(-1, 2, 0) }]));
table.register(
  withSpecs('zunionstore', -4, [
    { flags: ['OW', 'UPDATE'], beginSearch: idx(1), findKeys: range(0, 1, 0) },
    { flags: ['RO', 'ACCESS'], beginSearch: idx(2), findKeys: keynum(0, 1, 1) },
  ]),
);
table.register(withSpecs('xread', -4, [{ flags: ['RO', 'ACCESS'], beginSearch: { type: 'keyword', keyword: 'STREAMS', startFrom: 1 }, findKeys: range(-1, 1, 2) }], ['readonly']));
table.register(
  withSpecs('sort', -2, [
    { flags: ['RO', 'ACCESS'], beginSearch: idx(1), findKeys: range(0, 1, 0) },
    { flags: ['OW', 'UPDATE'], beginSearch: { type: 'unknown' }, findKeys: { type: 'unknown' } },
  ]),
);
table.register({ ...spec('watch', -2, ['fast'], ['@fast'], () => null), firstKey: 1, lastKey: -1, keyStep: 1 });
table.register({ ...spec('ssubscribe', -2, ['pubsub'], ['@pubsub'], () => null), firstKey: 1, lastKey: -1, keyStep: 1 });
const index = new AclCommandIndex(table);

function keys(argv: string[]): Array<[string, number]> {
  const cmd = index.lookup(argv[0] as string);
  if (cmd === undefined) throw new Error(`no ${argv[0]}`);
  return commandKeys(cmd, argv).map((k) => [argv[k.pos] as string, k.perms]);
}

describe('ACL key extraction (getKeysFromCommandWithSpecs)', () => {
  it('SET writes only, SET ... GET reads and writes (setGetKeys)', () => {
    expect(keys(['set', 'k', 'v'])).toEqual([['k', PERM_WRITE]]);
    expect(keys(['set', 'k', 'v', 'get'])).toEqual([['k', PERM_READ | PERM_WRITE]]);
  });

  it('range with a step, keynum after an index, keyword with a limit', () => {
    expect(keys(['mset', 'a', '1', 'b', '2'])).toEqual([['a', PERM_WRITE], ['b', PERM_WRITE]]);
    expect(keys(['zunionstore', 'd', '2', 's1', 's2', 'WEIGHTS', '1', '2'])).toEqual([['d', PERM_WRITE], ['s1', PERM_READ], ['s2', PERM_READ]]);
    expect(keys(['xread', 'COUNT', '2', 'STREAMS', 'x', 'y', '0', '0'])).toEqual([['x', PERM_READ], ['y', PERM_READ]]);
  });

  it('an invalid numkeys leaves no keys (the command then fails on its own)', () => {
    expect(keys(['zunionstore', 'd', 'x', 's1'])).toEqual([]);
    expect(keys(['zunionstore', 'd', '5', 's1'])).toEqual([]);
  });

  it('SORT: the source reads; STORE writes the last destination (sortGetKeys)', () => {
    expect(keys(['sort', 'src', 'BY', 'store', 'LIMIT', '0', '1', 'STORE', 'dst'])).toEqual([['src', PERM_READ], ['dst', PERM_WRITE]]);
    expect(keys(['sort', 'src', 'GET', '#'])).toEqual([['src', PERM_READ]]);
  });

  it('legacy key ranges: keys without access flags; Pub/Sub shard channels are not keys', () => {
    expect(keys(['watch', 'a', 'b'])).toEqual([['a', 0], ['b', 0]]);
    expect(keys(['ssubscribe', 'ch'])).toEqual([]);
  });

  it('channels of PUBLISH and the subscribe commands; PSUBSCRIBE arguments are patterns', () => {
    expect(commandChannels('publish', ['publish', 'c', 'm'])).toEqual([{ pos: 1, isPattern: false }]);
    expect(commandChannels('psubscribe', ['psubscribe', 'a*', 'b'])).toEqual([{ pos: 1, isPattern: true }, { pos: 2, isPattern: true }]);
    expect(commandChannels('unsubscribe', ['unsubscribe', 'c'])).toBeUndefined();
  });
});

describe('compiled key patterns', () => {
  it('agree with the glob matcher on plain, prefix and special patterns', async () => {
    const { compilePattern } = await import('./acl-selector');
    const { globMatch } = await import('@replikit/keyspace/internal');
    const patterns = ['*', 'key', 'key:*', 'k?y', 'k[ae]y*', 'a\\*', 'a\\*b*', '*x', '', 'x**'];
    const keys = ['', 'key', 'key:1', 'kay', 'keyz', 'a*', 'a*bc', 'ab', 'xx', 'x', 'k[ae]y'];
    for (const p of patterns) for (const k of keys) expect([p, k, compilePattern(p)(k)]).toEqual([p, k, globMatch(p, k)]);
  });
});
