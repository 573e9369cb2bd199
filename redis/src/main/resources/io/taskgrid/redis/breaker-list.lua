-- The breakers hash without the fields of expired keyed breakers, as field, value pairs.
-- KEYS[1]: the breakers hash, KEYS[2]: the expiry set. ARGV: now (ms).
local all = redis.call('HGETALL', KEYS[1])
local now = tonumber(ARGV[1])
local out = {}
for i = 1, #all, 2 do
  local at = redis.call('ZSCORE', KEYS[2], string.sub(all[i], 2))
  if not at or tonumber(at) > now then
    out[#out + 1] = all[i]
    out[#out + 1] = all[i + 1]
  end
end
return out
