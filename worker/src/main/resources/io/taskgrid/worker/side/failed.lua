-- Records a side task's handler error and the restart it leads to, by the lease holder only.
-- KEYS[1] the lease, KEYS[2] the state hash (fields: Keyspace.SideFields).
-- ARGV[1] the worker id, ARGV[2] the error, ARGV[3] its time in epoch ms.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], 'err', ARGV[2], 'errAt', ARGV[3])
redis.call('HINCRBY', KEYS[2], 'restarts', 1)
return 1
