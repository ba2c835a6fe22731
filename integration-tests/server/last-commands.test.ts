/**
 * The commands of a non-cluster redis-server 7.0 without modules (ASKING, READONLY, READWRITE,
 * CLUSTER, MODULE), LOLWUT, PFDEBUG and PFSELFTEST, against the real binary: every form's reply bytes, RESP2 and RESP3.
 */
import { hasRedis } from '@replikit/test-utils';
import { redisAndReplikit } from '../replication/helpers';
import { ByteClient } from './helpers';

const describeRedis = hasRedis() ? describe : describe.skip;

const FORMS: string[][] = [
  ['ASKING'], ['ASKING', 'x'], ['READONLY'], ['READWRITE'], ['READWRITE', 'x'],
  ['CLUSTER'], ['CLUSTER', 'HELP'], ['CLUSTER', 'INFO'], ['CLUSTER', 'nosuch'], ['CLUSTER', 'KEYSLOT', 'foo'], ['CLUSTER', 'MYID', 'x'],
  ['CLUSTER', 'SLOTS'], ['CLUSTER', 'SHARDS'], ['CLUSTER', 'NODES'], ['CLUSTER', 'setslot', '1', 'node', 'x'], ['CLUSTER', 'ADDSLOTS'],
  ['MODULE'], ['MODULE', 'LIST'], ['MODULE', 'list', 'x'], ['MODULE', 'HELP'], ['MODULE', 'nosuch'], ['MODULE', 'LOAD', '/no/such.so'],
  ['MODULE', 'LOADEX', '/no/such.so', 'CONFIG', 'a', 'b'], ['MODULE', 'UNLOAD', 'foo'], ['MODULE', 'UNLOAD'],
  ['LOLWUT'], ['LOLWUT', 'foo'], ['LOLWUT', 'VERSION'], ['LOLWUT', 'VERSION', 'x'], ['LOLWUT', 'VERSION', '1'], ['LOLWUT', 'version', '7', '1', '2'],
  ['LOLWUT', 'VERSION', '-1'], ['LOLWUT', 'VERSION', '56'], ['LOLWUT', 'VERSION', '4'], ['LOLWUT', 'VERSION', '59'], ['LOLWUT', 'VERSION', '6', 'x'],
  // Schotter's first two rows are not randomised: these sizes are reproducible
  ['LOLWUT', 'VERSION', '5', '1', '1', '1'], ['LOLWUT', 'VERSION', '5', '10', '3', '2'], ['LOLWUT', 'VERSION', '5', '40', '4', '1'],
  ['LOLWUT', 'VERSION', '5', '0', '0', '0'], ['LOLWUT', 'VERSION', '5', '2000', '300', '1'], ['LOLWUT', 'VERSION', '5', 'x'], ['LOLWUT', 'VERSION', '5', '3', '1', 'y'],
];

describeRedis('cluster, module and lolwut commands vs redis-server 7.0', () => {
  const servers = redisAndReplikit();

  it('answer the same bytes in RESP2 and RESP3', async () => {
    const run = async (port: number, resp3: boolean) => {
      const c = await ByteClient.connect(port);
      try {
        if (resp3) await c.call('HELLO', '3');
        const out: string[] = [];
        for (const argv of FORMS) out.push(`${argv.join(' ')} => ${await c.call(...argv)}`);
        return out;
      } finally {
        c.close();
      }
    };
    for (const resp3 of [false, true]) expect(await run(servers.rk.port, resp3)).toEqual(await run(servers.redis.port, resp3));
  });

  it('LOLWUT VERSION 5 with randomised rows has the canvas size and trailing line of redis-server', async () => {
    const shape = async (port: number) => {
      const c = await ByteClient.connect(port);
      try {
        const raw = await c.call('LOLWUT', 'VERSION', '5', '30', '5', '6');
        const lines = Buffer.from(raw.slice(raw.indexOf('\r\n') + 2, -2), 'latin1').toString('utf8').split('\n');
        return { lines: lines.length, widths: lines.slice(0, -2).map((l) => [...l].length), last: lines[lines.length - 2] };
      } finally {
        c.close();
      }
    };
    const theirs = await shape(servers.redis.port);
    expect(theirs.last).toContain('Georg Nees - schotter');
    expect(await shape(servers.rk.port)).toEqual(theirs);
  });

  it('LOLWUT VERSION 6 draws a skyline of the same shape and trailing lines as redis-server', async () => {
    const shape = async (port: number, ...args: string[]) => {
      const c = await ByteClient.connect(port);
      try {
        const raw = await c.call('LOLWUT', 'VERSION', '6', ...args);
        const lines = raw.slice(raw.indexOf('\r\n') + 2, -2).split('\n');
        // every cell is one space between a gray's escape and the reset
        const cells = lines.slice(0, -3).map((l) => (/^(\x1b\[0;(30;40|90;100|37;47|97;107)m \x1b\[0m)*$/.test(l) ? l.split(' ').length - 1 : -1));
        return { cells, tail: lines.slice(-3) };
      } finally {
        c.close();
      }
    };
    for (const args of [[], ['30', '7'], ['1', '1'], ['0', '-5'], ['x'], ['3', 'y']]) {
      const theirs = await shape(servers.redis.port, ...args);
      expect([args, await shape(servers.rk.port, ...args)]).toEqual([args, theirs]);
    }
    expect((await shape(servers.redis.port)).cells).toEqual(new Array(20).fill(80));
  });

  it('PFDEBUG GETREG / DECODE / ENCODING / TODENSE and PFSELFTEST answer the same bytes', async () => {
    const many = Array.from({ length: 3000 }, (_, i) => `e${i}`);
    const argvs: string[][] = [
      ['FLUSHALL'], ['PFADD', 'small', 'a', 'b', 'c', 'hello', 'world'], ['PFADD', 'big', ...many], ['PFADD', 'empty'], ['SET', 'str', 'x'], ['LPUSH', 'list', 'x'],
      ['PFDEBUG', 'ENCODING', 'small'], ['PFDEBUG', 'ENCODING', 'big'], ['PFDEBUG', 'DECODE', 'small'], ['PFDEBUG', 'DECODE', 'empty'], ['PFDEBUG', 'DECODE', 'big'],
      ['PFDEBUG', 'GETREG', 'small'], ['PFDEBUG', 'ENCODING', 'small'], ['PFDEBUG', 'DECODE', 'small'], ['PFDEBUG', 'TODENSE', 'empty'], ['PFDEBUG', 'TODENSE', 'empty'],
      ['PFDEBUG', 'GETREG', 'big'], ['PFDEBUG', 'nosuch', 'big'], ['PFDEBUG', 'nosuch', 'missing'], ['PFDEBUG', 'GETREG', 'missing'], ['PFDEBUG', 'GETREG', 'str'],
      ['PFDEBUG', 'ENCODING', 'list'], ['PFDEBUG', 'GETREG'], ['PFDEBUG', 'GETREG', 'a', 'b'], ['OBJECT', 'ENCODING', 'small'], ['PFCOUNT', 'small'], ['GET', 'empty'],
      ['PFSELFTEST'], ['PFSELFTEST', 'x'],
    ];
    const run = async (port: number) => {
      const c = await ByteClient.connect(port);
      try {
        const out: string[] = [];
        for (const argv of argvs) out.push(`${argv.slice(0, 3).join(' ')} => ${await c.call(...argv)}`);
        return out;
      } finally {
        c.close();
      }
    };
    const theirs = await run(servers.redis.port);
    expect(theirs).toContain('PFDEBUG ENCODING small => +sparse\r\n');
    expect(await run(servers.rk.port)).toEqual(theirs);
  });
});
