import { CommandTable } from '../dispatch/command-table';
import { spec } from '../dispatch/command-spec';
import { UserDirectory, parseUserDirective } from './user-directory';

function table(): CommandTable {
  const t = new CommandTable();
  const h = () => null;
  t.register({ ...spec('get', 2, ['readonly', 'fast'], ['@read', '@string', '@fast'], h), firstKey: 1, lastKey: 1, keyStep: 1 });
  t.register({ ...spec('set', -3, ['write'], ['@write', '@string', '@slow'], h), firstKey: 1, lastKey: 1, keyStep: 1 });
  t.register(spec('ping', -1, ['fast'], ['@fast', '@connection'], h));
  return t;
}

describe('UserDirectory', () => {
  it('default user is nopass without requirepass', () => {
    const u = new UserDirectory(undefined);
    expect(u.defaultUserNeedsAuth).toBe(false);
    expect(u.defaultUserNopass).toBe(true);
    expect(u.check('default', 'anything')).toBe(true);
    expect(u.requirepass).toBe('');
    expect(u.restricted).toBe(false);
  });

  it('requirepass sets the default password; CONFIG SET requirepass "" clears it', () => {
    const u = new UserDirectory('pw');
    expect(u.defaultUserNeedsAuth).toBe(true);
    expect(u.check('default', 'pw')).toBe(true);
    expect(u.check('default', 'nope')).toBe(false);
    u.setRequirepass('');
    expect(u.defaultUserNeedsAuth).toBe(false);
  });

  it('users from options: on/off, several passwords, nopass; unknown users fail', () => {
    const u = new UserDirectory(undefined, [
      { name: 'a', passwords: ['1', '2'] },
      { name: 'off', enabled: false, passwords: ['x'] },
      { name: 'free', nopass: true },
    ]);
    expect(u.check('a', '2')).toBe(true);
    expect(u.check('a', '3')).toBe(false);
    expect(u.check('off', 'x')).toBe(false);
    expect(u.check('free', 'whatever')).toBe(true);
    expect(u.check('ghost', 'x')).toBe(false);
  });

  it('rules of configured users are applied against the command table; restricted users turn the check on', () => {
    const u = new UserDirectory(undefined, [parseUserDirective('r', ['on', '>p', '~k*', '-@all', '+get'])], { commands: table() });
    u.load();
    expect(u.restricted).toBe(true);
    // sha256("p")
    expect(u.describe('r')).toBe('user r on #148de9c5a7a44d19e56cd9ae1a554bf67847afb0c58f6e12fa29ac7ddfca9940 ~k* resetchannels -@all +@read');
  });

  it('SETUSER stages every rule: one bad rule changes nothing', () => {
    const u = new UserDirectory(undefined, [], { commands: table() });
    expect(u.setUser('x', ['on', '+get'])).toBeUndefined();
    expect(u.setUser('x', ['+set', '+nosuch'])).toBe("Error in ACL SETUSER modifier '+nosuch': Unknown command or category name in ACL");
    // the only @read command of this table is GET: the category describes it best
    expect(u.describe('x')).toBe('user x on resetchannels -@all +@read');
    expect(u.setUser('x', ['+@string', '+ping', '-set'])).toBeUndefined();
    expect(u.describe('x')).toBe('user x on resetchannels -@all +@fast');
    expect(u.setUser('x', ['+@all', '-get'])).toBeUndefined();
    expect(u.describe('x')).toBe('user x on resetchannels +@all -@read');
  });

  it('aclfile and user directives together are refused like redis-server', () => {
    expect(() => new UserDirectory(undefined, [{ name: 'a' }], { aclfile: '/tmp/x.acl' })).toThrow(expect.objectContaining({ code: 'ERR_SERVER_USER_DIRECTIVE' }));
  });
});

describe('parseUserDirective', () => {
  it('keeps the rules and summarises on/off, passwords, nopass', () => {
    expect(parseUserDirective('repl', ['on', '>secret', '~*', '&*', '+@all'])).toEqual({ name: 'repl', enabled: true, nopass: false, passwords: ['secret'], rules: ['on', '>secret', '~*', '&*', '+@all'] });
    expect(parseUserDirective('x', ['on', '>a', '>b', '<a'])).toMatchObject({ enabled: true, nopass: false, passwords: ['b'] });
    expect(parseUserDirective('y', ['nopass', 'on', 'allcommands', 'allkeys'])).toMatchObject({ enabled: true, nopass: true, passwords: [] });
    expect(parseUserDirective('z', ['>p', '-@all', '+get', '~cache:*', '(~a +set)'])).toMatchObject({ enabled: false, passwords: ['p'] });
  });

  it('rejects malformed rules with a stable code; unknown commands wait for the command table', () => {
    expect(() => parseUserDirective('r', ['on', '%X~a'])).toThrow(expect.objectContaining({ code: 'ERR_SERVER_USER_DIRECTIVE', rule: '%X~a' }));
    expect(() => parseUserDirective('r', ['~*', '~a'])).toThrow(/Adding a pattern after the \* pattern/);
    expect(() => parseUserDirective('r', ['+nosuch'])).not.toThrow();
  });
});
