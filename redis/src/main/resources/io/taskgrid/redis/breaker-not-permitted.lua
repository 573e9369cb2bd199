-- Adds calls that failed fast to the breakers' cluster-wide counts.
-- KEYS[1]: the breakers hash. ARGV: pairs of breaker field suffix, count.
for i = 1, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], 'd' .. ARGV[i], ARGV[i + 1]) end
return 1
