import { CommandTable } from './command-table';
import { ServerStats } from './server-stats';

function tableWith(name: string): CommandTable {
  const t = new CommandTable();
  t.register({ name, arity: 1, flags: ['fast'], handler: () => 'OK' } as never);
  return t;
}

describe('ServerStats.forEntry', () => {
  it('returns the counters command() returns, and new ones after reset()', () => {
    const stats = new ServerStats();
    const e = tableWith('ping').lookup(['ping']);
    if (!('fullname' in e)) throw new Error('lookup failed');
    const first = stats.forEntry(e);
    first.calls += 2;
    expect(stats.forEntry(e)).toBe(first);
    expect(stats.command('ping').calls).toBe(2);
    stats.reset();
    const after = stats.forEntry(e);
    expect(after).not.toBe(first);
    expect(after.calls).toBe(0);
    after.calls++;
    expect(stats.commands.get('ping')?.calls).toBe(1);
  });

  it('keeps the counters of two servers sharing one entry apart', () => {
    const a = new ServerStats();
    const b = new ServerStats();
    const e = tableWith('ping').lookup(['ping']);
    if (!('fullname' in e)) throw new Error('lookup failed');
    a.forEntry(e).calls++;
    b.forEntry(e).calls += 5;
    a.forEntry(e).calls++;
    expect(a.command('ping').calls).toBe(2);
    expect(b.command('ping').calls).toBe(5);
  });
});
