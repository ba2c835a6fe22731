import { createKeyspace } from '@replikit/keyspace';
import type { PropagatedCommand } from '@replikit/keyspace';
import { createKeyspaceBridge } from '../dispatch/keyspace-adapter';
import { standaloneMasterState } from '../dispatch/replication-state';
import { createServer } from '../server';
import type { ServerClient } from './server-client';
import { MasterStreamClient } from './master-client';

describe('MasterStreamClient (the replication stream through the dispatcher)', () => {
  const keyspace = createKeyspace();
  const server = createServer({ keyspace: createKeyspaceBridge(keyspace) });
  const propagated: Array<{ writes: readonly PropagatedCommand[]; origin: ServerClient | undefined }> = [];
  server.setPropagationSink({ propagate: (writes, origin) => propagated.push({ writes, origin }) });
  // a read-only replica whose link is up: normal clients' writes would get READONLY
  server.setReplicationState({ ...standaloneMasterState(), role: 'replica', masterLinkUp: true });
  const errors: Array<[readonly string[], string]> = [];
  const kills: string[] = [];
  const master = new MasterStreamClient(
    server.clients.nextId(),
    '127.0.0.1:6379',
    server.dispatcher,
    (argv, e) => errors.push([argv, e.message]),
    (reason) => kills.push(reason),
  );

  afterAll(async () => {
    await server.close();
    keyspace.close();
  });

  it('applies writes on a read-only replica; the origin of what it writes is the master client', () => {
    expect(master.apply(['SET', 'k', 'v'])).toBe('applied');
    expect(keyspace.execute(['GET', 'k'], { db: 0 }).reply).toBe('v');
    expect(propagated.at(-1)?.origin?.kind).toBe('master');
  });

  it('a MULTI from the master is queued and applied at its EXEC', () => {
    expect(master.apply(['MULTI'])).toBe('queued');
    expect(master.apply(['SET', 'a', '1'])).toBe('queued');
    expect(master.apply(['INCR', 'n'])).toBe('queued');
    expect(keyspace.execute(['EXISTS', 'a'], { db: 0 }).reply).toBe(0);
    expect(master.apply(['EXEC'])).toBe('applied');
    expect(keyspace.execute(['GET', 'a'], { db: 0 }).reply).toBe('1');
    expect(keyspace.execute(['GET', 'n'], { db: 0 }).reply).toBe('1');
  });

  it('SELECT moves its db; reset() sets the stream db and drops an open MULTI', () => {
    master.apply(['SELECT', '3']);
    expect(master.db).toBe(3);
    master.apply(['SET', 'in3', 'x']);
    expect(keyspace.execute(['GET', 'in3'], { db: 3 }).reply).toBe('x');
    master.apply(['MULTI']);
    master.reset(0);
    expect(master.multi).toBeUndefined();
    expect(master.db).toBe(0);
  });

  it('an error reply is reported, not thrown', () => {
    master.apply(['LPUSH', 'k', 'x']);
    expect(errors.at(-1)?.[0]).toEqual(['LPUSH', 'k', 'x']);
    expect(errors.at(-1)?.[1]).toMatch(/^WRONGTYPE /);
  });

  it('close() (CLIENT KILL) drops the link but keeps applying; dispose() ends it', () => {
    master.close('killed by CLIENT KILL');
    expect(kills).toEqual(['killed by CLIENT KILL']);
    expect(master.isClosed).toBe(false);
    master.dispose();
    expect(master.isClosed).toBe(true);
    expect(master.apply(['SET', 'late', '1'])).toBe('applied');
    expect(keyspace.execute(['EXISTS', 'late'], { db: 0 }).reply).toBe(0);
  });
});
