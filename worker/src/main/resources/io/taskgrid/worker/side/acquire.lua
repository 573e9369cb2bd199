-- Takes a side task's lease when nobody holds it, and records this worker as running it.
-- KEYS[1] the lease, KEYS[2] the state hash (fields: Keyspace.SideFields).
-- ARGV[1] the worker id, ARGV[2] the lease in ms, ARGV[3] now in epoch ms.
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  redis.call('HSET', KEYS[2], 'w', ARGV[1], 'since', ARGV[3])
  return 1
end
return 0
