/** Listener lifecycle, state, events, errors with stable codes, and writes that bypass the dispatcher. */
import { createServer as createNetServer } from 'node:net';
import { createKeyspace } from '@replikit/keyspace';
import { createKeyspaceBridge, createServer } from '@replikit/server';
import { ByteClient, encodeArgv, startReplikit } from './helpers';

describe('lifecycle', () => {
  it('idle -> listening -> closed, with events; listen twice is a state error', async () => {
    const ks = createKeyspace();
    const server = createServer({ keyspace: createKeyspaceBridge(ks) }, { port: 0 });
    const events: string[] = [];
    server.on('listening', () => events.push('listening'));
    server.on('client:connect', () => events.push('client:connect'));
    server.on('client:close', (_c, reason) => events.push(`client:close ${reason}`));
    server.on('close', () => events.push('close'));
    expect(server.state).toBe('idle');
    const addr = await server.listen();
    expect(server.state).toBe('listening');
    expect(server.address).toEqual(addr);
    expect(addr.port).toBeGreaterThan(0);
    await expect(server.listen()).rejects.toMatchObject({ code: 'ERR_SERVER_STATE' });
    const c = await ByteClient.connect(addr.port);
    expect(await c.call('QUIT')).toBe('+OK\r\n');
    expect(await c.waitClosed()).toBe(true);
    const d = await ByteClient.connect(addr.port);
    await d.call('PING');
    await server.close();
    expect(server.state).toBe('closed');
    expect(await d.waitClosed()).toBe(true);
    ks.close();
    expect(events).toEqual(['listening', 'client:connect', 'client:close quit', 'client:connect', 'client:close server shutdown', 'close']);
  });

  it('a port in use rejects with ERR_SERVER_LISTEN', async () => {
    const blocker = createNetServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const ks = createKeyspace();
    const server = createServer({ keyspace: createKeyspaceBridge(ks) }, { port });
    await expect(server.listen()).rejects.toMatchObject({ code: 'ERR_SERVER_LISTEN', address: `127.0.0.1:${port}` });
    expect(server.state).toBe('closed');
    ks.close();
    await new Promise((r) => blocker.close(r));
  });

  it('bad options throw ERR_SERVER_OPTIONS naming the directive', () => {
    const ks = createKeyspace();
    expect(() => createServer({ keyspace: createKeyspaceBridge(ks) }, { maxclients: 0 })).toThrow(expect.objectContaining({ code: 'ERR_SERVER_OPTIONS', option: 'maxclients' }));
    ks.close();
  });

  it('a handler that throws: -ERR to the client, command:error to the owner, the server goes on', async () => {
    const srv = await startReplikit();
    const errors: string[] = [];
    srv.server.on('command:error', (e) => errors.push(`${e.code} ${e.command}`));
    const { spec } = await import('@replikit/server');
    srv.server.registerCommand(
      spec('boom', 1, [], [], () => {
        throw new Error('kaput');
      }),
    );
    const c = await ByteClient.connect(srv.port);
    expect(await c.call('BOOM')).toBe('-ERR kaput\r\n');
    expect(await c.call('PING')).toBe('+PONG\r\n');
    expect(errors).toEqual(['ERR_SERVER_COMMAND_FAILED boom']);
    c.close();
    await srv.close();
  });

  it('writes applied to the keyspace directly (a replica applying its stream) wake blocked clients', async () => {
    const srv = await startReplikit();
    const c = await ByteClient.connect(srv.port);
    c.write(encodeArgv(['BLPOP', 'fromstream', '0']));
    const deadline = Date.now() + 2000;
    while (srv.server.blocking.size === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    srv.keyspace.execute(['RPUSH', 'fromstream', 'v'], { db: 0, fromMaster: true });
    expect(await c.reply()).toBe('*2\r\n$10\r\nfromstream\r\n$1\r\nv\r\n');
    c.close();
    await srv.close();
  });
});
