/** WATCH/MULTI/EXEC across clients, compared with redis-server 7.0 reply for reply. */
import { call, sleep, scenariosVsRedis, type Step } from './helpers';

const SCENARIOS: Record<string, Step[]> = {
  'a write by another client aborts EXEC': [call(0, 'SET w 1'), call(0, 'WATCH w'), call(1, 'SET w 2'), call(0, 'MULTI'), call(0, 'INCR w'), call(0, 'EXEC'), call(0, 'GET w')],
  'a write to another key does not': [call(0, 'WATCH w'), call(1, 'SET other 1'), call(0, 'MULTI'), call(0, 'SET w x'), call(0, 'EXEC')],
  'own write before MULTI aborts too': [call(0, 'WATCH w'), call(0, 'SET w mine'), call(0, 'MULTI'), call(0, 'GET w'), call(0, 'EXEC')],
  'FLUSHALL and FLUSHDB touch watched keys': [call(0, 'SET w 1'), call(0, 'WATCH w'), call(1, 'FLUSHALL'), call(0, 'MULTI'), call(0, 'PING'), call(0, 'EXEC'), call(0, 'WATCH nokey'), call(1, 'FLUSHDB'), call(0, 'MULTI'), call(0, 'PING'), call(0, 'EXEC')],
  'a key that expires after WATCH aborts EXEC': [call(0, 'SET e v PX 50'), call(0, 'WATCH e'), sleep(120), call(0, 'MULTI'), call(0, 'PING'), call(0, 'EXEC')],
  'WATCH in another db; SELECT inside MULTI': [call(0, 'SELECT 3'), call(0, 'WATCH w'), call(1, 'SET w db0'), call(0, 'MULTI'), call(0, 'SET w db3'), call(0, 'SELECT 4'), call(0, 'SET w db4'), call(0, 'EXEC'), call(0, 'GET w'), call(0, 'SELECT 3'), call(0, 'GET w')],
  'UNWATCH and DISCARD forget watches': [call(0, 'WATCH w'), call(0, 'UNWATCH'), call(1, 'SET w z'), call(0, 'MULTI'), call(0, 'GET w'), call(0, 'EXEC'), call(0, 'WATCH w'), call(0, 'MULTI'), call(0, 'DISCARD'), call(1, 'SET w y'), call(0, 'MULTI'), call(0, 'GET w'), call(0, 'EXEC')],
  'errors at EXEC time do not roll back': [call(0, 'SET s str'), call(0, 'MULTI'), call(0, 'INCR s'), call(0, 'SET t 1'), call(0, 'LPUSH s x'), call(0, 'EXEC'), call(0, 'GET t')],
};

scenariosVsRedis('WATCH across clients vs redis-server 7.0', SCENARIOS, { flushFirst: true });
