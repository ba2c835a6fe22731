export {
  getFreePort,
  findRedisServer,
  findRedisCli,
  redisRequired,
  hasRedis,
  startRedisServer,
} from './redis-server';
export type { RedisServerOptions, RedisServerHandle } from './redis-server';
export { createDuplexPair } from './duplex-pair';
export { RawClient } from './raw-client';
export type { RawReply } from './raw-client';
