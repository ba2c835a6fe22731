import { ErrorReply } from '@replikit/resp';
import { containerSpec, spec } from './command-spec';
import { CommandTable } from './command-table';

function table(): CommandTable {
  const t = new CommandTable();
  t.register(spec('get', 2, ['readonly', 'fast'], [], () => null, { firstKey: 1, lastKey: 1, keyStep: 1 }));
  t.register(spec('set', -3, ['write', 'denyoom'], [], () => null, { firstKey: 1, lastKey: 1, keyStep: 1 }));
  t.register(containerSpec('client', [spec('client|id', 2, ['noscript', 'loading', 'stale'], [], () => 1), spec('client|setname', 3, [], [], () => null)]));
  return t;
}

describe('CommandTable.lookup', () => {
  it('finds commands in any case and precomputes processCommand flags', () => {
    const e = table().lookup(['SeT', 'k', 'v']);
    expect(e).not.toBeInstanceOf(ErrorReply);
    expect(e).toMatchObject({ fullname: 'set', isWrite: true, denyStale: true, denyLoading: true, noAuth: false });
  });

  it('resolves subcommands and reports Redis errors', () => {
    const t = table();
    expect(t.lookup(['CLIENT', 'ID'])).toMatchObject({ fullname: 'client|id', denyStale: false });
    expect((t.lookup(['client', 'nope']) as ErrorReply).message).toBe("ERR unknown subcommand 'nope'. Try CLIENT HELP.");
    expect((t.lookup(['client']) as ErrorReply).message).toBe("ERR wrong number of arguments for 'client' command");
    expect((t.lookup(['client', 'setname']) as ErrorReply).message).toBe("ERR wrong number of arguments for 'client|setname' command");
    expect((t.lookup(['get']) as ErrorReply).message).toBe("ERR wrong number of arguments for 'get' command");
    expect((t.lookup(['nope', 'a', 'b']) as ErrorReply).message).toBe("ERR unknown command 'nope', with args beginning with: 'a' 'b' ");
  });

  it('register refuses duplicates unless replace', () => {
    const t = table();
    expect(() => t.register(spec('get', 2, [], [], () => null))).toThrow(expect.objectContaining({ code: 'ERR_SERVER_COMMAND_EXISTS' }));
    t.register(spec('get', 3, [], [], () => null), true);
    expect((t.lookup(['get', 'k']) as ErrorReply).message).toBe("ERR wrong number of arguments for 'get' command");
  });
});
