/**
 * bindFunctionStore on an adapter with aux records and commit points: every change of the
 * libraries writes the `functions` record and (commits 'auto') a commit point follows at once;
 * the record is restored at bind time without being written back and without a Lua state when
 * there is none; a corrupt record throws ERR_SERVER_RDB_LOAD.
 */
import { createFunctionDumpPayload } from '@replikit/rdb';
import { createKeyspace, type Keyspace, MemoryStorageAdapter } from '@replikit/keyspace';
import { createKeyspaceBridge } from '../dispatch/keyspace-adapter';
import type { ServerRuntime } from '../dispatch/server-runtime';
import { createServer, type ReplikitServer } from '../server';
import { existingFunctionRegistry, functionRegistryOf } from './function-library';
import { bindFunctionStore, FUNCTIONS_AUX_RECORD } from './function-persistence';
import { scriptEngineOf } from './script-commands';

/** The memory adapter with aux records and commit points that log what they got. */
class AuxAdapter extends MemoryStorageAdapter {
  readonly aux = new Map<string, Uint8Array>();
  readonly log: string[] = [];
  putAux(name: string, value: Uint8Array | null): void {
    if (value === null) this.aux.delete(name);
    else this.aux.set(name, Buffer.from(value));
    this.log.push(`put ${name} ${value === null ? 'null' : value.length}`);
  }
  getAux(name: string): Uint8Array | undefined {
    return this.aux.get(name);
  }
  commit(): void {
    this.log.push('commit');
  }
}

const lib = (name: string) => `#!lua name=${name}\nredis.register_function('${name}_f', function() return '${name}' end)`;

describe('bindFunctionStore', () => {
  const opened: Array<{ server: ReplikitServer; ks: Keyspace; unbind?: () => void }> = [];
  function setup(adapter: AuxAdapter): { rt: ServerRuntime; ks: Keyspace; server: ReplikitServer } {
    const ks = createKeyspace({ databases: 1, storage: adapter });
    const server = createServer({ keyspace: createKeyspaceBridge(ks) });
    opened.push({ server, ks });
    return { rt: server as unknown as ServerRuntime, ks, server };
  }
  afterEach(async () => {
    for (const o of opened.splice(0)) {
      o.unbind?.();
      await o.server.close();
      o.ks.close();
    }
  });

  it('writes the record after each change and commits it (commits auto); no record when no library is left', () => {
    const adapter = new AuxAdapter(1);
    const { rt, ks } = setup(adapter);
    const bound = bindFunctionStore(rt, ks, adapter);
    opened[0].unbind = bound.unbind;
    expect(bound.libraries).toBe(0);
    expect(scriptEngineOf(rt).hasState).toBe(false);
    expect(adapter.log).toEqual([]);
    const reg = functionRegistryOf(rt);
    expect(reg.load(lib('a'), false)).toBe('a');
    expect(adapter.log).toEqual([`put ${FUNCTIONS_AUX_RECORD} ${adapter.aux.get(FUNCTIONS_AUX_RECORD)?.length}`, 'commit']);
    expect(reg.load(lib('b'), false)).toBe('b');
    // a failed load changes nothing and writes nothing
    expect(reg.load(lib('b'), false)).not.toBe('b');
    expect(adapter.log).toHaveLength(4);
    reg.flush();
    expect(adapter.log.slice(4)).toEqual([`put ${FUNCTIONS_AUX_RECORD} null`, 'commit']);
    expect(adapter.aux.has(FUNCTIONS_AUX_RECORD)).toBe(false);
  });

  it('restores the record at bind time without writing it back; a corrupt one throws ERR_SERVER_RDB_LOAD', () => {
    const adapter = new AuxAdapter(1);
    adapter.aux.set(FUNCTIONS_AUX_RECORD, createFunctionDumpPayload([Buffer.from(lib('x')), Buffer.from(lib('y'))]));
    const { rt, ks } = setup(adapter);
    const bound = bindFunctionStore(rt, ks, adapter);
    opened[0].unbind = bound.unbind;
    expect(bound.libraries).toBe(2);
    expect([...(existingFunctionRegistry(rt)?.libraries.keys() ?? [])].sort()).toEqual(['x', 'y']);
    expect(adapter.log).toEqual([]);
    // a copy that changes the payload's CRC64, and one whose library does not compile
    const broken = Buffer.from(adapter.aux.get(FUNCTIONS_AUX_RECORD) as Uint8Array);
    broken[3] ^= 1;
    for (const record of [broken, createFunctionDumpPayload([Buffer.from('#!lua name=bad\nreturn 1 +')])]) {
      const other = new AuxAdapter(1);
      other.aux.set(FUNCTIONS_AUX_RECORD, record);
      const s = setup(other);
      expect(() => bindFunctionStore(s.rt, s.ks, other)).toThrow(expect.objectContaining({ code: 'ERR_SERVER_RDB_LOAD' }));
    }
  });
});
