/** CLIENT PAUSE / UNPAUSE (the pause seam for FAILOVER and SHUTDOWN), compared with redis-server 7.0. */
import { call, send, sleep, scenariosVsRedis, type Step } from './helpers';

const SCENARIOS: Record<string, Step[]> = {
  'argument errors': [call(0, 'CLIENT PAUSE x'), call(0, 'CLIENT PAUSE -1'), call(0, 'CLIENT PAUSE 100 FOO'), call(0, 'CLIENT PAUSE 1.5'), call(0, 'CLIENT PAUSE 10 ALL x'), call(0, 'CLIENT UNPAUSE')],
  'WRITE: writes and PUBLISH wait, reads go on, UNPAUSE releases in order': [
    call(0, 'CLIENT PAUSE 5000 WRITE'),
    send(1, 'SET p 1'),
    send(1, 'GET p'),
    sleep(50),
    send(3, 'PUBLISH ch m'),
    call(2, 'GET p'),
    call(2, 'DBSIZE'),
    call(0, 'CLIENT UNPAUSE'),
    call(1, 'INCR p'),
    call(3, 'PING'),
    call(2, 'GET p'),
  ],
  'ALL: every command waits for the timeout': [call(0, 'SET a 1'), call(0, 'CLIENT PAUSE 150 ALL'), send(1, 'GET a'), send(1, 'PING'), sleep(30), call(2, 'ECHO after'), call(1, 'ECHO done')],
};

scenariosVsRedis('CLIENT PAUSE vs redis-server 7.0', SCENARIOS, { flushFirst: true });
