/**
 * CONFIG GET/SET/RESETSTAT/REWRITE and INFO through the real redis-cli, with the replies of the
 * same commands on a real redis-server 7.0 as the reference for error texts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RedisServerHandle, hasRedis, hasRedisCli, startRedisServer } from '@replikit/test-utils';
import { type CliRun, parseInfo, redisCli, startCli } from './ops-helpers';

// both sides are read through redis-cli: without it every output is empty, so it is required too
const describeRedis = hasRedis() && hasRedisCli() ? describe : describe.skip;

describeRedis('CONFIG and INFO through redis-cli', () => {
  let dir: string;
  let conf: string;
  let ours: CliRun;
  let redis: RedisServerHandle;
  const r = (...a: string[]) => redisCli(redis.port, ...a);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'replikit-ops-config-'));
    conf = join(dir, 'replikit.conf');
    writeFileSync(conf, `# replikit test config\nport 0\nmaxclients 1000\ntimeout 0\ndir ${dir}\nsave ""\nenable-debug-command local\n`);
    [ours, redis] = await Promise.all([startCli([conf]), startRedisServer()]);
  }, 60000);

  afterAll(async () => {
    await Promise.all([ours?.stop(), redis?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('CONFIG SET / GET errors have Redis 7.0 text', () => {
    const cases: string[][] = [
      ['config', 'set', 'foo', 'bar'],
      ['config', 'set', 'maxclients', 'abc'],
      ['config', 'set', 'maxclients', '10', 'timeout', 'abc'],
      ['config', 'set', 'timeout', '1', 'TIMEOUT', '2'],
      ['config', 'set', 'daemonize', 'no'],
      ['config', 'set', 'unknown1', '1', 'daemonize', 'no'],
      ['config', 'set', 'daemonize', 'no', 'unknown1', '1'],
      ['config', 'set', 'save', '1 a'],
      ['config', 'set', 'timeout', '-1'],
      ['config', 'set', 'loglevel', 'bad'],
      ['config', 'set', 'maxmemory', '1x'],
      ['config', 'set', 'SLAVE-read-only', 'maybe'],
      ['config', 'set', 'dir', '/tmp'],
      ['config', 'set', 'dbfilename', 'x.rdb'],
      ['config', 'set', 'timeout', '1', 'extra'],
      ['config', 'set', 'timeout'],
      ['config', 'get'],
      ['config', 'nope'],
      ['config', 'set', 'client-output-buffer-limit', 'normal 1 2'],
    ];
    for (const c of cases) {
      // two empty outputs (redis-cli missing or not connecting) would be equal: Redis must answer
      const theirs = r(...c);
      expect([c.join(' '), theirs]).not.toEqual([c.join(' '), '']);
      expect([c.join(' '), ours.cli(...c)]).toEqual([c.join(' '), theirs]);
    }
  });

  it('CONFIG GET: names as asked, aliases, patterns, several at once', () => {
    expect(ours.cli('config', 'get', 'Timeout', 'MAXCLIENTS')).toBe('Timeout\n0\nMAXCLIENTS\n1000');
    expect(ours.cli('config', 'get', 'port', 'port')).toBe(`port\n${ours.port}`);
    const pairs = (text: string) => {
      const l = text.split('\n');
      const m = new Map<string, string>();
      for (let i = 0; i + 1 < l.length; i += 2) m.set(l[i], l[i + 1]);
      return m;
    };
    const ro = pairs(ours.cli('config', 'get', '*read-only*'));
    expect(ro).toEqual(pairs(r('config', 'get', '*read-only*')));
    expect(ro.get('slave-read-only')).toBe('yes');
    const maxStar = pairs(ours.cli('config', 'get', 'max*'));
    expect(maxStar.get('maxclients')).toBe('1000');
    expect(maxStar.get('maxmemory-policy')).toBe('noeviction');
    expect(pairs(ours.cli('config', 'get', 'dir')).get('dir')).toBe(dir);
    // RESP3: a map
    const resp3Map = r('-3', 'config', 'get', 'timeout');
    expect(resp3Map).toMatch(/^timeout \d+$/);
    expect(ours.cli('-3', 'config', 'get', 'timeout')).toBe(resp3Map);
  });

  it('CONFIG SET applies live, several pairs at once, all or nothing', () => {
    expect(ours.cli('config', 'set', 'timeout', '100', 'maxclients', '500', 'save', '900 1 300 10')).toBe('OK');
    expect(ours.cli('config', 'get', 'save')).toBe('save\n900 1 300 10');
    expect(ours.cli('config', 'get', 'maxclients')).toBe('maxclients\n500');
    expect(ours.cli('config', 'set', 'timeout', '7', 'maxclients', 'x')).toMatch(/^ERR CONFIG SET failed \(possibly related to argument 'maxclients'\)/);
    expect(ours.cli('config', 'get', 'timeout')).toBe('timeout\n100');
    // requirepass takes effect for new connections
    expect(ours.cli('config', 'set', 'requirepass', 's3cret')).toBe('OK');
    expect(ours.cli('get', 'x')).toBe('NOAUTH Authentication required.');
    expect(ours.cli('--no-auth-warning', '-a', 's3cret', 'config', 'set', 'requirepass', '')).toBe('OK');
    expect(ours.cli('ping')).toBe('PONG');
    // loglevel: debug lines appear at once
    expect(ours.cli('config', 'set', 'loglevel', 'warning')).toBe('OK');
    expect(ours.cli('config', 'set', 'loglevel', 'notice', 'timeout', '0', 'save', '')).toBe('OK');
  });

  it('CONFIG REWRITE rewrites the file; without one it is an error', async () => {
    expect(ours.cli('config', 'set', 'maxclients', '1234', 'appendonly', 'no')).toBe('OK');
    expect(ours.cli('config', 'rewrite')).toBe('OK');
    const text = readFileSync(conf, 'utf8');
    expect(text).toContain('# replikit test config');
    expect(text).toContain('maxclients 1234');
    await ours.waitForOutput(/# CONFIG REWRITE executed with success\./);
    expect(r('config', 'rewrite')).toBe('ERR The server is running without a config file');
  });

  it('INFO: sections, headers, Redis field names, keyspace lines', () => {
    for (let i = 0; i < 5; i++) ours.cli('set', `k${i}`, 'v');
    ours.cli('set', 'e', 'v', 'EX', '100');
    ours.cli('-n', '3', 'set', 'x', 'y');
    const all = ours.cli('info');
    const headers = all.split('\n').filter((l) => l.startsWith('# ')).map((l) => l.trim());
    expect(headers).toEqual(['# Server', '# Clients', '# Memory', '# Persistence', '# Stats', '# Replication', '# CPU', '# Modules', '# Errorstats', '# Cluster', '# Keyspace']);
    const theirs = r('info').split('\n').filter((l) => l.startsWith('# ')).map((l) => l.trim());
    expect(headers).toEqual(theirs);
    const f = parseInfo(all);
    expect(f.get('redis_version')).toBe('7.0.15');
    expect(f.get('replikit_version')).toMatch(/^\d+\.\d+\.\d+/);
    expect(f.get('tcp_port')).toBe(String(ours.port));
    expect(f.get('config_file')).toBe(conf);
    expect(f.get('role')).toBe('master');
    expect(f.get('connected_slaves')).toBe('0');
    expect(f.get('master_replid')).toMatch(/^[0-9a-f]{40}$/);
    expect(f.get('master_replid2')).toBe('0'.repeat(40));
    expect(f.get('second_repl_offset')).toBe('-1');
    expect(f.get('loading')).toBe('0');
    expect(f.get('rdb_bgsave_in_progress')).toBe('0');
    expect(f.get('rdb_last_bgsave_status')).toBe('ok');
    expect(Number(f.get('rdb_changes_since_last_save'))).toBeGreaterThanOrEqual(7);
    expect(f.get('db0')).toMatch(/^keys=6,expires=1,avg_ttl=\d+$/);
    expect(f.get('db3')).toBe('keys=1,expires=0,avg_ttl=0');
    expect(Number(f.get('total_connections_received'))).toBeGreaterThan(5);
    expect(Number(f.get('total_commands_processed'))).toBeGreaterThan(5);
    expect(f.has('instantaneous_ops_per_sec')).toBe(true);
    expect(f.has('used_memory_human')).toBe(true);
    expect(f.has('used_cpu_user')).toBe(true);
    // every field Redis prints in these sections is present (ours may print a few more)
    const redisFields = parseInfo(r('info', 'server', 'clients', 'persistence', 'stats', 'replication', 'cpu'));
    const missing = [...redisFields.keys()].filter((k) => !f.has(k));
    expect(missing).toEqual([]);
    expect(ours.cli('info', 'keyspace', 'SERVER').split(/\r?\n/).filter((l) => l.startsWith('#'))).toEqual(['# Server', '# Keyspace']);
    const everything = ours.cli('info', 'everything');
    expect(everything).toContain('# Commandstats');
    expect(everything).toMatch(/cmdstat_set:calls=\d+,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=0/);
    expect(ours.cli('info', 'nosuchsection')).toBe('');
    // RESP3: verbatim string
    const verbatim = r('-3', 'info', 'cluster');
    expect(verbatim).toMatch(/^# Cluster\r?\ncluster_enabled:0/);
    expect(ours.cli('-3', 'info', 'cluster')).toBe(verbatim);
    ours.cli('-n', '3', 'flushdb');
  });

  it('CONFIG RESETSTAT resets the counters; errors are counted in errorstats', () => {
    ours.cli('nosuchcommand');
    expect(ours.cli('info', 'errorstats')).toMatch(/errorstat_ERR:count=\d+/);
    expect(ours.cli('config', 'resetstat')).toBe('OK');
    const f = parseInfo(ours.cli('info', 'stats'));
    expect(Number(f.get('total_commands_processed'))).toBeLessThanOrEqual(1);
    expect(f.get('total_error_replies')).toBe('0');
  });

  it('DEBUG is refused without enable-debug-command, like Redis', () => {
    expect(r('debug', 'sleep', '0')).toBe(
      'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
    );
    expect(ours.cli('debug', 'sleep', '0')).toBe('OK');
    expect(ours.cli('debug', 'nope')).toBe("ERR unknown subcommand or wrong number of arguments for 'nope'. Try DEBUG HELP.");
  });
});
