import { createKeyspace } from './keyspace';

/**
 * onKeyModified(listener, wanted): a gated listener hears the keys of every execution that starts
 * while its gate is open, and none of those that start while it is closed (the server's blocked
 * clients: the gate is "some client waits").
 */
describe('onKeyModified with a gate', () => {
  it('hears the keys of executions that start while the gate is open', () => {
    const ks = createKeyspace();
    let open = false;
    const heard: Array<string | null> = [];
    const off = ks.onKeyModified((_db, key) => heard.push(key), () => open);
    ks.execute(['SET', 'a', '1'], { db: 0 });
    ks.execute(['LPUSH', 'l', 'x'], { db: 0 });
    expect(heard).toEqual([]);
    open = true;
    ks.execute(['SET', 'b', '1'], { db: 0 });
    ks.execute(['LPUSH', 'l', 'y'], { db: 0 });
    ks.executeTransaction([['SET', 'c', '1'], ['DEL', 'a']], { db: 0 });
    expect(heard).toEqual(['b', 'l', 'c', 'a']);
    open = false;
    ks.execute(['SET', 'd', '1'], { db: 0 });
    expect(heard).toEqual(['b', 'l', 'c', 'a']);
    off();
    ks.close();
  });

  it('a key stored outside any command is heard once the gate opened after the last execution', () => {
    const ks = createKeyspace();
    let open = false;
    const heard: Array<string | null> = [];
    ks.onKeyModified((_db, key) => heard.push(key), () => open);
    ks.execute(['SET', 'a', '1'], { db: 0 });
    // a client blocks after that execution (BLPOP with no element): the gate opens with no execution in between
    open = true;
    ks.load(0, 'l', { type: 'list', value: ['x'] });
    expect(heard).toEqual(['l']);
    ks.close();
  });

  it('an ungated listener or a WATCHed key keeps tracking on whatever the gates say', () => {
    const ks = createKeyspace();
    const gated: Array<string | null> = [];
    const plain: Array<string | null> = [];
    ks.onKeyModified((_db, key) => gated.push(key), () => false);
    const off = ks.onKeyModified((_db, key) => plain.push(key));
    ks.execute(['SET', 'a', '1'], { db: 0 });
    expect(plain).toEqual(['a']);
    off();
    const v = ks.keyVersion(0, 'w');
    ks.execute(['SET', 'w', '1'], { db: 0 });
    expect(ks.keyVersion(0, 'w')).not.toBe(v);
    ks.releaseKeyVersion(0, 'w');
    ks.releaseKeyVersion(0, 'w');
    ks.close();
  });

  it('unsubscribing removes the gate with the listener', () => {
    const ks = createKeyspace();
    const heard: Array<string | null> = [];
    const off = ks.onKeyModified((_db, key) => heard.push(key), () => true);
    ks.execute(['SET', 'a', '1'], { db: 0 });
    off();
    ks.execute(['SET', 'b', '1'], { db: 0 });
    expect(heard).toEqual(['a']);
    ks.close();
  });
});
