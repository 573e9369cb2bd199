-- A worker's circuit breaker changed state: store it as the breaker's shared state, count an
-- opening, and tell the other workers, in one step so a listener never sees a state the hash
-- does not hold yet.
-- KEYS[1]: the breakers hash. ARGV: channel, breaker field suffix, state, encoded transition.
local hash, channel, id, state, transition = KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4]
redis.call('HSET', hash, 's' .. id, transition)
if state == 'OPEN' then redis.call('HINCRBY', hash, 'o' .. id, 1) end
redis.call('PUBLISH', channel, transition)
return 1
