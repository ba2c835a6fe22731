import type { ClientBlock, ServerClient } from '../connection/server-client';
import { PauseManager } from './pause-manager';

/** The fields of a client the pause manager reads and writes. */
function client(kind: ServerClient['kind'] = 'normal'): ServerClient {
  const c: { kind: ServerClient['kind']; isClosed: boolean; blockedOn: ClientBlock | undefined; resume(): void } = {
    kind,
    isClosed: false,
    blockedOn: undefined,
    resume() {},
  };
  return c as unknown as ServerClient;
}

async function microtasks(): Promise<void> {
  await new Promise<void>((r) => queueMicrotask(r));
}

describe('PauseManager purposes', () => {
  let ran: string[];
  let pm: PauseManager;
  beforeEach(() => {
    ran = [];
    pm = new PauseManager((_c, argv) => ran.push(argv.join(' ')));
  });
  afterEach(() => pm.clear());

  it('CLIENT UNPAUSE ends the client pause only: a failover pause keeps holding writes', async () => {
    pm.pause('failover', 'write', 0);
    pm.pause('client', 'all', 0);
    expect(pm.active).toBe('all');
    const c = client();
    expect(pm.holds(c, false)).toBe(true);
    pm.postpone(c, ['get', 'k']);
    const w = client();
    pm.postpone(w, ['set', 'k', 'v']);
    pm.unpause('client');
    expect(pm.active).toBe('write');
    expect(pm.activeFor('client')).toBeUndefined();
    expect(pm.activeFor('failover')).toBe('write');
    await microtasks();
    // both go through processCommand again; the dispatcher re-postpones the write
    expect(ran).toEqual(['get k', 'set k v']);
    expect(pm.holds(client(), false)).toBe(false);
    expect(pm.holds(client(), true)).toBe(true);
    pm.unpause('failover');
    expect(pm.active).toBeUndefined();
  });

  it('within one purpose the stronger mode is kept', () => {
    pm.pause('client', 'all', 0);
    pm.pause('client', 'write', 0);
    expect(pm.activeFor('client')).toBe('all');
  });

  it('never holds replicas or the master client', () => {
    pm.pause('client', 'all', 0);
    expect(pm.holds(client('replica'), true)).toBe(false);
    expect(pm.holds(client('master'), true)).toBe(false);
  });

  it('a postponed client that closed is not run', async () => {
    pm.pause('shutdown', 'all', 0);
    const c = client();
    pm.postpone(c, ['ping']);
    (c as { isClosed: boolean }).isClosed = true;
    pm.unpause('shutdown');
    await microtasks();
    expect(ran).toEqual([]);
  });
});
