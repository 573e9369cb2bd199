-- Enters an execution in a concurrency key's wait queue and says where it stands.
-- KEYS[1] the queue (sorted set of execution ids scored by arrival), KEYS[2] its arrival counter.
-- ARGV[1] the prefix of entry leases (prefix .. id), ARGV[2] the execution id,
-- ARGV[3] the most entries, ARGV[4] the entry's lease in ms.
-- Returns the entry's position (0 = head), or -1 when the queue is full.
local q, id, lp = KEYS[1], ARGV[2], ARGV[1]
if not redis.call('ZSCORE', q, id) then
  if redis.call('ZCARD', q) >= tonumber(ARGV[3]) then return -1 end
  redis.call('ZADD', q, redis.call('INCR', KEYS[2]), id)
end
redis.call('SET', lp .. id, '1', 'PX', ARGV[4])
-- heads whose worker stopped asking (died) leave; their record is delivered again and re-enters
while true do
  local head = redis.call('ZRANGE', q, 0, 0)[1]
  if not head or head == id or redis.call('EXISTS', lp .. head) == 1 then break end
  redis.call('ZREM', q, head)
end
return redis.call('ZRANK', q, id)
