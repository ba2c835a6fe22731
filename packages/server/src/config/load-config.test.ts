import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRedisServer, hasRedis } from '@replikit/test-utils';
import { ConfigFileError } from '../errors';
import { argsToConfigLines, loadConfigFromArgs } from './load-config';
import { splitConfigArgs } from './split-args';

describe('splitConfigArgs (sdssplitargs rules)', () => {
  it.each([
    ['port 6379', ['port', '6379']],
    ['  save ""  ', ['save', '']],
    ['requirepass "a b\\"c\\x41\\n"', ['requirepass', 'a b"cA\n']],
    ["masterauth 'it\\'s'", ['masterauth', "it's"]],
    ['bind 127.0.0.1 -::1', ['bind', '127.0.0.1', '-::1']],
    ['', []],
  ])('%j', (line, expected) => {
    expect(splitConfigArgs(line)).toEqual(expected);
  });
  it('binary: \\xHH bytes, latin1 lines kept, wide characters taken as UTF-8 bytes (like argv)', () => {
    expect(splitConfigArgs('requirepass "\\xff\\x00z"')).toEqual(['requirepass', '\xff\x00z']);
    expect(splitConfigArgs('requirepass p\xe4ss')).toEqual(['requirepass', 'p\xe4ss']);
    expect(splitConfigArgs('requirepass \u20ac')).toEqual(['requirepass', '\xe2\x82\xac']);
    // an unquoted argument ends at space, \n, \r, \t only (sdssplitargs), not at \v
    expect(splitConfigArgs('a\vb c')).toEqual(['a\vb', 'c']);
  });
  it.each(['a "b', "a 'b", 'a "b"c'])('rejects %j', (line) => {
    expect(splitConfigArgs(line)).toBeNull();
  });
});

describe('argsToConfigLines', () => {
  it('groups values under their directive like redis-server', () => {
    expect(argsToConfigLines(['--port', '7001', '--replicaof', '127.0.0.1', '7000', '--save', '--dir', '/tmp'])).toEqual([
      ['port', '7001'],
      ['replicaof', '127.0.0.1', '7000'],
      ['save', ''],
      ['dir', '/tmp'],
    ]);
    expect(argsToConfigLines(['--save'])).toEqual([['save', '']]);
    expect(argsToConfigLines(['--requirepass', '--odd'])).toEqual([['requirepass', '--odd']]);
  });
});

describe('loadConfigFromArgs', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'replikit-conf-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file, includes, then args override', () => {
    writeFileSync(join(dir, 'inc.conf'), 'maxclients 77\n');
    writeFileSync(join(dir, 'a.conf'), '# comment\nport 7001\ninclude inc.conf\nslaveof 10.0.0.1 6000\nsave 900 1 300 10\nrepl-backlog-size 1k\n');
    const { config, configFile } = loadConfigFromArgs([join(dir, 'a.conf'), '--port', '7002', '--requirepass', 'secret']);
    expect(configFile).toBe(join(dir, 'a.conf'));
    expect(config.getNumber('port')).toBe(7002);
    expect(config.getNumber('maxclients')).toBe(77);
    expect(config.get('replicaof')).toEqual(['10.0.0.1', '6000']);
    expect(config.getText('save')).toBe('900 1 300 10');
    expect(config.getNumber('repl-backlog-size')).toBe(16384);
    expect(config.getString('requirepass')).toBe('secret');
  });

  it('accepts --replicaof "host port" as one argument', () => {
    expect(loadConfigFromArgs(['--replicaof', '127.0.0.1 7000']).config.get('replicaof')).toEqual(['127.0.0.1', '7000']);
    expect(loadConfigFromArgs(['--slaveof', '127.0.0.1', '7000']).config.get('replicaof')).toEqual(['127.0.0.1', '7000']);
  });

  it('memory units and output buffer limits', () => {
    const { config } = loadConfigFromArgs(['--client-query-buffer-limit', '2mb', '--client-output-buffer-limit', 'pubsub 1mb 512kb 10']);
    expect(config.getNumber('client-query-buffer-limit')).toBe(2 * 1024 * 1024);
    expect(config.getText('client-output-buffer-limit')).toBe('normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 524288 10');
  });

  it('reports errors with line and reason', () => {
    expect(() => loadConfigFromArgs(['--port', 'abc'])).toThrow(ConfigFileError);
    try {
      loadConfigFromArgs(['--port', 'abc']);
    } catch (e) {
      const err = e as ConfigFileError;
      expect(err.line).toBe(2);
      expect(err.lineText).toBe('port "abc"');
      expect(err.reason).toBe("argument couldn't be parsed into an integer");
    }
  });
});

// The same bad configurations given to a real redis-server 7.0 must produce the same report.
const describeRedis = hasRedis() ? describe : describe.skip;
describeRedis('config errors match redis-server 7.0', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'replikit-conf-'));
    writeFileSync(join(dir, 'bad.conf'), 'port 7001\n\nport "abc"\n');
    writeFileSync(join(dir, 'bad2.conf'), 'loglevel loud\n');
    writeFileSync(join(dir, 'bad3.conf'), '  save 10\n');
    writeFileSync(join(dir, 'bad4.conf'), 'foo bar\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: Array<[string, () => string[]]> = [
    ['bad integer in file', () => [join(dir, 'bad.conf')]],
    ['bad enum in file', () => [join(dir, 'bad2.conf')]],
    ['bad save', () => [join(dir, 'bad3.conf')]],
    ['unknown directive', () => [join(dir, 'bad4.conf')]],
    ['unknown option arg', () => ['--port', '0', '--bogus', '1']],
    ['out of range', () => ['--port', '0', '--maxclients', '-5']],
    ['bad bool', () => ['--port', '0', '--replica-read-only', 'maybe']],
    ['bad memory', () => ['--port', '0', '--client-query-buffer-limit', '12x']],
    ['file then bad arg', () => [join(dir, 'bad4.conf').replace('bad4', 'bad2'), '--port', 'x']],
  ];
  it.each(cases)('%s', (_name, mk) => {
    const args = mk();
    const real = spawnSync(findRedisServer()!, args, { encoding: 'utf8', timeout: 5000 });
    expect(real.status).not.toBe(0);
    let ours = '';
    try {
      loadConfigFromArgs(args);
    } catch (e) {
      ours = (e as Error).message;
    }
    expect(ours.trim()).toBe(`${real.stdout}${real.stderr}`.trim());
  });
});
