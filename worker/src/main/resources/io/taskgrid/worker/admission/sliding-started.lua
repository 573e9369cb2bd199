-- A handler whose start was taken from a sliding window's budget starts now: its entry in the log
-- moves to now (Redis's clock), so the log counts handler starts, not admissions, and a start that
-- came late after its admission keeps later admissions out for a whole interval from when it began.
-- KEYS[1] the log (sorted set of execution ids scored by start ms).
-- ARGV[1] the interval in ms, ARGV[2] the execution id.
local score = redis.call('ZSCORE', KEYS[1], ARGV[2])
if not score then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if now > tonumber(score) then
  redis.call('ZADD', KEYS[1], now, ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return 1
