import { createKeyspace, type Keyspace } from '@replikit/keyspace';
import { readRdbBuffer } from '@replikit/rdb';
import { attachRdbFunctions, type RdbFunctionHost } from './functions';
import { RdbKeyspaceLoader } from './loader';
import { snapshotToRdbChunks, snapshotToRdbChunksSync } from './snapshot-rdb';

/** A host keeping library sources by their `name=`; a source containing `bad` is refused. */
class MemoryHost implements RdbFunctionHost {
  libs = new Map<string, string>();
  discarded = 0;
  librarySources(): Buffer[] {
    return [...this.libs.values()].map((s) => Buffer.from(s, 'latin1'));
  }
  beginLoad() {
    const staged = new Map<string, string>();
    return {
      add: (source: Buffer) => {
        const text = source.toString('latin1');
        const name = /name=(\w+)/.exec(text)?.[1] ?? '';
        if (text.includes('bad')) throw new Error('Error registering functions: bad');
        if (staged.has(name)) throw new Error(`Library '${name}' already exists`);
        staged.set(name, text);
      },
      commit: () => {
        this.libs = staged;
      },
      discard: () => {
        this.discarded++;
      },
    };
  }
}

const A = "#!lua name=alib\nredis.register_function('fa', function() return 1 end)";
const B = "#!lua name=blib\nredis.register_function('fb', function() return 'a fairly long string to compress, compress, compress' end)";

function rdbOf(ks: Keyspace): Buffer {
  return Buffer.concat([...snapshotToRdbChunksSync(ks, ks.snapshot())]);
}

describe('FUNCTION libraries through keyspace RDB streams', () => {
  it('a snapshot writes the attached host libraries as FUNCTION2 records; a load hands them to the target host', async () => {
    const src = createKeyspace();
    const host = new MemoryHost();
    host.libs.set('alib', A).set('blib', B);
    attachRdbFunctions(src, host);
    src.execute(['SET', 'k', 'v'], { db: 0 });
    const rdb = rdbOf(src);
    expect(readRdbBuffer(rdb).functions.map((f) => f.toString('latin1'))).toEqual([A, B]);
    // the async variant takes the same sources
    const chunks: Buffer[] = [];
    for await (const c of snapshotToRdbChunks(src, src.snapshot())) chunks.push(c);
    expect(readRdbBuffer(Buffer.concat(chunks)).functions.map(String)).toEqual([A, B]);

    const dst = createKeyspace();
    const target = new MemoryHost();
    target.libs.set('old', '#!lua name=old\n');
    attachRdbFunctions(dst, target);
    const loader = new RdbKeyspaceLoader(dst);
    loader.write(rdb);
    // nothing is installed before the RDB is complete
    expect([...target.libs.keys()]).toEqual(['old']);
    const r = loader.end();
    expect(r.functionsLoaded).toBe(2);
    expect([...target.libs.values()]).toEqual([A, B]);
    expect(dst.execute(['GET', 'k'], { db: 0 }).reply).toBe('v');
    src.close();
    dst.close();
  });

  it('an RDB without libraries empties the target host; no host, no records', () => {
    const plain = createKeyspace();
    const rdb = rdbOf(plain);
    expect(readRdbBuffer(rdb).functions).toEqual([]);
    const dst = createKeyspace();
    const host = new MemoryHost();
    host.libs.set('alib', A);
    attachRdbFunctions(dst, host);
    const loader = new RdbKeyspaceLoader(dst);
    loader.write(rdb);
    expect(loader.end().functionsLoaded).toBe(0);
    expect(host.libs.size).toBe(0);
    plain.close();
    dst.close();
  });

  it('a refused library fails the load with Redis\'s reason and keeps the current libraries', () => {
    const src = createKeyspace();
    const srcHost = new MemoryHost();
    srcHost.libs.set('alib', A).set('bad', '#!lua name=bad\n');
    attachRdbFunctions(src, srcHost);
    const rdb = rdbOf(src);
    const dst = createKeyspace();
    const host = new MemoryHost();
    host.libs.set('keep', '#!lua name=keep\n');
    attachRdbFunctions(dst, host);
    const loader = new RdbKeyspaceLoader(dst);
    expect(() => loader.write(rdb)).toThrow(expect.objectContaining({ code: 'ERR_KEYSPACE_RDB_FUNCTION', message: 'Failed loading library, Error registering functions: bad' }));
    expect([...host.libs.keys()]).toEqual(['keep']);
    expect(host.discarded).toBe(1);
    src.close();
    dst.close();
  });

  it('the functions option overrides the attached host: another host (swapdb staging), or null to ignore them', () => {
    const src = createKeyspace();
    const srcHost = new MemoryHost();
    srcHost.libs.set('alib', A);
    attachRdbFunctions(src, srcHost);
    const rdb = rdbOf(src);
    const staging = createKeyspace();
    const live = new MemoryHost();
    const loader = new RdbKeyspaceLoader(staging, { functions: live });
    loader.write(rdb);
    loader.end();
    expect([...live.libs.values()]).toEqual([A]);
    const ignored = new MemoryHost();
    ignored.libs.set('x', '#!lua name=x\n');
    attachRdbFunctions(staging, ignored);
    const again = new RdbKeyspaceLoader(staging, { functions: null });
    again.write(rdb);
    expect(again.end().functionsLoaded).toBe(0);
    expect([...ignored.libs.keys()]).toEqual(['x']);
    // an explicit list replaces the host's in a snapshot (a functions-only sync)
    expect(readRdbBuffer(Buffer.concat([...snapshotToRdbChunksSync(src, src.snapshot(), { functions: [] })])).functions).toEqual([]);
    src.close();
    staging.close();
  });
});
