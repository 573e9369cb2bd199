-- Extends a side task's lease held by this worker; 0 when it is no longer this worker's.
-- KEYS[1] the lease; ARGV[1] the worker id, ARGV[2] the lease in ms.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
