-- Takes one start from a fixed window's budget.
-- KEYS[1] the window's counter (key .. ':' .. window index).
-- ARGV[1] the limit, ARGV[2] the counter's expiry in ms (past the window's end).
-- Returns 1 when taken, 0 when the window's budget is spent (nothing is taken).
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1])
if n == 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
