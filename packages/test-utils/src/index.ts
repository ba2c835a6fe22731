export { getFreePort, startRedisServer } from './redis-server';
export type { RedisServerOptions, RedisServerHandle } from './redis-server';
export {
  REQUIRED_REDIS_VERSION,
  findRedisBenchmark,
  findOpenssl,
  findRedisCli,
  findRedisServer,
  hasBuild,
  hasRedis,
  hasRedisBenchmark,
  hasOpenssl,
  hasRedisCli,
  redisRequired,
  redisServerVersion,
  requirement,
} from './requirements';
export { createDuplexPair } from './duplex-pair';
export { RawClient } from './raw-client';
export type { RawReply } from './raw-client';
export { seededBytes, seededRandom, testSeed } from './seed';
export { waitFor } from './wait-for';
export { watchProcess } from './watched-process';
export type { WatchedProcess } from './watched-process';
export { createFaultProxy } from './fault-proxy';
export type { FaultDirection, FaultMode, FaultProxy, FaultProxyOptions, FaultProxyStats } from './fault-proxy';
