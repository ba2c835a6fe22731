import { SERVER_DEFAULTS, resolveServerOptions } from './defaults';

describe('resolveServerOptions', () => {
  it('applies Redis defaults', () => {
    const o = resolveServerOptions();
    expect(o).toEqual({ ...SERVER_DEFAULTS, bind: ['127.0.0.1'], users: [] });
    expect(o.clientOutputBufferLimitPubsub).toEqual({ hardBytes: 32 * 1024 * 1024, softBytes: 8 * 1024 * 1024, softSeconds: 60 });
    expect(o.maxclients).toBe(10000);
  });

  it('splits a bind string and validates numbers with the Redis directive name', () => {
    expect(resolveServerOptions({ bind: '127.0.0.1 ::1' }).bind).toEqual(['127.0.0.1', '::1']);
    expect(() => resolveServerOptions({ port: 70000 })).toThrow(expect.objectContaining({ code: 'ERR_SERVER_OPTIONS', option: 'port' }));
    expect(() => resolveServerOptions({ maxclients: -1 })).toThrow(/maxclients/);
    expect(() => resolveServerOptions({ hz: 0 })).toThrow(/hz/);
  });
});
