-- Records that the lease holder started the side task's handler again.
-- KEYS[1] the lease, KEYS[2] the state hash; ARGV[1] the worker id, ARGV[2] now in epoch ms.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], 'w', ARGV[1], 'since', ARGV[2])
return 1
