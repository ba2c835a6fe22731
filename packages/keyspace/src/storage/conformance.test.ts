import { createKeyspace } from '../keyspace';
import { runStorageAdapterConformance } from './conformance';
import { MemoryStorageAdapter } from './memory-adapter';
import { RecordingStorageAdapter } from './recording-adapter';

runStorageAdapterConformance('in-memory', (n) => new MemoryStorageAdapter(n), { describe, it, expect });
runStorageAdapterConformance('recording wrapper', (n) => new RecordingStorageAdapter(new MemoryStorageAdapter(n)), { describe, it, expect });

describe('RecordingStorageAdapter as a change-data-capture sink', () => {
  it('sees every write, including in-place collection changes, without keyspace changes', () => {
    const adapter = new RecordingStorageAdapter(undefined, 16);
    const ks = createKeyspace({ storage: adapter });
    const s = { db: 0 };
    ks.execute(['SET', 'a', '1'], s);
    ks.execute(['EXPIRE', 'a', '100'], s);
    ks.execute(['PERSIST', 'a'], s);
    ks.execute(['DEL', 'a'], s);
    ks.execute(['SWAPDB', '0', '1'], s);
    ks.execute(['FLUSHDB'], s);
    expect(adapter.log.map((c) => c.op)).toEqual(['set', 'expire', 'persist', 'delete', 'swap', 'clear']);
    adapter.log = [];
    if (ks.commandTable.has('rpush')) {
      ks.execute(['RPUSH', 'l', 'x'], s);
      adapter.log = [];
      ks.execute(['RPUSH', 'l', 'y'], s);
      expect(adapter.log).toEqual([expect.objectContaining({ op: 'changed', db: 0, key: 'l' })]);
    }
    ks.close();
  });
});
