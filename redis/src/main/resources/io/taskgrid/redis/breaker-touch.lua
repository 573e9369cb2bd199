-- Keyed breakers were used: their shared state, if they have one, now expires at expiresAt.
-- KEYS[1]: the breakers hash, KEYS[2]: the expiry set. ARGV: now (ms), expiresAt (ms), then
-- breaker field suffixes.
local hash, expiry, now, expiresAt = KEYS[1], KEYS[2], ARGV[1], ARGV[2]
tg_expire_breakers(hash, expiry, now)
for i = 3, #ARGV do redis.call('ZADD', expiry, 'XX', expiresAt, ARGV[i]) end
return 1
