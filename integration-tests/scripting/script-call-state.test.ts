/**
 * What one script leaves behind must not reach the next one. replikit-server refills the same
 * KEYS and ARGV tables for every call, shares short Lua strings, reuses call frames and the
 * per-connection script state; redis-server makes everything fresh (and runs functions, which have
 * no KEYS and ARGV, in a Lua state of their own). Each sequence below changes
 * that state in one script and looks at it from the next, compared byte for byte with
 * redis-server 7.0, on one connection and alternating between two.
 */
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { ByteClient, type Started, startReplikit } from '../server/helpers';
import { type Case, replyMismatches } from './scripting-corpus';

const run = hasRedis() ? describe : describe.skip;

const e = (script: string, ...rest: string[]): Case => ['EVAL', script, ...(rest.length === 0 ? ['0'] : rest)];

/** Reads KEYS and ARGV whole: their lengths, every field, and whether they have a metatable. */
const DUMP = `
local out = {#KEYS, #ARGV}
for k, v in pairs(KEYS) do out[#out + 1] = 'K:' .. tostring(k) .. '=' .. tostring(v) end
for k, v in pairs(ARGV) do out[#out + 1] = 'A:' .. tostring(k) .. '=' .. tostring(v) end
out[#out + 1] = getmetatable(KEYS) == nil and 'no-mt' or 'mt'
out[#out + 1] = getmetatable(ARGV) == nil and 'no-mt' or 'mt'
return out`;

const LIBRARY = `#!lua name=callstate
redis.register_function('callstate_keys', function(keys, args) return KEYS end)
redis.register_function('callstate_probe', function(keys, args)
  local ok, err = pcall(function() return ARGV end)
  return {tostring(ok), tostring(err), #keys, #args}
end)`;

const sequences: Case[] = [
  // fields added, items removed, numbers stored, a metatable set: the next call sees plain arrays
  e("KEYS[3] = 'x' KEYS.extra = 1 ARGV[1] = 5 return #KEYS", '2', 'k1', 'k2', 'a1'),
  e(DUMP, '1', 'k1', 'a1', 'a2'),
  e('KEYS[1] = nil table.remove(ARGV) return #ARGV', '2', 'k1', 'k2', 'a1', 'a2', 'a3'),
  e(DUMP, '2', 'k1', 'k2', 'a1', 'a2', 'a3'),
  e("setmetatable(KEYS, {__index = function() return 'from-mt' end}) return KEYS[9]", '1', 'k'),
  e('return KEYS[9]', '1', 'k'),
  e(DUMP, '1', 'k'),
  e("rawset(ARGV, 'x', {}) ARGV[10] = 'far' return 1", '0', 'a'),
  e(DUMP, '0', 'a', 'b'),
  // more items, then fewer, then none
  e(DUMP, '3', 'a', 'b', 'c', 'd', 'e', 'f'),
  e(DUMP, '1', 'a', 'b'),
  e(DUMP),
  e('KEYS.x = 1 return 1'),
  e(DUMP, '1', 'z'),
  // KEYS in places a script cannot keep it past its call
  e("local t = KEYS t[1] = 'changed' return KEYS[1]", '1', 'orig'),
  e('return KEYS[1]', '1', 'orig'),
  e('local co = coroutine.wrap(function() return KEYS[1] end) return co()', '1', 'in-coroutine'),
  // shared short strings: equal, usable as table keys, hashed alike from either side
  e("local t = {} t[KEYS[1]] = 'found' return {t[ARGV[1]] or 'missing', KEYS[1] == ARGV[1] and 1 or 0, #KEYS[1]}", '1', 'same', 'same'),
  e("redis.call('set', KEYS[1], ARGV[1]) local v = redis.call('get', KEYS[1]) local t = {[v] = 1} return {v, t[ARGV[1]] or 0, v == ARGV[1] and 1 or 0}", '1', 'call-state:k', 'value'),
  e("return redis.call('get', KEYS[1]) .. '!'", '1', 'call-state:k'),
  e('return {KEYS[1], ARGV[1], string.upper(ARGV[1])}', '1', 'x'.repeat(39), 'y'.repeat(41)),
  // one result per script, errors do not leave the next call in a bad state
  e("return 'first', 'second'"),
  e("error('raised')"),
  e("local ok = pcall(error, {err='caught'}) return tostring(ok)"),
  e("redis.call('nosuchcommand')"),
  e(DUMP, '1', 'after-errors', 'a'),
  e('return redis.pcall(KEYS[1])', '1', 'nosuchcommand'),
  e("return {redis.call('ping'), redis.call('echo', ARGV[1])}", '0', 'echoed'),
  // redis.call refills one argument array per length: writes (kept for propagation) and reads in turn
  e("redis.call('set', KEYS[1], 'one') redis.call('set', KEYS[2], 'two') return {redis.call('get', KEYS[1]), redis.call('get', KEYS[2]), redis.call('mget', KEYS[1], KEYS[2], 'nokey')}", '2', 'lent:a', 'lent:b'),
  e("local r = {} for i = 1, 3 do r[i] = redis.call('incrby', KEYS[1], i) end r[4] = redis.pcall('get', KEYS[1], 'extra') r[5] = redis.call('get', KEYS[1]) return r", '1', 'lent:n'),
  // functions have no KEYS and ARGV globals, before and after EVAL scripts
  ['FUNCTION', 'LOAD', 'REPLACE', LIBRARY],
  ['FCALL', 'callstate_keys', '1', 'k'],
  ['FCALL', 'callstate_probe', '1', 'k', 'a'],
  e(DUMP, '1', 'after-fcall', 'a'),
  ['FCALL', 'callstate_probe', '0'],
];

run('state left by one script is not seen by the next (vs redis-server 7.0)', () => {
  let redis: RedisServerHandle;
  let ours: Started;
  const clients: ByteClient[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    ours = await startReplikit();
    for (let i = 0; i < 2; i++) {
      clients.push(await ByteClient.connect(redis.port), await ByteClient.connect(ours.port));
    }
  });

  afterAll(async () => {
    for (const c of clients) c.socket.destroy();
    await ours?.close();
    await redis?.stop();
  });

  test('one connection', async () => {
    expect(await replyMismatches(clients[0] as ByteClient, clients[1] as ByteClient, sequences)).toEqual([]);
  });

  test('two connections taking turns', async () => {
    const out: string[] = [];
    for (let i = 0; i < sequences.length; i++) {
      const pair = i % 2 === 0 ? [clients[0], clients[1]] : [clients[2], clients[3]];
      out.push(...(await replyMismatches(pair[0] as ByteClient, pair[1] as ByteClient, [sequences[i] as Case])));
    }
    expect(out).toEqual([]);
  });
});
