import { UserDirectory, parseUserDirective } from './user-directory';

describe('UserDirectory', () => {
  it('default user is nopass without requirepass', () => {
    const u = new UserDirectory(undefined);
    expect(u.defaultUserNeedsAuth).toBe(false);
    expect(u.defaultUserNopass).toBe(true);
    expect(u.check('default', 'anything')).toBe(true);
    expect(u.requirepass).toBe('');
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
});

describe('parseUserDirective', () => {
  it('parses the supported subset', () => {
    expect(parseUserDirective('repl', ['on', '>secret', '~*', '&*', '+@all'])).toEqual({ name: 'repl', enabled: true, nopass: false, passwords: ['secret'] });
    expect(parseUserDirective('x', ['on', '>a', '>b', '<a'])).toEqual({ name: 'x', enabled: true, nopass: false, passwords: ['b'] });
    expect(parseUserDirective('y', ['nopass', 'on', 'allcommands', 'allkeys'])).toEqual({ name: 'y', enabled: true, nopass: true, passwords: [] });
    expect(parseUserDirective('z', ['>p'])).toEqual({ name: 'z', enabled: false, nopass: false, passwords: ['p'] });
  });

  it('rejects rules it cannot honour, with a stable code', () => {
    expect(() => parseUserDirective('r', ['on', '-@all'])).toThrow(expect.objectContaining({ code: 'ERR_SERVER_USER_DIRECTIVE', rule: '-@all' }));
    expect(() => parseUserDirective('r', ['~cache:*'])).toThrow(/unsupported ACL rule/);
  });
});
