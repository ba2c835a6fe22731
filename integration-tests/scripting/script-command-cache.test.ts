/**
 * redis.call resolves the command a script names once and finds it again by its name: a command
 * registered over it later (registerCommand with replace), a changed arity and a `noscript` flag
 * must be seen by the next call, as a fresh lookup would.
 */
import { spec } from '@replikit/server';
import { ByteClient, startReplikit, type Started } from '../server/helpers';

describe('redis.call after the command table changed', () => {
  let srv: Started;
  let c: ByteClient;

  beforeAll(async () => {
    srv = await startReplikit();
    c = await ByteClient.connect(srv.port);
  });

  afterAll(async () => {
    c?.socket.destroy();
    await srv?.close();
  });

  test('a command registered over the one a script called is the one its next call runs', async () => {
    srv.server.registerCommand(spec('xcache', 2, ['fast'], ['@fast'], () => 'first'));
    const body = "return redis.call('XCACHE', KEYS[1])";
    expect(await c.call('EVAL', body, '1', 'k')).toBe('$5\r\nfirst\r\n');
    expect(await c.call('EVAL', body, '1', 'k')).toBe('$5\r\nfirst\r\n');
    srv.server.registerCommand(spec('xcache', 2, ['fast'], ['@fast'], () => 'second'), true);
    expect(await c.call('EVAL', body, '1', 'k')).toBe('$6\r\nsecond\r\n');
    // now with another arity: the same call has the wrong number of arguments
    srv.server.registerCommand(spec('xcache', 3, ['fast'], ['@fast'], () => 'third'), true);
    expect(await c.call('EVAL', `return redis.pcall('XCACHE', KEYS[1])['err']`, '1', 'k')).toBe('$58\r\nERR Wrong number of args calling Redis command from script\r\n');
    expect(await c.call('EVAL', `return redis.call('XCACHE', KEYS[1], 'x')`, '1', 'k')).toBe('$5\r\nthird\r\n');
    // and flagged noscript
    srv.server.registerCommand(spec('xcache', 3, ['fast', 'noscript'], ['@fast'], () => 'fourth'), true);
    expect(await c.call('EVAL', `return redis.pcall('XCACHE', KEYS[1], 'x')['err']`, '1', 'k')).toBe('$49\r\nERR This Redis command is not allowed from script\r\n');
    expect(await c.call('XCACHE', 'k', 'x')).toBe('$6\r\nfourth\r\n');
  });
});
