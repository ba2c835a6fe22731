import { loadConfigFromArgs } from './config/load-config';
import { applyConfigChange, bindAddresses, bindConfig, serverOptionsFromConfig } from './config-binding';
import { resolveServerOptions } from './defaults';
import { UserDirectory } from './auth/user-directory';
import { Logger } from './logger';

describe('config binding', () => {
  it('builds server options from a config', () => {
    const { config } = loadConfigFromArgs([
      '--port', '7001', '--bind', '127.0.0.1', '::1', '--requirepass', 'pw', '--maxclients', '50', '--timeout', '30',
      '--client-output-buffer-limit', 'pubsub 1mb 512kb 10', '--min-replicas-to-write', '2', '--hz', '1000', '--user', 'repl on >secret',
    ]);
    const o = resolveServerOptions(serverOptionsFromConfig(config));
    expect(o).toMatchObject({ port: 7001, bind: ['127.0.0.1', '::1'], requirepass: 'pw', maxclients: 50, timeout: 30, minReplicasToWrite: 2, hz: 500 });
    expect(o.clientOutputBufferLimitPubsub).toEqual({ hardBytes: 1024 * 1024, softBytes: 512 * 1024, softSeconds: 10 });
    expect(o.users).toEqual([{ name: 'repl', enabled: true, nopass: false, passwords: ['secret'], rules: ['on', '>secret'] }]);
  });

  it('port 0 means no TCP listener, like redis.conf', () => {
    const { config } = loadConfigFromArgs(['--port', '0', '--unixsocket', '/tmp/x.sock']);
    expect(serverOptionsFromConfig(config)).toMatchObject({ port: 0, bind: [], unixsocket: '/tmp/x.sock' });
  });

  it('maps the default bind to every IPv4 interface', () => {
    expect(bindAddresses(['*', '-::*'])).toEqual(['0.0.0.0']);
    expect(bindAddresses(['::*'])).toEqual(['::']);
  });

  it('applies CONFIG SET changes live', () => {
    const { config } = loadConfigFromArgs([]);
    const options = resolveServerOptions(serverOptionsFromConfig(config));
    const users = new UserDirectory(undefined);
    const logger = new Logger({ sink: () => {} });
    const unbind = bindConfig({ server: { options, users } as never, logger }, config);
    config.set('timeout', ['12'], 'runtime');
    config.set('maxclients', ['3'], 'runtime');
    config.set('requirepass', ['pw'], 'runtime');
    config.set('loglevel', ['debug'], 'runtime');
    config.set('client-output-buffer-limit', ['normal 1mb 1mb 5'], 'runtime');
    config.set('replica-read-only', ['no'], 'runtime');
    expect(options).toMatchObject({ timeout: 12, maxclients: 3, requirepass: 'pw', replicaReadOnly: false });
    expect(options.clientOutputBufferLimitNormal).toEqual({ hardBytes: 1048576, softBytes: 1048576, softSeconds: 5 });
    expect(users.defaultUserNeedsAuth).toBe(true);
    expect(logger.level).toBe('debug');
    unbind();
    config.set('timeout', ['99'], 'runtime');
    expect(options.timeout).toBe(12);
    applyConfigChange({ server: { options, users } as never }, config, 'timeout');
    expect(options.timeout).toBe(99);
  });
});
