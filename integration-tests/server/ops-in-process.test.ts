/**
 * createServerFromConfig in-process (the embedding path): RESTORE's propagation (absolute TTL +
 * ABSTTL, like Redis), rdb_changes_since_last_save counting changes, RESP3 replies of CONFIG
 * GET (map) and INFO (verbatim string), and a clean close().
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { getFreePort } from '@replikit/test-utils';
import Redis from 'ioredis';
import { loadConfigFromArgs } from '../../packages/server/src/config/load-config';
import { type ConfiguredServer, createServerFromConfig } from '../../packages/server/src/config-binding-server';
import type { PropagatedCommand } from '@replikit/keyspace';
import { Logger } from '../../packages/server/src/logger';

describe('createServerFromConfig in-process', () => {
  let dir: string;
  let s: ConfiguredServer;
  let port: number;
  const propagated: PropagatedCommand[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'replikit-ops-inproc-'));
    port = await getFreePort();
    const { config } = loadConfigFromArgs(['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '']);
    s = createServerFromConfig(config, { logger: new Logger({ sink: () => {} }) });
    s.server.on('command:propagate', (w) => propagated.push(...w));
    await s.start();
  });

  afterAll(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('RESTORE propagates an absolute TTL with ABSTTL; changes are counted', async () => {
    const c = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
    try {
      await c.set('src', 'value');
      await c.mset('a', '1', 'b', '2');
      const payload = (await c.dumpBuffer('src')) as Buffer;
      propagated.length = 0;
      const before = Date.now();
      expect(await c.restore('dst', 60000, payload)).toBe('OK');
      expect(propagated).toHaveLength(1);
      const argv = propagated[0].argv;
      expect(argv[0]).toBe('RESTORE');
      expect(argv[1]).toBe('dst');
      expect(Number(argv[2])).toBeGreaterThanOrEqual(before + 60000);
      expect(Buffer.from(argv[3], 'latin1').equals(payload)).toBe(true);
      expect(argv.slice(4)).toEqual(['ABSTTL']);
      // SET 1 + MSET 2 + RESTORE 1: changes, like redis-server's rdb_changes_since_last_save
      expect(s.persistence.dirty).toBe(4);
      expect(await c.get('dst')).toBe('value');
    } finally {
      c.disconnect();
    }
  });

  it('RESTORE notifies at once (no dummy command): WATCH aborts, a blocked BLPOP is served', async () => {
    const a = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
    const b = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
    try {
      await a.rpush('srclist', 'x');
      const payload = (await a.dumpBuffer('srclist')) as Buffer;
      // WATCH + RESTORE from another client: EXEC aborts
      await a.watch('w1');
      expect(await b.restore('w1', 0, payload)).toBe('OK');
      expect(await a.multi().set('other', '1').exec()).toBeNull();
      // a BLPOP waiting on a key that RESTORE creates is served at once
      const popped = a.blpop('blk', 5);
      await new Promise((r) => setTimeout(r, 50));
      expect(await b.restore('blk', 0, payload)).toBe('OK');
      expect(await popped).toEqual(['blk', 'x']);
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });

  it('RESP3: CONFIG GET is a map, INFO a verbatim string', async () => {
    // "txt:" + "# Cluster\r\n" + "cluster_enabled:0\r\n" is 34 bytes
    const sock = connect(port, '127.0.0.1');
    let got = '';
    const expected = ['%1\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n', '=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n'];
    try {
      await new Promise<void>((resolve, reject) => {
        sock.on('error', reject);
        sock.on('data', (d) => {
          got += d.toString('latin1');
          if (got.endsWith('cluster_enabled:0\r\n\r\n')) resolve();
        });
        sock.write('HELLO 3\r\nCONFIG GET maxclients\r\nINFO cluster\r\n');
      });
      expect(got.endsWith(expected.join(''))).toBe(true);
    } finally {
      sock.destroy();
    }
  });
});
