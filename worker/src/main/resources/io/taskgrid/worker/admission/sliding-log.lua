-- Takes one start from a sliding window's budget: a log of the starts of the last interval,
-- stamped with Redis's own clock when the script runs (never a client's, which may lag).
-- KEYS[1] the log (sorted set of execution ids scored by start ms).
-- ARGV[1] the limit, ARGV[2] the interval in ms, ARGV[3] the execution id.
-- Returns 0 when taken (or already taken by this execution), else ms until the oldest start leaves the log.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - interval)
if redis.call('ZSCORE', KEYS[1], ARGV[3]) then return 0 end
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], interval)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + interval - now)
