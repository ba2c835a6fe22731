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
    t.register(spec('mycmd', 2, [], [], () => null));
    t.register(spec('mycmd', 3, [], [], () => null), true);
    expect((t.lookup(['mycmd', 'k']) as ErrorReply).message).toBe("ERR wrong number of arguments for 'mycmd' command");
  });

  it('a command Redis 7.0 has takes its arity, flags and key specs whatever the registered spec says', () => {
    const t = table();
    t.register(spec('get', 3, ['write'], [], () => null), true);
    expect((t.lookup(['get', 'k', 'v']) as ErrorReply).message).toBe("ERR wrong number of arguments for 'get' command");
    expect(t.get('get')).toMatchObject({ arity: 2, flags: ['readonly', 'fast'], firstKey: 1, categories: ['@read', '@string', '@fast'] });
    expect(t.get('get')?.keySpecs).toEqual([{ flags: ['RO', 'access'], beginSearch: { type: 'index', index: 1 }, findKeys: { type: 'range', lastKey: 0, keyStep: 1, limit: 0 } }]);
  });
});
