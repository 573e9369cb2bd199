-- Marks an execution QUEUED (waiting for a permit or a rate budget) and publishes the change;
-- never over RUNNING, QUEUED or a terminal status, and never creates a record.
-- ARGV[1] the execution's key, ARGV[2] the change channel, ARGV[3] the execution id,
-- ARGV[4] what it waits for: 'Q' a concurrency permit, 'L' rate budget (for the statistics).
local s = redis.call('HGET', ARGV[1], 's')
if not s or s == 'RUNNING' or s == 'QUEUED' or tg_terminal(s) then return 0 end
redis.call('HSET', ARGV[1], 's', 'QUEUED', 'qw', ARGV[4] or 'Q')
tg_stat_move(ARGV[1], s, 'QUEUED')
redis.call('PUBLISH', ARGV[2], tg_entry(ARGV[3], 'QUEUED', nil))
return 1
