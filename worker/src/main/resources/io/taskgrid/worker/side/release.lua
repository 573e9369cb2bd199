-- Gives up a side task's lease held by this worker, so another worker takes it at once. With
-- ARGV[2] = '1' (the task was deleted) its state goes too.
-- KEYS[1] the lease, KEYS[2] the state hash; ARGV[1] the worker id.
local held = redis.call('GET', KEYS[1]) == ARGV[1]
if held then redis.call('DEL', KEYS[1]) end
if ARGV[2] == '1' and (held or redis.call('HGET', KEYS[2], 'w') == ARGV[1]) then redis.call('DEL', KEYS[2]) end
if held then return 1 end
return 0
