-- Keyed breakers expire (a handler's own never does). KEYS[2], a sorted set, holds the field
-- suffix of each keyed breaker whose state is in the hash KEYS[1], scored by when that state
-- expires (epoch ms); every use moves it later. Each script that writes first removes up to 100
-- expired breakers, so the hash does not grow with keys nobody uses any more.
local function tg_expire_breakers(hash, expiry, now)
  local old = redis.call('ZRANGEBYSCORE', expiry, '-inf', now, 'LIMIT', 0, 100)
  for _, id in ipairs(old) do redis.call('HDEL', hash, 's' .. id, 'o' .. id, 'd' .. id) end
  if #old > 0 then redis.call('ZREM', expiry, unpack(old)) end
end
