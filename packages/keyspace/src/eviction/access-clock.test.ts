import { createKeyspace } from '../keyspace';
import { LFU_INIT_VAL, LRU_CLOCK_MAX, estimateIdleMs, lfuDecayed, lfuLogIncr, lfuMinutes, lruClock } from './access-clock';

describe('LRU clock', () => {
  it('has a 1 s resolution and 24 bits', () => {
    expect(lruClock(0)).toBe(0);
    expect(lruClock(1999)).toBe(1);
    expect(lruClock((LRU_CLOCK_MAX + 1) * 1000 + 5000)).toBe(5);
  });

  it('estimates idle time across one wrap of the clock', () => {
    const now = 10_000_000;
    expect(estimateIdleMs(lruClock(now - 7000), now)).toBe(7000);
    const wrapped = (LRU_CLOCK_MAX + 1) * 1000 + 3000;
    expect(estimateIdleMs(LRU_CLOCK_MAX - 2, wrapped)).toBe((3 + 2) * 1000);
  });
});

describe('LFU counter', () => {
  it('with log factor 0 every access counts, up to 255', () => {
    let c = LFU_INIT_VAL;
    for (let i = 0; i < 300; i++) c = lfuLogIncr(c, 0);
    expect(c).toBe(255);
  });

  it('grows logarithmically: the probability is 1/((c-5)*factor+1)', () => {
    // with a fixed draw of 0.5, the counter stops once the probability falls to 0.5 or below
    const half = () => 0.5;
    let c = LFU_INIT_VAL;
    for (let i = 0; i < 100; i++) c = lfuLogIncr(c, 10, half);
    // 1/((c-5)*10+1) > 0.5 only while c - 5 < 0.1, i.e. c = 5
    expect(c).toBe(6);
    expect(lfuLogIncr(3, 10, () => 0.99)).toBe(4);
  });

  it('decays by one per lfu-decay-time minutes since the last decrement time, never below 0', () => {
    const t0 = 1_700_000_000_000;
    const field = (lfuMinutes(t0) << 8) | 20;
    expect(lfuDecayed(field, t0, 1)).toBe(20);
    expect(lfuDecayed(field, t0 + 3 * 60_000, 1)).toBe(17);
    expect(lfuDecayed(field, t0 + 10 * 60_000, 5)).toBe(18);
    expect(lfuDecayed(field, t0 + 100 * 60_000, 1)).toBe(0);
    expect(lfuDecayed(field, t0 + 100 * 60_000, 0)).toBe(20);
  });
});

describe('access tracking in the keyspace', () => {
  function setup(policy: 'lru' | 'lfu', now: { t: number }) {
    const ks = createKeyspace({ clock: () => now.t });
    ks.eviction.setAccessTracking({ policy, lfuLogFactor: 0, lfuDecayTime: 0 });
    const run = (...argv: string[]) => ks.execute(argv, { db: 0 }).reply;
    return { ks, run };
  }

  it('LRU: reads and writes touch, OBJECT/EXISTS/TYPE/TTL do not, TOUCH does', () => {
    const now = { t: 1_000_000_000 };
    const { ks, run } = setup('lru', now);
    run('SET', 'a', 'v');
    now.t += 5000;
    expect(run('OBJECT', 'IDLETIME', 'a')).toBe(5);
    run('EXISTS', 'a');
    run('TYPE', 'a');
    run('TTL', 'a');
    expect(run('OBJECT', 'IDLETIME', 'a')).toBe(5);
    run('GET', 'a');
    expect(run('OBJECT', 'IDLETIME', 'a')).toBe(0);
    now.t += 3000;
    run('TOUCH', 'a');
    expect(run('OBJECT', 'IDLETIME', 'a')).toBe(0);
    now.t += 2000;
    run('APPEND', 'a', 'x');
    expect(run('OBJECT', 'IDLETIME', 'a')).toBe(0);
    ks.close();
  });

  it('LFU: new keys start at 5, each access adds one with log factor 0, an overwrite counts once', () => {
    const now = { t: 1_000_000_000 };
    const { ks, run } = setup('lfu', now);
    run('SET', 'a', 'v');
    expect(run('OBJECT', 'FREQ', 'a')).toBe(5);
    run('GET', 'a');
    run('GET', 'a');
    expect(run('OBJECT', 'FREQ', 'a')).toBe(7);
    run('SET', 'a', 'w');
    expect(run('OBJECT', 'FREQ', 'a')).toBe(8);
    run('DEL', 'a');
    run('SET', 'a', 'v');
    expect(run('OBJECT', 'FREQ', 'a')).toBe(5);
    ks.close();
  });

  it('a key sampled for eviction scores higher when colder', () => {
    const now = { t: 1_000_000_000 };
    const { ks, run } = setup('lru', now);
    run('SET', 'old', 'v');
    now.t += 10_000;
    run('SET', 'new', 'v');
    const old = ks.eviction.score(0, 'old', 'lru', now.t) as number;
    const fresh = ks.eviction.score(0, 'new', 'lru', now.t) as number;
    expect(old).toBeGreaterThan(fresh);
    expect(ks.eviction.score(0, 'gone', 'lru', now.t)).toBeUndefined();
    ks.close();
  });

  it('evict() deletes, raises `evicted` and hands DEL (or UNLINK) to the propagation listeners', () => {
    const ks = createKeyspace();
    const out: string[][] = [];
    ks.onPropagate((ops) => {
      for (const op of ops) out.push(op.argv.map(String));
    });
    const events: string[] = [];
    ks.onKeyspaceEvent((_type, event, _db, key) => events.push(`${event}:${key}`));
    ks.execute(['SET', 'a', '1'], { db: 0 });
    ks.execute(['SET', 'b', '1'], { db: 0 });
    events.length = 0;
    expect(ks.eviction.evict(0, 'a', false)).toBe(true);
    expect(ks.eviction.evict(0, 'b', true)).toBe(true);
    expect(ks.eviction.evict(0, 'missing', false)).toBe(false);
    expect(out).toEqual([['DEL', 'a'], ['UNLINK', 'b']]);
    expect(events).toEqual(['evicted:a', 'evicted:b']);
    expect(ks.size(0)).toBe(0);
    ks.close();
  });

  it('samples only keys with a TTL for the volatile policies', () => {
    const ks = createKeyspace();
    for (let i = 0; i < 50; i++) ks.execute(['SET', `p${i}`, 'v'], { db: 0 });
    for (let i = 0; i < 5; i++) ks.execute(['SET', `t${i}`, 'v', 'EX', '100'], { db: 0 });
    const keys: string[] = [];
    for (let i = 0; i < 20; i++) ks.eviction.sample(0, 5, true, keys);
    expect(keys.length).toBe(100);
    for (const k of keys) expect(k.startsWith('t')).toBe(true);
    expect(new Set(keys).size).toBe(5);
    ks.close();
  });
});
