-- A worker's circuit breaker changed state: store it as the breaker's shared state, count an
-- opening, and tell the other workers, in one step so a listener never sees a state the hash
-- does not hold yet. A keyed breaker's state expires at expiresAt unless used again.
-- KEYS[1]: the breakers hash, KEYS[2]: the expiry set. ARGV: channel, breaker field suffix, state,
-- encoded transition, now (ms), expiresAt (ms; empty for a handler's own breaker).
local hash, expiry = KEYS[1], KEYS[2]
local channel, id, state, transition, now, expiresAt = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
tg_expire_breakers(hash, expiry, now)
redis.call('HSET', hash, 's' .. id, transition)
if state == 'OPEN' then redis.call('HINCRBY', hash, 'o' .. id, 1) end
if expiresAt ~= '' then redis.call('ZADD', expiry, expiresAt, id) end
redis.call('PUBLISH', channel, transition)
return 1
