import { DoubleReply, NULL_ARRAY } from '@replikit/resp';
import type { ZSetValue } from '../types/zset-value';
import { zmpopCommand } from './zset-pop';
import { zunionCommand } from './zset-store';
import { Kit, callWithResp } from './zset-test-kit';

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const SYNTAX = 'ERR syntax error';
const d = (v: number) => new DoubleReply(v);

let k: Kit;
beforeEach(() => {
  k = new Kit();
  k.call('SET', 'str', 'x');
  k.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
  k.call('ZADD', 'y', '5', 'b');
});
afterEach(() => k.close());

describe('ZUNION / ZINTER / ZDIFF / ZDIFFSTORE / ZINTERCARD', () => {
  it('reply in score order, WITHSCORES, no propagation', () => {
    expect(k.run('ZUNION', '2', 'z', 'y', 'WITHSCORES')).toEqual({ reply: ['a', d(1), 'c', d(3), 'b', d(7)], prop: [] });
    expect(k.call('ZINTER', '2', 'z', 'y', 'WITHSCORES', 'AGGREGATE', 'MAX')).toEqual(['b', d(5)]);
    expect(k.call('ZINTER', '2', 'z', 'nokey')).toEqual([]);
    expect(k.call('ZDIFF', '2', 'z', 'y', 'WITHSCORES')).toEqual(['a', d(1), 'c', d(3)]);
    expect(k.call('ZDIFF', '1', 'nokey')).toEqual([]);
  });
  it('ZDIFFSTORE stores or deletes', () => {
    expect(k.run('ZDIFFSTORE', 'd', '2', 'z', 'y')).toEqual({ reply: 2, prop: [['ZDIFFSTORE', 'd', '2', 'z', 'y']] });
    expect(k.call('ZRANGE', 'd', '0', '-1')).toEqual(['a', 'c']);
    expect(k.call('ZDIFFSTORE', 'd', '2', 'z', 'z')).toBe(0);
    expect(k.call('EXISTS', 'd')).toBe(0);
  });
  it('ZINTERCARD with LIMIT', () => {
    expect(k.call('ZINTERCARD', '2', 'z', 'y')).toBe(1);
    expect(k.call('ZINTERCARD', '1', 'z', 'LIMIT', '2')).toBe(2);
    expect(k.call('ZINTERCARD', '1', 'z', 'LIMIT', '0')).toBe(3);
    expect(k.err('ZINTERCARD', '0', 'z')).toBe("ERR at least 1 input key is needed for 'zintercard' command");
    expect(k.err('ZINTERCARD', 'abc', 'z')).toBe('ERR value is not an integer or out of range');
    expect(k.err('ZINTERCARD', '3', 'z')).toBe(SYNTAX);
    expect(k.err('ZINTERCARD', '2', 'z', 'y', 'LIMIT', '-1')).toBe("ERR LIMIT can't be negative");
    expect(k.err('ZINTERCARD', '2', 'z', 'y', 'LIMIT', 'x')).toBe("ERR LIMIT can't be negative");
    expect(k.err('ZINTERCARD', '2', 'z', 'y', 'WEIGHTS', '1', '2')).toBe(SYNTAX);
    expect(k.err('ZINTERCARD', '1', 'str', 'LIMIT', 'x')).toBe(WRONGTYPE);
  });
  it('errors', () => {
    expect(k.err('ZUNION', '0', 'z')).toBe("ERR at least 1 input key is needed for 'zunion' command");
    expect(k.err('ZDIFFSTORE', 'd', '0', 'z')).toBe("ERR at least 1 input key is needed for 'zdiffstore' command");
    expect(k.err('ZDIFF', '2', 'z', 'y', 'WEIGHTS', '1', '1')).toBe(SYNTAX);
    expect(k.err('ZDIFF', '2', 'z', 'y', 'AGGREGATE', 'SUM')).toBe(SYNTAX);
    expect(k.err('ZDIFFSTORE', 'd', '1', 'z', 'WITHSCORES')).toBe(SYNTAX);
    expect(k.err('ZUNION', '1', 'str')).toBe(WRONGTYPE);
  });
  it('RESP3 WITHSCORES pairs', () => {
    const z = (k.ks as unknown as { ctx: { dbs: Array<{ peek(k: string): unknown }> } }).ctx.dbs[0].peek('z') as ZSetValue;
    const data = new Map([['z', z.clone()]]);
    expect(callWithResp(zunionCommand, data, 3, 'ZUNION', '1', 'z', 'WITHSCORES')).toEqual([
      ['a', d(1)],
      ['b', d(2)],
      ['c', d(3)],
    ]);
  });
});

describe('ZMPOP', () => {
  it('pops from the first non-empty key and propagates ZPOPMIN/ZPOPMAX key <popped>', () => {
    expect(k.run('ZMPOP', '2', 'nokey', 'z', 'MIN')).toEqual({ reply: ['z', [['a', d(1)]]], prop: [['ZPOPMIN', 'z', '1']] });
    expect(k.run('zmpop', '1', 'z', 'max', 'COUNT', '5')).toEqual({
      reply: [
        'z',
        [
          ['c', d(3)],
          ['b', d(2)],
        ],
      ],
      prop: [['ZPOPMAX', 'z', '2']],
    });
    expect(k.call('EXISTS', 'z')).toBe(0);
    expect(k.run('ZMPOP', '1', 'z', 'MIN')).toEqual({ reply: NULL_ARRAY, prop: [] });
  });
  it('errors', () => {
    expect(k.err('ZMPOP', '1', 'z')).toBe("ERR wrong number of arguments for 'zmpop' command");
    expect(k.err('ZMPOP', '0', 'z', 'MIN')).toBe('ERR numkeys should be greater than 0');
    expect(k.err('ZMPOP', 'abc', 'z', 'MIN')).toBe('ERR numkeys should be greater than 0');
    expect(k.err('ZMPOP', '5', 'z', 'MIN')).toBe(SYNTAX);
    expect(k.err('ZMPOP', '1', 'z', 'FOO')).toBe(SYNTAX);
    expect(k.err('ZMPOP', '2', 'nokey', 'y', 'MIN', 'COUNT', '0')).toBe('ERR count should be greater than 0');
    expect(k.err('ZMPOP', '1', 'z', 'MIN', 'COUNT', '-1')).toBe('ERR count should be greater than 0');
    expect(k.err('ZMPOP', '1', 'z', 'MIN', 'COUNT', '1', 'COUNT', '2')).toBe(SYNTAX);
    expect(k.err('ZMPOP', '2', 'str', 'z', 'MIN')).toBe(WRONGTYPE);
  });
  it('RESP3 shape is the same nesting', () => {
    const z = (k.ks as unknown as { ctx: { dbs: Array<{ peek(k: string): unknown }> } }).ctx.dbs[0].peek('z') as ZSetValue;
    const data = new Map<string, unknown>([['z', z.clone()]]);
    expect(callWithResp(zmpopCommand, data as never, 3, 'ZMPOP', '1', 'z', 'MIN')).toEqual(['z', [['a', d(1)]]]);
  });
});

describe('random picks on big collections', () => {
  it('ZRANDMEMBER / SRANDMEMBER distinct small counts stay distinct and valid', () => {
    const args: string[] = [];
    const members: string[] = [];
    for (let i = 0; i < 300; i++) {
      args.push(String(i), `m${i}`);
      members.push(`m${i}`);
    }
    k.call('ZADD', 'big', ...args);
    k.call('SADD', 'sbig', ...members);
    for (const cmd of ['ZRANDMEMBER', 'SRANDMEMBER']) {
      const r = k.call(cmd, cmd === 'ZRANDMEMBER' ? 'big' : 'sbig', '20') as string[];
      expect(r).toHaveLength(20);
      expect(new Set(r).size).toBe(20);
      for (const m of r) expect(members).toContain(m);
      const many = k.call(cmd, cmd === 'ZRANDMEMBER' ? 'big' : 'sbig', '250') as string[];
      expect(new Set(many).size).toBe(250);
    }
    const ws = k.call('ZRANDMEMBER', 'big', '5', 'WITHSCORES') as Array<string | DoubleReply>;
    for (let i = 0; i < ws.length; i += 2) expect((ws[i + 1] as DoubleReply).value).toBe(Number((ws[i] as string).slice(1)));
  });
});
