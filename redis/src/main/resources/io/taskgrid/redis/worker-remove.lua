-- ARGV: workerKey setKey workerId
redis.call('DEL', ARGV[1])
redis.call('SREM', ARGV[2], ARGV[3])
return "OK"
