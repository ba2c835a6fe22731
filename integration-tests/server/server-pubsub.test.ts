/** Pub/Sub across clients (RESP2 and RESP3), compared with redis-server 7.0 frame for frame. */
import { call, read, send, scenariosVsRedis, type Step } from './helpers';

const SCENARIOS: Record<string, Step[]> = {
  'channel and pattern delivery, receiver counts': [
    call(0, 'SUBSCRIBE news sport'),
    read(0),
    // one matching pattern per message: Redis delivers to patterns in hash order (random seed)
    call(1, 'PSUBSCRIBE n* x*'),
    read(1),
    call(2, 'PUBLISH news hello'),
    read(0),
    read(1),
    call(2, 'PUBLISH sport goal'),
    read(0),
    call(2, 'PUBLISH nothing x'),
    read(1),
    call(2, 'PUBSUB NUMSUB news sport nothing'),
    call(2, 'PUBSUB NUMPAT'),
    call(2, 'PUBSUB CHANNELS s*'),
  ],
  'RESP3 subscriber: pushes interleave with replies': [
    call(0, 'HELLO 3'),
    call(0, 'SUBSCRIBE c'),
    call(1, 'PUBLISH c one'),
    read(0),
    call(0, 'SET k v'),
    call(0, 'GET k'),
    call(1, 'PUBLISH c two'),
    read(0),
    call(0, 'PSUBSCRIBE c*'),
    call(1, 'PUBLISH c three'),
    read(0, 2),
    call(0, 'UNSUBSCRIBE'),
    call(0, 'PUNSUBSCRIBE'),
    call(1, 'PUBLISH c four'),
    call(0, 'PING'),
  ],
  'binary channel and message, empty message': [
    call(0, 'SUBSCRIBE \xff\x00ch'),
    call(1, 'PUBLISH \xff\x00ch \r\n\x00'),
    read(0),
    send(1, 'PUBLISH \xff\x00ch'),
    call(1, 'PING'),
  ],
  // stringmatchlen never matches an empty subject: "*" skips the "" channel (one matcher for keys and Pub/Sub)
  'the empty channel and the * pattern': [
    call(0, 'SUBSCRIBE '),
    call(1, 'PSUBSCRIBE *'),
    call(2, 'PUBLISH  m'),
    read(0),
    call(2, 'PUBLISH c m'),
    read(1),
    call(2, 'PUBSUB CHANNELS *'),
    call(2, 'PUBSUB CHANNELS'),
  ],
  'RESET leaves subscribe mode': [call(0, 'SUBSCRIBE a'), call(0, 'RESET'), call(1, 'PUBLISH a x'), call(0, 'GET a'), call(0, 'PUBSUB NUMSUB a')],
  'sharded channels': [call(0, 'SSUBSCRIBE s1 s2'), read(0), call(1, 'SPUBLISH s1 m'), read(0), call(1, 'PUBLISH s1 m'), call(1, 'PUBSUB SHARDNUMSUB s1 s2 s3'), call(1, 'PUBSUB SHARDCHANNELS s1*'), call(0, 'SUNSUBSCRIBE s1'), call(0, 'SUNSUBSCRIBE')],
};

scenariosVsRedis('Pub/Sub across clients vs redis-server 7.0', SCENARIOS);
