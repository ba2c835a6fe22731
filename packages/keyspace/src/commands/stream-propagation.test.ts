import { kit } from '../test-kit';

/** What each stream command propagates (Redis 7.0 t_stream.c), on a keyspace with a fixed clock. */
describe('stream propagation', () => {
  it('XADD propagates generated ids and turns ~ trims into exact ones', () => {
    const k = kit();
    const now = k.clock.now;
    expect(k.p('XADD', 's', '*', 'f', 'v')).toEqual([['XADD', 's', `${now}-0`, 'f', 'v']]);
    expect(k.p('XADD', 's', `${now}-*`, 'f', 'v')).toEqual([['XADD', 's', `${now}-1`, 'f', 'v']]);
    expect(k.p('XADD', 's', '9999999999999-5', 'f', 'v')).toEqual([['XADD', 's', '9999999999999-5', 'f', 'v']]);
    for (let i = 0; i < 250; i++) k.r('XADD', 'big', `${i + 1}-0`, 'f', String(i));
    // 250 entries in nodes of 100: `~ 120` can only drop the first whole node
    expect(k.p('XADD', 'big', 'MAXLEN', '~', '120', '300-0', 'f', 'v')).toEqual([['XADD', 'big', 'MAXLEN', '=', '151', '300-0', 'f', 'v']]);
    expect(k.r('XLEN', 'big')).toBe(151);
    expect(k.p('XTRIM', 'big', 'MINID', '~', '230')).toEqual([['XTRIM', 'big', 'MINID', '=', '201-0']]);
    expect(k.p('XTRIM', 'big', 'MAXLEN', '=', '10')).toEqual([['XTRIM', 'big', 'MAXLEN', '=', '10']]);
    expect(k.p('XTRIM', 'big', 'MAXLEN', '~', '5')).toEqual([]);
    expect(k.p('XADD', 'none', 'NOMKSTREAM', '*', 'f', 'v')).toEqual([]);
    k.close();
  });

  it('XREADGROUP: XCLAIM per delivered entry; NOACK: XGROUP CREATECONSUMER + SETID; history reads nothing', () => {
    const k = kit();
    const t = String(k.clock.now);
    k.r('XADD', 's', '1-1', 'f', 'a');
    k.r('XADD', 's', '1-2', 'f', 'b');
    k.r('XADD', 's', '1-3', 'f', 'c');
    k.r('XGROUP', 'CREATE', 's', 'g', '0');
    // several propagated commands of one command travel in MULTI/EXEC, as in Redis 7.0
    expect(k.p('XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '2', 'STREAMS', 's', '>')).toEqual([
      ['MULTI'],
      ['XCLAIM', 's', 'g', 'c', '0', '1-1', 'TIME', t, 'RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '1-1'],
      ['XCLAIM', 's', 'g', 'c', '0', '1-2', 'TIME', t, 'RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '1-2'],
      ['EXEC'],
    ]);
    expect(k.p('XREADGROUP', 'GROUP', 'g', 'c2', 'NOACK', 'STREAMS', 's', '>')).toEqual([
      ['MULTI'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'c2'],
      ['XGROUP', 'SETID', 's', 'g', '1-3', 'ENTRIESREAD', '3'],
      ['EXEC'],
    ]);
    expect(k.p('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '0')).toEqual([]);
    expect(k.p('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>')).toEqual([]);
    k.close();
  });

  it('XCLAIM and XAUTOCLAIM propagate XCLAIM (deleted entries drop their PEL entry); LASTID alone propagates SETID', () => {
    const k = kit();
    const t = String(k.clock.now);
    for (const id of ['1-1', '1-2', '1-3']) k.r('XADD', 's', id, 'f', 'v');
    k.r('XGROUP', 'CREATE', 's', 'g', '0');
    k.r('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>');
    k.r('XDEL', 's', '1-2');
    expect(k.p('XCLAIM', 's', 'g', 'd', '0', '1-1', 'RETRYCOUNT', '5', 'TIME', '1000')).toEqual([
      ['XCLAIM', 's', 'g', 'd', '0', '1-1', 'TIME', '1000', 'RETRYCOUNT', '5', 'FORCE', 'JUSTID', 'LASTID', '1-3'],
    ]);
    expect(k.r('XAUTOCLAIM', 's', 'g', 'e', '0', '0', 'COUNT', '10', 'JUSTID')).toEqual(['0-0', ['1-1', '1-3'], ['1-2']]);
    k.r('XADD', 's', '2-0', 'f', 'v');
    expect(k.p('XCLAIM', 's', 'g', 'e', '0', '9-9', 'LASTID', '2-0')).toEqual([['XGROUP', 'SETID', 's', 'g', '2-0', 'ENTRIESREAD', '3']]);
    expect(k.p('XAUTOCLAIM', 's', 'g', 'e', '0', '0', 'COUNT', '1')).toEqual([
      ['XCLAIM', 's', 'g', 'e', '0', '1-1', 'TIME', t, 'RETRYCOUNT', '6', 'FORCE', 'JUSTID', 'LASTID', '2-0'],
    ]);
    k.close();
  });
  it('an XADD run by a keyspace-event listener inside an XADD keeps the outer options apart', () => {
    const k = kit();
    const now = k.clock.now;
    for (let i = 0; i < 150; i++) k.r('XADD', 'a', `${i + 1}-0`, 'f', String(i));
    let nested: unknown;
    k.ks.onKeyspaceEvent((_type, event, _db, key) => {
      if (event === 'xadd' && key === 'a') nested = k.ks.execute(['XADD', 'b', 'MAXLEN', '0', '*', 'g', 'w'], { db: 0 }).reply;
    });
    // the listener runs between the outer XADD's append and its trim: the `~ 20` must stay approximate
    expect(k.p('XADD', 'a', 'MAXLEN', '~', '20', '*', 'f', 'v')).toEqual([['XADD', 'a', 'MAXLEN', '=', '51', `${now}-0`, 'f', 'v']]);
    expect(nested).toBe(`${now}-0`);
    expect(k.r('XLEN', 'b')).toBe(0);
    k.close();
  });
});
