// The default keyspace applier: commands from the master, SELECT, MULTI/EXEC/DISCARD.
import { createKeyspace } from '@replikit/keyspace';
import { createKeyspaceApplier } from './stream-applier';

describe('createKeyspaceApplier', () => {
  it('applies with SELECT tracking, queues MULTI until EXEC, drops it on DISCARD or discardTransaction, counts error replies', () => {
    const ks = createKeyspace({ role: 'replica' });
    const errors: string[] = [];
    const a = createKeyspaceApplier(ks, { onErrorReply: (argv, r) => errors.push(`${argv[0]}: ${r.message}`) });
    expect(a.apply(['SELECT', '3'])).toBe('applied');
    expect(a.db).toBe(3);
    expect(a.apply(['set', 'k', 'v'])).toBe('applied');
    expect(ks.dump(3, 'k')?.value).toEqual({ type: 'string', value: 'v' });
    expect(a.apply(['MULTI'])).toBe('queued');
    expect(a.apply(['INCR', 'n'])).toBe('queued');
    expect(a.apply(['SELECT', '4'])).toBe('queued');
    expect(a.apply(['INCR', 'n'])).toBe('queued');
    expect(ks.dump(3, 'n')).toBeUndefined();
    expect(a.apply(['EXEC'])).toBe('applied');
    expect(ks.dump(3, 'n')?.value).toEqual({ type: 'string', value: '1' });
    expect(ks.dump(4, 'n')?.value).toEqual({ type: 'string', value: '1' });
    expect(a.db).toBe(4);
    a.apply(['MULTI']);
    a.apply(['SET', 'x', '1']);
    expect(a.apply(['DISCARD'])).toBe('applied');
    a.apply(['MULTI']);
    a.apply(['SET', 'x', '1']);
    a.discardTransaction();
    expect(a.apply(['SET', 'y', '1'])).toBe('applied');
    expect(ks.dump(4, 'x')).toBeUndefined();
    expect(a.apply(['LPUSH', 'y', 'z'])).toBe('applied');
    expect(a.stats.errors).toBe(1);
    expect(errors[0]).toMatch(/^LPUSH: WRONGTYPE/);
    a.reset(7);
    expect(a.db).toBe(7);
    ks.close();
  });
});
