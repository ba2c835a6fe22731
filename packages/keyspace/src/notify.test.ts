import { createKeyspace } from './keyspace';
import { NOTIFY_ALL, NOTIFY_GENERIC, NOTIFY_KEYEVENT, NOTIFY_KEYSPACE, NOTIFY_NEW, NOTIFY_STRING, formatKeyspaceEvents, parseKeyspaceEvents } from './notify';

describe('notify-keyspace-events flags', () => {
  // canonical forms as redis-server 7.0.15 answers CONFIG GET after CONFIG SET of the left side
  it.each([
    ['', ''],
    ['A', 'A'],
    ['KEA', 'AKE'],
    ['g$lshzxetd', 'A'],
    ['g$lshzxet', 'g$lshzxet'],
    ['nmEKdtexzhsl$g', 'AKEm'],
    ['KEn', 'nKE'],
    ['mn', 'nm'],
    ['An', 'A'],
  ])('%j is shown as %j', (input, shown) => {
    expect(formatKeyspaceEvents(parseKeyspaceEvents(input))).toBe(shown);
  });

  it('rejects unknown characters and spaces', () => {
    for (const bad of ['q', 'KEA n', 'a', 'AKEq']) expect(parseKeyspaceEvents(bad)).toBe(-1);
    expect(parseKeyspaceEvents('A') & NOTIFY_ALL).toBe(NOTIFY_ALL);
    expect(parseKeyspaceEvents('KE')).toBe(NOTIFY_KEYSPACE | NOTIFY_KEYEVENT);
  });
});

describe('Keyspace.onKeyspaceEvent', () => {
  it('reports command events in order while registered, nothing after unsubscribing', () => {
    const ks = createKeyspace();
    const seen: string[] = [];
    const off = ks.onKeyspaceEvent((type, event, db, key) => seen.push(`${type}:${event}:${db}:${key}`));
    const session = { db: 2 };
    ks.execute(['SET', 'k', 'v'], session);
    ks.execute(['SET', 'k', 'w'], session);
    ks.execute(['DEL', 'k', 'missing'], session);
    off();
    ks.execute(['SET', 'k', 'v'], session);
    expect(seen).toEqual([`${NOTIFY_NEW}:new:2:k`, `${NOTIFY_STRING}:set:2:k`, `${NOTIFY_STRING}:set:2:k`, `${NOTIFY_GENERIC}:del:2:k`]);
    ks.close();
  });

  it('loads raise no events', () => {
    const ks = createKeyspace();
    const seen: string[] = [];
    ks.onKeyspaceEvent((_t, event) => seen.push(event));
    ks.load(0, 'k', 'v');
    expect(seen).toEqual([]);
    ks.close();
  });
});
