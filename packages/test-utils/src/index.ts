export type { DatasetView, DumpableKeyspace, KeyRecord } from './dataset-view';
export { diffViews, expectSameDataset, viewOfKeyspace, viewOfServer } from './dataset-view';
export { createDuplexPair } from './duplex-pair';
export type { FaultDirection, FaultMode, FaultProxy, FaultProxyOptions, FaultProxyStats } from './fault-proxy';
export { createFaultProxy } from './fault-proxy';
export type { LinePeer } from './line-peer';
export { connectLinePeer } from './line-peer';
export type { RawReply } from './raw-client';
export { RawClient } from './raw-client';
export type { RedisServerHandle, RedisServerOptions } from './redis-server';
export { getFreePort, isPortTaken, startRedisServer } from './redis-server';
export {
  findOpenssl,
  findRedisBenchmark,
  findRedisCli,
  findRedisServer,
  hasBuild,
  hasOpenssl,
  hasRedis,
  hasRedisBenchmark,
  hasRedisCli,
  REQUIRED_REDIS_VERSION,
  redisRequired,
  redisServerVersion,
  requirement,
} from './requirements';
export { seededBytes, seededRandom, testSeed } from './seed';
export type { TempDirs } from './temp-dirs';
export { tempDirs } from './temp-dirs';
export { waitFor } from './wait-for';
export type { WatchedProcess } from './watched-process';
export { watchProcess } from './watched-process';
