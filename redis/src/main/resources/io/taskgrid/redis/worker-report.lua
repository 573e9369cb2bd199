-- ARGV: workerKey setKey workerId ttlMs packedReport
-- A worker's report of itself: its key lives ttlMs unless refreshed; the set lists it.
redis.call('SET', ARGV[1], ARGV[5], 'PX', ARGV[4])
redis.call('SADD', ARGV[2], ARGV[3])
return "OK"
