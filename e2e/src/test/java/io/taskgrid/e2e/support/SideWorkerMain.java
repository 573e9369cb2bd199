package io.taskgrid.e2e.support;

import io.taskgrid.redis.RedisConnection;
import io.taskgrid.worker.TaskContext;
import io.taskgrid.worker.TaskHandler;
import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerConfig;
import java.util.concurrent.CountDownLatch;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * A worker process for side task tests. Its {@code side.counter} handler runs until cancelled; in
 * Redis, under the key prefix {@code SIDE_KEYS}, it increments {@code :running} when it starts and
 * decrements it when it stops, counts in {@code :overlaps} every start that found another instance
 * running, and appends {@code start <worker>} / {@code stop <worker>} to the list {@code :log}.
 */
public final class SideWorkerMain {
  public static void main(String[] args) throws Exception {
    WorkerConfig config = WorkerConfig.fromEnvironment(System.getenv());
    String prefix = System.getenv("SIDE_KEYS");
    RedissonClient redis = new RedisConnection(config.redisEndpoint(), "side-test", 1, 4).open();
    var running = redis.getAtomicLong(prefix + ":running");
    var overlaps = redis.getAtomicLong(prefix + ":overlaps");
    var log = redis.<String>getList(prefix + ":log", StringCodec.INSTANCE);
    Worker worker = Worker.builder(config)
        .handler("side.counter", new TaskHandler() {
          @Override
          public Object handle(TaskContext ctx) {
            if (running.incrementAndGet() > 1) overlaps.incrementAndGet();
            log.add("start " + config.workerId());
            try {
              while (!ctx.isCancelled()) Thread.sleep(20);
            } catch (InterruptedException e) {
              // cancelled
            } finally {
              Thread.interrupted(); // a Redis call on an interrupted thread fails: the counter must go down
              running.decrementAndGet();
              log.add("stop " + config.workerId());
            }
            return null;
          }

          @Override
          public void onStop(TaskContext ctx) {
            log.add("onStop " + config.workerId());
          }
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
