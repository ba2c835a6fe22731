import { kit } from '../test-kit';
import { hllSelfTest } from './hll-debug';

describe('PFSELFTEST', () => {
  it('passes for several seeds of its generator', () => {
    for (const seed of [1, 0xdeadbeef]) expect(hllSelfTest(seed)).toBeUndefined();
  });
});

describe('PFDEBUG', () => {
  it('decodes the sparse opcodes PFADD wrote and turns the HLL dense once', () => {
    const k = kit();
    try {
      const run = k.r;
      run('PFADD', 'h', 'a');
      const decoded = String(run('PFDEBUG', 'DECODE', 'h'));
      // one register set, the zero runs around it cover the other 16383
      const runs = decoded.split(' ');
      expect(runs.filter((r) => r.startsWith('v:'))).toHaveLength(1);
      const covered = runs.map((r) => Number(r.slice(r.lastIndexOf(r.includes(',') ? ',' : ':') + 1))).reduce((a, b) => a + b, 0);
      expect(covered).toBe(16384);
      expect(run('PFDEBUG', 'ENCODING', 'h')).toBe('+sparse');
      // the conversion is a change: PFDEBUG itself is propagated, like Redis's server.dirty++
      expect(k.p('PFDEBUG', 'TODENSE', 'h')).toEqual([['PFDEBUG', 'TODENSE', 'h']]);
      expect(run('PFDEBUG', 'TODENSE', 'h')).toBe(0);
      expect(run('PFDEBUG', 'DECODE', 'h')).toBe('-ERR HLL encoding is not sparse');
      const regs = run('PFDEBUG', 'GETREG', 'h') as number[];
      expect(regs.filter((r) => r !== 0)).toHaveLength(1);
    } finally {
      k.close();
    }
  });
});
