/**
 * A master whose `storage lmdb` file was written by an earlier build (format 1: keyed tables plus
 * an unmerged journal, with the replication position it had committed) started on the current
 * build: the file is migrated at open (one notice line), the data is served, and the old
 * replication id is accepted as replid2 up to offset + 1, so a replica that followed the old
 * process continues with PSYNC <old id> <offset + 1> (+CONTINUE) instead of a full sync.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { buildV1, V1_DBS, V1_POSITION } from '../../packages/storage-lmdb/src/v1-fixture';
import { infoMap, type StartedReplikit, startReplikit } from '../replication/helpers';

/** Announces the psync2 capability (as a replica does), sends one PSYNC and returns its reply line. */
function psync(port: number, replid: string, offset: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' });
    let got = '';
    let sent = false;
    s.on('error', reject);
    s.on('data', (d) => {
      got += d.toString('latin1');
      const lines = got.split('\r\n');
      if (!sent && lines.length >= 2) {
        if (lines[0] !== '+OK') reject(new Error(`REPLCONF answered ${lines[0]}`));
        // PSYNC only once the REPLCONF reply is read (Redis refuses it with output pending)
        sent = true;
        s.write(`PSYNC ${replid} ${offset}\r\n`);
      }
      if (lines.length >= 3) {
        s.destroy();
        resolve(lines[1]);
      }
    });
    s.write('REPLCONF capa eof capa psync2\r\n');
  });
}

describe('a master started on a format-1 LMDB file', () => {
  let rk: StartedReplikit | undefined;
  let dir = '';
  afterAll(async () => {
    await rk?.stop(true);
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('migrates it, serves its data and accepts its old id as replid2', async () => {
    dir = mkdtempSync(join(tmpdir(), 'replikit-lmdb-v1-server-'));
    await buildV1(dir);
    rk = await startReplikit(['--storage', 'lmdb', '--databases', String(V1_DBS)], { dir });
    expect(rk.logs.filter((l) => l.includes('Migrated LMDB storage from format 1 to format 2: '))).toHaveLength(1);
    const c = new Redis({ port: rk.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await c.connect();
      expect(await c.get('str')).toBe('changed');
      expect(await c.lrange('list', 0, -1)).toEqual(['a', 'b', 'c', 'd']);
      expect(await c.exists('set')).toBe(0);
      await c.select(3);
      expect(await c.keys('*')).toEqual(['after-clear']);
      const repl = infoMap(await c.info('replication'));
      expect(repl.get('master_replid2')).toBe(V1_POSITION.replid);
      expect(repl.get('master_replid')).not.toBe(V1_POSITION.replid);
      expect(Number(repl.get('second_repl_offset'))).toBe(V1_POSITION.offset + 1);
      expect(await psync(rk.port, V1_POSITION.replid, V1_POSITION.offset + 1)).toBe(`+CONTINUE ${repl.get('master_replid')}`);
    } finally {
      c.disconnect();
    }
  });
});
