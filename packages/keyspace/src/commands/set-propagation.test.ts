/**
 * Propagation of the set and sorted set commands against what a real redis-server 7.0 streams
 * to a replica (SYNC, then the raw replication stream). Random members (SPOP) are compared by
 * shape: `SREM key <member>` with the member masked.
 */
import { type RedisServerHandle, RawClient, hasRedis, startRedisServer, waitFor } from '@replikit/test-utils';
import { Kit } from './zset-test-kit';

const describeRedis = hasRedis() ? describe : describe.skip;

/** Parses the RESP arrays of a replication stream (inline PINGs and non-arrays are skipped). */
function parseStream(buf: Buffer): string[][] {
  const s = buf.toString('latin1');
  const out: string[][] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] !== '*') {
      const nl = s.indexOf('\n', i);
      if (nl < 0) break;
      i = nl + 1;
      continue;
    }
    const eol = s.indexOf('\r\n', i);
    const n = Number(s.slice(i + 1, eol));
    i = eol + 2;
    const argv: string[] = [];
    for (let j = 0; j < n; j++) {
      const e = s.indexOf('\r\n', i);
      const len = Number(s.slice(i + 1, e));
      argv.push(s.slice(e + 2, e + 2 + len));
      i = e + 2 + len + 2;
    }
    out.push(argv);
  }
  return out;
}

/**
 * Reads the raw stream until `marker` has arrived (each wait is for bytes beyond those already
 * held, so a stream that has started but not yet reached the marker keeps being waited on).
 */
async function readUntil(replica: RawClient, marker: string, ms = 30000): Promise<Buffer> {
  const deadline = Date.now() + ms;
  let raw: Buffer = await replica.readRaw(1, ms);
  while (!raw.toString('latin1').includes(marker)) {
    if (Date.now() > deadline) throw new Error(`the replication stream did not reach ${marker} in ${ms} ms`);
    raw = await replica.readRaw(raw.length + 1, Math.max(1, deadline - Date.now()));
  }
  return raw;
}

const mask = (cmds: string[][]) => cmds.map((a) => (a[0].toUpperCase() === 'SREM' && a.length === 3 ? [a[0], a[1], '<member>'] : a));

describeRedis('set/zset propagation matches redis-server 7.0', () => {
  let srv: RedisServerHandle;
  let client: RawClient;
  let replica: RawClient;

  beforeAll(async () => {
    srv = await startRedisServer({ config: { 'repl-diskless-sync': 'yes', 'repl-diskless-sync-delay': 0 } });
    client = await RawClient.connect(srv.port);
    replica = await RawClient.connect(srv.port);
    replica.switchToRaw();
    replica.writeRaw('SYNC\r\n');
    // the marker is written once the snapshot is over, so it arrives in the command stream
    await waitFor('the SYNC replica online', async () => /slave0:.*state=online/.test(String(await client.call('INFO', 'replication'))), 30000);
    await client.call('SET', 'sync-marker', '1');
    await readUntil(replica, 'sync-marker');
    replica.clearRaw();
  });

  afterAll(async () => {
    await replica?.close();
    await client?.close();
    await srv?.stop();
  });

  it('SPOP, SMOVE, stores and pops propagate like Redis', async () => {
    const script: string[][] = [
      ['SADD', 'sp', 'a', 'b', 'c', 'd', 'e', 'f'],
      ['SPOP', 'sp', '3'],
      ['spop', 'sp'],
      ['SPOP', 'sp', '1'],
      ['SPOP', 'sp', '10'],
      ['SPOP', 'sp', '10'],
      ['SADD', 'one', 'z'],
      ['SPOP', 'one', '0'],
      ['SPOP', 'one', '1'],
      ['SPOP', 'nokey'],
      ['SADD', 'a', '1', '2'],
      ['SMOVE', 'a', 'a', '1'],
      ['SMOVE', 'a', 'b', '1'],
      ['SMOVE', 'a', 'b', 'nope'],
      ['SINTERSTORE', 'd', 'a', 'nokey'],
      ['SINTERSTORE', 'd', 'a', 'b'],
      ['SUNIONSTORE', 'd', 'a', 'b'],
      ['SREM', 'b', 'x'],
      ['ZADD', 'z', '1', 'a', '2', 'b'],
      ['ZADD', 'z', 'NX', '5', 'a'],
      ['ZINCRBY', 'z', '1.5', 'a'],
      ['zpopmin', 'z', '5'],
      ['ZPOPMAX', 'z'],
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
      ['ZREMRANGEBYSCORE', 'z', '5', '6'],
      ['ZREMRANGEBYRANK', 'z', '0', '0'],
      ['ZRANGESTORE', 'dz', 'z', '0', '-1'],
      ['ZRANGESTORE', 'dz', 'z', '5', '6'],
      ['ZUNIONSTORE', 'dz', '1', 'z'],
      ['ZINTERSTORE', 'dz', '2', 'z', 'nokey'],
      ['ZINTERSTORE', 'dz', '2', 'z', 'nokey'],
      ['ZADD', 'mp', '1', 'a', '2', 'b', '3', 'c'],
      ['ZMPOP', '2', 'nokey', 'mp', 'MIN'],
      ['zmpop', '1', 'mp', 'max', 'COUNT', '5'],
      ['ZMPOP', '1', 'mp', 'MIN'],
      ['ZADD', 'd1', '1', 'a', '2', 'b'],
      ['ZDIFFSTORE', 'dd', '2', 'd1', 'nokey'],
      ['ZDIFFSTORE', 'dd', '2', 'd1', 'd1'],
      ['ZUNION', '1', 'd1'],
      ['SET', 'end-marker', '1'],
    ];
    const k = new Kit();
    const ours: string[][] = [];
    try {
      for (const argv of script) {
        await client.call(...argv);
        ours.push(...k.run(...argv).prop);
      }
    } finally {
      k.close();
    }
    const raw = await readUntil(replica, 'end-marker');
    const theirs = parseStream(raw).filter((a) => a[0] !== 'SELECT' && a[0] !== 'PING' && a[0] !== 'REPLCONF');
    expect(theirs.length).toBeGreaterThan(20);
    expect(mask(ours)).toEqual(mask(theirs));
  });
});
