-- Adds calls that failed fast to the breakers' cluster-wide counts; a count is a use, which moves
-- a keyed breaker's expiry to expiresAt.
-- KEYS[1]: the breakers hash, KEYS[2]: the expiry set. ARGV: now (ms), expiresAt (ms), then
-- triples of breaker field suffix, count, '1' for a keyed breaker or '0'.
local hash, expiry, now, expiresAt = KEYS[1], KEYS[2], ARGV[1], ARGV[2]
tg_expire_breakers(hash, expiry, now)
for i = 3, #ARGV, 3 do
  redis.call('HINCRBY', hash, 'd' .. ARGV[i], ARGV[i + 1])
  if ARGV[i + 2] == '1' then redis.call('ZADD', expiry, expiresAt, ARGV[i]) end
end
return 1
