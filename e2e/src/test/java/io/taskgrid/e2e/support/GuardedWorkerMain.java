package io.taskgrid.e2e.support;

import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerConfig;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * A worker process for admission tests. Its {@code guarded} handler records, in Redis under
 * {@code RECORD} (a key prefix of the test's own), which of its executions run now (the set
 * {@code <RECORD>:running}) and the most that ran at once ({@code <RECORD>:max}) and each start as {@code <payload label> <epoch ms>} in the
 * list {@code <RECORD>:starts}; it then sleeps for the payload's milliseconds ({@code label:ms}).
 * Redis, because the workers are separate processes and the count must be shared.
 */
public final class GuardedWorkerMain {
  private static final String ENTER = """
      redis.call('SADD', KEYS[1], ARGV[2])
      local n = redis.call('SCARD', KEYS[1])
      if n > tonumber(redis.call('GET', KEYS[2]) or '0') then redis.call('SET', KEYS[2], n) end
      redis.call('RPUSH', KEYS[3], ARGV[1])
      return n
      """;

  public static void main(String[] args) throws Exception {
    String record = System.getenv("RECORD");
    RedissonClient redis = Inspect.redis(System.getenv(WorkerConfig.REDIS_URL.name()));
    Worker worker = Worker.builder(WorkerConfig.fromEnvironment(System.getenv()))
        .handler("guarded", ctx -> {
          String[] p = ctx.payloadText().split(":");
          // a set of the running executions, not a counter: a cancel (REPLACE) may interrupt this
          // thread while the ENTER call is on its way, after Redis ran it; leaving by id is right
          // whether or not it ran
          try {
            redis.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, ENTER, RScript.ReturnType.LONG,
                List.of(record + ":running", record + ":max", record + ":starts"), p[0] + " " + System.currentTimeMillis(),
                ctx.executionId());
            Thread.sleep(Long.parseLong(p[1]));
          } finally {
            boolean interrupted = Thread.interrupted();
            redis.getSet(record + ":running", StringCodec.INSTANCE).remove(ctx.executionId());
            if (interrupted) Thread.currentThread().interrupt();
          }
          return p[0];
        })
        .build()
        .start();
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      worker.close();
      redis.shutdown();
      stop.countDown();
    }));
    System.out.println("WORKER_READY " + worker.id());
    stop.await();
  }
}
