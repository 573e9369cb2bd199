-- ARGV: keyPrefix setKey (a worker's key is keyPrefix .. id)
-- Returns every live report as one packed string (<byte length>:<report>...), and removes from the
-- set the ids whose report expired (the worker stopped reporting).
local ids = redis.call('SMEMBERS', ARGV[2])
if #ids == 0 then return '' end
local keys = {}
for i = 1, #ids do keys[i] = ARGV[1] .. ids[i] end
local reports = redis.call('MGET', unpack(keys))
local out = {}
for i = 1, #ids do
  local r = reports[i]
  if r then
    out[#out + 1] = #r .. ':' .. r
  else
    redis.call('SREM', ARGV[2], ids[i])
  end
end
return table.concat(out)
