import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * What tests need from the machine (redis-server 7.0.x, redis-cli, redis-benchmark, built CLIs) and
 * what happens when it is missing: a loud warning and a skip on a developer's machine, an exception
 * (the suite fails to load, which counts as a failure) when REPLIKIT_REQUIRE_REDIS=1, as in CI.
 */

/** The redis-server minor version every comparison in the suite is written against. */
export const REQUIRED_REDIS_VERSION = /^7\.0\.\d+$/;

/** True when REPLIKIT_REQUIRE_REDIS=1: tests needing a real Redis tool must fail instead of skipping. */
export function redisRequired(): boolean {
  return process.env.REPLIKIT_REQUIRE_REDIS === '1';
}

const warned = new Set<string>();

/**
 * Returns true when `problem` is null. Otherwise throws under REPLIKIT_REQUIRE_REDIS=1, or prints
 * a loud warning (once per problem) and returns false so the caller can skip.
 */
export function requirement(problem: string | null, hint: string): boolean {
  if (problem === null) return true;
  if (redisRequired()) throw new Error(`${problem} but REPLIKIT_REQUIRE_REDIS=1: ${hint}`);
  if (!warned.has(problem)) {
    warned.add(problem);
    const bar = '!'.repeat(82);
    console.warn(`\n${bar}\n!!! ${problem}: the tests that need it are SKIPPED.\n!!! ${hint}\n${bar}\n`);
  }
  return false;
}

interface Tool {
  path: string;
  version: string;
}

const toolCache = new Map<string, Tool | null>();

/** Runs `<candidate> --version` for each candidate and keeps the first whose output matches `banner`. */
function findTool(name: string, envVar: string, banner: RegExp): Tool | null {
  const cached = toolCache.get(name);
  if (cached !== undefined) return cached;
  const env = process.env[envVar];
  const candidates = env ? [env] : [name, `/usr/bin/${name}`, `/usr/local/bin/${name}`];
  let found: Tool | null = null;
  for (const c of candidates) {
    const r = spawnSync(c, ['--version'], { encoding: 'utf8' });
    const m = r.status === 0 ? banner.exec(r.stdout) : null;
    if (m) {
      found = { path: c, version: m[1] ?? '' };
      break;
    }
  }
  toolCache.set(name, found);
  return found;
}

const serverTool = () => findTool('redis-server', 'REPLIKIT_REDIS_SERVER', /Redis server v=(\S+)/);
const cliTool = () => findTool('redis-cli', 'REPLIKIT_REDIS_CLI', /redis-cli (\S+)/);
const benchmarkTool = () => findTool('redis-benchmark', 'REPLIKIT_REDIS_BENCHMARK', /redis-benchmark (\S+)/);

/** Path of the redis-server binary (any version), or null when it is not installed. */
export function findRedisServer(): string | null {
  return serverTool()?.path ?? null;
}

/** The installed redis-server's version (`7.0.15`), or null when it is not installed. */
export function redisServerVersion(): string | null {
  return serverTool()?.version ?? null;
}

/** Path of redis-cli, or null. */
export function findRedisCli(): string | null {
  return cliTool()?.path ?? null;
}

/** Path of redis-benchmark, or null. */
export function findRedisBenchmark(): string | null {
  return benchmarkTool()?.path ?? null;
}

const INSTALL_HINT = 'install Redis 7.0 (apt-get install -y redis-server redis-tools)';

/** Why redis-server cannot be used (missing, or not 7.0.x), or null when it can. */
function redisServerProblem(): string | null {
  const tool = serverTool();
  if (!tool) return 'redis-server is NOT installed';
  if (!REQUIRED_REDIS_VERSION.test(tool.version)) return `redis-server ${tool.version} is not 7.0.x`;
  return null;
}

/**
 * Whether tests that need a real redis-server 7.0.x can run (see `requirement`).
 * Use as `const describeRedis = hasRedis() ? describe : describe.skip;`.
 */
export function hasRedis(): boolean {
  return requirement(redisServerProblem(), INSTALL_HINT);
}

/** Whether tests that run the redis-cli binary can run (see `requirement`). */
export function hasRedisCli(): boolean {
  return requirement(findRedisCli() ? null : 'redis-cli is NOT installed', INSTALL_HINT);
}

/** Whether tests that need both redis-server 7.0.x and redis-benchmark can run (see `requirement`). */
export function hasRedisBenchmark(): boolean {
  if (!hasRedis()) return false;
  return requirement(findRedisBenchmark() ? null : 'redis-benchmark is NOT installed', INSTALL_HINT);
}

let openssl: string | null | undefined;

/** Path of the openssl binary (test certificates are generated with it), or null. */
export function findOpenssl(): string | null {
  if (openssl !== undefined) return openssl;
  openssl = null;
  // `openssl version`: OpenSSL has no --version flag
  for (const c of process.env.REPLIKIT_OPENSSL ? [process.env.REPLIKIT_OPENSSL] : ['openssl', '/usr/bin/openssl', '/usr/local/bin/openssl']) {
    const r = spawnSync(c, ['version'], { encoding: 'utf8' });
    if (r.status === 0 && /OpenSSL \d/.test(r.stdout)) {
      openssl = c;
      break;
    }
  }
  return openssl;
}

/** Whether tests that generate TLS certificates with openssl can run (see `requirement`). */
export function hasOpenssl(): boolean {
  return requirement(findOpenssl() ? null : 'openssl is NOT installed', 'install OpenSSL (apt-get install -y openssl)');
}

/**
 * Whether a build output exists (`file`, e.g. `packages/rdb/dist/cli.js`), for tests that run a
 * built CLI as a process. CI builds before testing, so a missing build fails there.
 */
export function hasBuild(file: string, what: string): boolean {
  return requirement(existsSync(file) ? null : `${what} is not built (${file} is missing)`, 'run `pnpm build` first');
}
