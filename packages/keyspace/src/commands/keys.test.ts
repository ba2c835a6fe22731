import { kit } from '../test-kit';

describe('generic key commands', () => {
  let k: ReturnType<typeof kit>;
  beforeEach(() => {
    k = kit();
  });
  afterEach(() => k.close());

  it('DEL UNLINK EXISTS TOUCH TYPE', () => {
    k.r('MSET', 'a', '1', 'b', '2');
    k.ks.load(0, 'st', { type: 'stream', value: { entries: [] } });
    expect(k.r('EXISTS', 'a', 'a', 'b', 'c')).toBe(3);
    expect(k.r('TOUCH', 'a', 'c')).toBe(1);
    expect(k.r('TYPE', 'a')).toBe('+string');
    expect(k.r('TYPE', 'st')).toBe('+stream');
    expect(k.r('TYPE', 'c')).toBe('+none');
    expect(k.r('DEL', 'a', 'c', 'a')).toBe(1);
    expect(k.r('UNLINK', 'b', 'st')).toBe(2);
    expect(k.r('DEL')).toBe("-ERR wrong number of arguments for 'del' command");
  });

  it('EXPIRE family with NX XX GT LT and errors', () => {
    k.r('SET', 'a', 'v');
    expect(k.r('EXPIRE', 'a', '100', 'XX')).toBe(0);
    expect(k.r('EXPIRE', 'a', '100', 'NX')).toBe(1);
    expect(k.r('EXPIRE', 'a', '50', 'NX')).toBe(0);
    expect(k.r('EXPIRE', 'a', '50', 'GT')).toBe(0);
    expect(k.r('EXPIRE', 'a', '200', 'GT')).toBe(1);
    expect(k.r('EXPIRE', 'a', '300', 'LT')).toBe(0);
    expect(k.r('EXPIRE', 'a', '150', 'lt')).toBe(1);
    expect(k.r('TTL', 'a')).toBe(150);
    expect(k.r('PEXPIRE', 'a', '1500')).toBe(1);
    expect(k.r('PTTL', 'a')).toBe(1500);
    expect(k.r('EXPIREAT', 'a', String(k.clock.now / 1000 + 20))).toBe(1);
    expect(k.r('EXPIRETIME', 'a')).toBe(k.clock.now / 1000 + 20);
    expect(k.r('PEXPIREAT', 'a', String(k.clock.now + 5))).toBe(1);
    expect(k.r('PEXPIRETIME', 'a')).toBe(k.clock.now + 5);
    expect(k.r('EXPIRE', 'missing', '10')).toBe(0);
    expect(k.r('EXPIRE', 'a', '10', 'NX', 'XX')).toBe('-ERR NX and XX, GT or LT options at the same time are not compatible');
    expect(k.r('EXPIRE', 'a', '10', 'GT', 'LT')).toBe('-ERR GT and LT options at the same time are not compatible');
    expect(k.r('EXPIRE', 'a', '10', 'FOO')).toBe('-ERR Unsupported option FOO');
    expect(k.r('EXPIRE', 'a', 'x')).toBe('-ERR value is not an integer or out of range');
    expect(k.r('EXPIRE', 'a', '9223372036854775807')).toBe("-ERR invalid expire time in 'expire' command");
    expect(k.r('PEXPIRE', 'a', '9223372036854775807')).toBe("-ERR invalid expire time in 'pexpire' command");
    expect(k.r('EXPIRE', 'a', '-1')).toBe(1);
    expect(k.r('EXISTS', 'a')).toBe(0);
  });

  it('TTL PTTL EXPIRETIME PERSIST on missing and persistent keys', () => {
    expect(k.r('TTL', 'x')).toBe(-2);
    expect(k.r('PTTL', 'x')).toBe(-2);
    expect(k.r('EXPIRETIME', 'x')).toBe(-2);
    k.r('SET', 'x', 'v');
    expect(k.r('TTL', 'x')).toBe(-1);
    expect(k.r('PEXPIRETIME', 'x')).toBe(-1);
    expect(k.r('PERSIST', 'x')).toBe(0);
    k.r('PEXPIRE', 'x', '1499');
    expect(k.r('TTL', 'x')).toBe(1); // rounded like Redis: (ttl+500)/1000
    expect(k.r('PERSIST', 'x')).toBe(1);
    expect(k.r('PERSIST', 'nope')).toBe(0);
  });

  it('RENAME RENAMENX keep value, TTL and encoding', () => {
    k.r('SET', 'a', '1', 'EX', '100');
    k.r('APPEND', 'a', '2');
    expect(k.r('RENAME', 'a', 'b')).toBe('+OK');
    expect(k.r('GET', 'b')).toBe('12');
    expect(k.r('TTL', 'b')).toBe(100);
    expect(k.r('OBJECT', 'ENCODING', 'b')).toBe('raw');
    expect(k.r('RENAME', 'a', 'b')).toBe('-ERR no such key');
    expect(k.r('RENAME', 'b', 'b')).toBe('+OK');
    expect(k.r('RENAMENX', 'b', 'b')).toBe(0);
    k.r('SET', 'c', 'x');
    expect(k.r('RENAMENX', 'b', 'c')).toBe(0);
    expect(k.r('RENAMENX', 'b', 'd')).toBe(1);
    expect(k.r('RENAME', 'd', 'c')).toBe('+OK');
    expect(k.r('GET', 'c')).toBe('12');
  });

  it('COPY and MOVE across databases', () => {
    k.r('SET', 'a', 'v', 'PX', '5000');
    expect(k.r('COPY', 'a', 'b')).toBe(1);
    expect(k.r('PTTL', 'b')).toBe(5000);
    expect(k.r('COPY', 'a', 'b')).toBe(0);
    expect(k.r('COPY', 'a', 'b', 'REPLACE')).toBe(1);
    expect(k.r('COPY', 'a', 'a')).toBe('-ERR source and destination objects are the same');
    expect(k.r('COPY', 'a', 'a', 'DB', '1')).toBe(1);
    expect(k.r('COPY', 'a', 'x', 'DB', '16')).toBe('-ERR DB index is out of range');
    expect(k.r('COPY', 'a', 'x', 'DB', 'z')).toBe('-ERR value is not an integer or out of range');
    expect(k.r('COPY', 'a', 'x', 'FOO')).toBe('-ERR syntax error');
    expect(k.r('COPY', 'missing', 'x')).toBe(0);
    expect(k.r('MOVE', 'b', '0')).toBe('-ERR source and destination objects are the same');
    expect(k.r('MOVE', 'b', '2')).toBe(1);
    expect(k.r('MOVE', 'b', '2')).toBe(0);
    expect(k.r('MOVE', 'a', '1')).toBe(0); // exists in db 1
    expect(k.r('MOVE', 'a', '99999999999')).toBe('-ERR value is out of range, value must between -2147483648 and 2147483647');
    expect(k.r('MOVE', 'a', '-1')).toBe('-ERR DB index is out of range');
    k.session.db = 2;
    expect(k.r('PTTL', 'b')).toBe(5000);
  });

  it('KEYS SCAN RANDOMKEY DBSIZE', () => {
    k.r('MSET', 'k1', 'a', 'k2', 'b', 'x', 'c');
    k.r('SET', 'gone', 'v', 'PXAT', '1');
    expect((k.r('KEYS', 'k*') as string[]).sort()).toEqual(['k1', 'k2']);
    expect((k.r('KEYS', '*') as string[]).sort()).toEqual(['k1', 'k2', 'x']);
    expect(k.r('DBSIZE')).toBe(4); // the expired key is not reclaimed yet
    const all: string[] = [];
    let cursor = '0';
    do {
      const [c, items] = k.r('SCAN', cursor, 'COUNT', '1') as [string, string[]];
      all.push(...items);
      cursor = c;
    } while (cursor !== '0');
    expect(all.sort()).toEqual(['k1', 'k2', 'x']);
    expect(k.r('DBSIZE')).toBe(3); // SCAN reclaimed it
    expect(k.r('SCAN', '0', 'MATCH', 'k*', 'COUNT', '100')).toEqual(['0', expect.arrayContaining(['k1', 'k2'])]);
    expect(k.r('SCAN', '0', 'TYPE', 'hash', 'COUNT', '100')).toEqual(['0', []]);
    expect(k.r('SCAN', 'abc')).toBe('-ERR invalid cursor');
    expect(k.r('SCAN', '0', 'COUNT', '0')).toBe('-ERR syntax error');
    expect(['k1', 'k2', 'x']).toContain(k.r('RANDOMKEY'));
    k.r('FLUSHDB');
    expect(k.r('RANDOMKEY')).toBeNull();
  });

  it('SELECT SWAPDB FLUSHDB FLUSHALL', () => {
    expect(k.r('SELECT', '15')).toBe('+OK');
    expect(k.session.db).toBe(15);
    expect(k.r('SELECT', '16')).toBe('-ERR DB index is out of range');
    expect(k.r('SELECT', 'x')).toBe('-ERR value is not an integer or out of range');
    expect(k.r('SELECT', '99999999999')).toBe('-ERR value is out of range, value must between -2147483648 and 2147483647');
    k.r('SET', 'in15', 'v');
    expect(k.r('SWAPDB', '15', '0')).toBe('+OK');
    expect(k.r('GET', 'in15')).toBeNull();
    k.session.db = 0;
    expect(k.r('GET', 'in15')).toBe('v');
    expect(k.r('SWAPDB', 'x', '0')).toBe('-ERR invalid first DB index');
    expect(k.r('SWAPDB', '0', 'y')).toBe('-ERR invalid second DB index');
    expect(k.r('SWAPDB', '0', '16')).toBe('-ERR DB index is out of range');
    expect(k.r('FLUSHDB', 'x')).toBe('-ERR syntax error');
    expect(k.r('FLUSHDB', 'ASYNC')).toBe('+OK');
    expect(k.r('DBSIZE')).toBe(0);
    k.r('SET', 'a', 'v');
    k.session.db = 3;
    k.r('SET', 'b', 'v');
    expect(k.r('FLUSHALL', 'SYNC')).toBe('+OK');
    expect(k.ks.info().every((d) => d.keys === 0)).toBe(true);
  });

  it('unknown commands, subcommands and arity errors have Redis text', () => {
    expect(k.r('FOO', 'a', 'b')).toBe("-ERR unknown command 'FOO', with args beginning with: 'a' 'b' ");
    expect(k.r('foo')).toBe("-ERR unknown command 'foo', with args beginning with: ");
    expect(k.r('foo', 'a\r\nb')).toBe("-ERR unknown command 'foo', with args beginning with: 'a  b' ");
    expect(k.r('GET')).toBe("-ERR wrong number of arguments for 'get' command");
    expect(k.r('object', 'nope', 'k')).toBe("-ERR unknown subcommand 'nope'. Try OBJECT HELP.");
    expect(k.r('OBJECT', 'ENCODING')).toBe("-ERR wrong number of arguments for 'object|encoding' command");
    expect(k.r('OBJECT')).toBe("-ERR wrong number of arguments for 'object' command");
    k.r('SET', 'n', '5');
    k.r('SET', 's', 'abc');
    expect(k.r('OBJECT', 'REFCOUNT', 'n')).toBe(2147483647);
    expect(k.r('OBJECT', 'REFCOUNT', 's')).toBe(1);
    expect(k.r('OBJECT', 'REFCOUNT', 'missing')).toBeNull();
    expect(k.r('OBJECT', 'IDLETIME', 's')).toBe(0);
    expect(k.r('OBJECT', 'FREQ', 's')).toMatch(/^-ERR An LFU maxmemory policy is not selected/);
    expect((k.r('object', 'help') as string[])[0]).toBe('+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(k.r('OBJECT', 'HELP', 'x')).toBe("-ERR wrong number of arguments for 'object|help' command");
    const long = 'x'.repeat(300);
    expect(k.r(long, long)).toBe(`-ERR unknown command '${'x'.repeat(128)}', with args beginning with: '${'x'.repeat(128)}' `);
  });

  it('the command table exposes metadata', () => {
    const t = k.ks.commandTable;
    const set = t.lookup('SeT')!;
    expect(set).toMatchObject({ name: 'set', arity: -3, firstKey: 1, lastKey: 1, keyStep: 1, isWrite: true });
    expect(t.lookup('get')!.hasFlag('readonly')).toBe(true);
    expect(t.lookup('mset')).toMatchObject({ firstKey: 1, lastKey: -1, keyStep: 2 });
    expect(t.lookupFullName('object|encoding')).toMatchObject({ fullName: 'object|encoding', arity: 3 });
    expect(t.lookup('exec')!.hasFlag('loading')).toBe(true);
    expect(t.lookup('scan')!.hasFlag('touches-arbitrary-keys')).toBe(true);
    expect([...t].length).toBe(t.size);
    expect(t.lookup('nope')).toBeUndefined();
  });
});
