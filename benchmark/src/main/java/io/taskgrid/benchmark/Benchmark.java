package io.taskgrid.benchmark;

import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.TaskHandle;
import io.taskgrid.client.TaskRequest;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.coordinator.CoordinatorConfig;
import io.taskgrid.embedded.KafkaProcess;
import io.taskgrid.embedded.RedisProcess;
import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives a whole Taskgrid (Kafka and Redis as child processes; one coordinator, one worker and the
 * SDK in this JVM) and reports: end-to-end throughput of no-op tasks (submit to result recorded and delivered),
 * submit-to-handler-start latency at a steady rate, and peak heap. Sizes come from environment
 * variables: {@code BENCH_TASKS} (throughput run, default 50000), {@code BENCH_RATE} (default
 * 200/s), {@code BENCH_SECONDS} (latency run, default 30), {@code BENCH_WARMUP_SECONDS} (the same
 * rate, unmeasured, before the latency run; default 15).
 */
public final class Benchmark {
  static final int BATCH = 1000;

  public static void main(String[] args) throws Exception {
    Path report = Path.of(args.length > 0 ? args[0] : "benchmark-report.md");
    int tasks = Integer.parseInt(System.getenv().getOrDefault("BENCH_TASKS", "50000"));
    int rate = Integer.parseInt(System.getenv().getOrDefault("BENCH_RATE", "200"));
    int seconds = Integer.parseInt(System.getenv().getOrDefault("BENCH_SECONDS", "30"));
    int warmupSeconds = Integer.parseInt(System.getenv().getOrDefault("BENCH_WARMUP_SECONDS", "15"));
    // unmeasured no-op tasks before the throughput run; the JIT compilers are still busy after the default 10,000
    int warmupTasks = Integer.parseInt(System.getenv().getOrDefault("BENCH_WARMUP_TASKS", "10000"));
    int concurrency = Integer.parseInt(System.getenv().getOrDefault("BENCH_CONCURRENCY", "256"));

    // The broker runs as a child process, as a broker does in production: its heap and GC pauses
    // are not Taskgrid's, so the peak heap and the latencies below are the scheduler's own.
    try (KafkaProcess kafka = KafkaProcess.start(); RedisProcess redis = RedisProcess.start()) {
      String infra = "Kafka 4.4 (KRaft) child process at " + kafka.bootstrapServers() + ", redis-server process at " + redis.redisUrl();
      // BENCH_LIFECYCLE=off measures without the lifecycle topic (default: on, as users get it)
      String lifecycle = System.getenv().getOrDefault("BENCH_LIFECYCLE", "on").equals("off") ? "off" : "bench.lifecycle";
      Map<String, String> env = Map.of(CoordinatorConfig.KAFKA_BOOTSTRAP.name(), kafka.bootstrapServers(),
          CoordinatorConfig.REDIS_URL.name(), redis.redisUrl(), CoordinatorConfig.GRPC_PORT.name(), "0",
          CoordinatorConfig.NAMESPACE.name(), "bench", CoordinatorConfig.TASKS_TOPIC.name(), "bench.tasks",
          CoordinatorConfig.LIFECYCLE_TOPIC.name(), lifecycle);
      try (Coordinator coordinator = new Coordinator(CoordinatorConfig.fromEnvironment(env)).start()) {
        String address = "127.0.0.1:" + coordinator.port();
        WorkerConfig wc = WorkerConfig.defaults(kafka.bootstrapServers(), redis.redisUrl(), address)
            .withNamespace("bench").withTopicAndGroup("bench.tasks", "bench-workers").withConcurrency(concurrency).withLifecycleTopic(lifecycle);
        AtomicLongArray handlerStart = new AtomicLongArray(rate * Math.max(seconds, warmupSeconds) + 1);
        try (Worker worker = Worker.builder(wc)
            .handler("noop", ctx -> null)
            .handler("probe", ctx -> {
              handlerStart.set(Integer.parseInt(ctx.payloadText()), System.nanoTime());
              return null;
            })
            .build().start();
             TaskgridClient client = TaskgridClient.builder().coordinators(address).build()) {
          resetPeakHeap();
          System.out.printf("Warm-up: %d no-op tasks%n", warmupTasks);
          throughput(client, warmupTasks);

          System.out.printf("Throughput: %d no-op tasks, submitted in batches of %d%n", tasks, BATCH);
          resetPeakHeap();
          double perSecond = throughput(client, tasks);
          long heapAfterThroughput = peakHeap();

          // the single-submit path (and the broker's) is compiled by the JIT only once it runs
          System.out.printf("Warm-up: %d tasks/s for %d s, one SubmitTask each%n", rate, warmupSeconds);
          latency(client, rate, warmupSeconds, handlerStart);
          System.out.printf("Latency: %d tasks/s for %d s, one SubmitTask each%n", rate, seconds);
          resetPeakHeap();
          Latencies latencies = latency(client, rate, seconds, handlerStart);
          long heapAfterLatency = peakHeap();

          String text = render(perSecond, tasks, rate, seconds, latencies, heapAfterThroughput, heapAfterLatency, infra);
          System.out.println(text);
          Files.writeString(report, text);
          System.out.println("Report written to " + report);
        }
      }
    }
    System.exit(0);
  }

  static double throughput(TaskgridClient client, int tasks) {
    return throughput(client, tasks, TaskRequest.builder("noop").build());
  }

  /**
   * Submits {@code tasks} copies of {@code request} in batches of {@value #BATCH} (the last one
   * shorter), waits for every result; tasks/s.
   */
  static double throughput(TaskgridClient client, int tasks, TaskRequest request) {
    List<TaskRequest> full = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) full.add(request);
    long t0 = System.nanoTime();
    List<CompletableFuture<?>> results = new ArrayList<>(tasks);
    // a few submitters in flight at once, as many clients would be
    List<CompletableFuture<List<TaskHandle>>> inflight = new ArrayList<>();
    for (int sent = 0; sent < tasks; sent += BATCH) {
      List<TaskRequest> batch = full.subList(0, Math.min(BATCH, tasks - sent));
      inflight.add(CompletableFuture.supplyAsync(() -> client.submitAll(batch)));
      if (inflight.size() == 4) {
        inflight.remove(0).join().forEach(h -> results.add(h.result()));
      }
    }
    inflight.forEach(f -> f.join().forEach(h -> results.add(h.result())));
    CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).orTimeout(10, TimeUnit.MINUTES).join();
    long failed = results.stream().filter(f -> ((io.taskgrid.client.ExecutionInfo) f.join()).status() != ExecutionStatus.SUCCEEDED).count();
    double seconds = (System.nanoTime() - t0) / 1e9;
    double perSecond = results.size() / seconds;
    System.out.printf(Locale.ROOT, "  %d tasks in %.2f s = %.0f tasks/s (%d not SUCCEEDED)%n", results.size(), seconds, perSecond, failed);
    return perSecond;
  }

  /** Sorted latencies of one run, whole and split at the coordinator's acknowledgement. */
  record Latencies(long[] total, long[] submitToAck, long[] ackToStart) {}

  private static Latencies latency(TaskgridClient client, int rate, int seconds, AtomicLongArray handlerStart) throws Exception {
    int n = rate * seconds;
    long[] submitted = new long[n];
    AtomicLongArray acked = new AtomicLongArray(n);
    List<CompletableFuture<?>> results = new ArrayList<>(n);
    long interval = 1_000_000_000L / rate;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      long due = t0 + i * interval;
      // park, never spin: a spinning driver would take one of the two cores from the system it
      // measures. Latency counts from the actual submit instant, so timer slack does not bias it.
      long wait;
      while ((wait = due - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
      submitted[i] = System.nanoTime();
      int seq = i;
      results.add(client.submitAsync(TaskRequest.builder("probe").payloadText(Integer.toString(i)).build())
          .thenCompose(h -> {
            acked.set(seq, System.nanoTime());
            return h.result();
          }));
    }
    CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).orTimeout(5, TimeUnit.MINUTES).join();
    long[] total = new long[n];
    long[] toAck = new long[n];
    long[] ackToStart = new long[n];
    for (int i = 0; i < n; i++) {
      total[i] = handlerStart.get(i) - submitted[i];
      toAck[i] = acked.get(i) - submitted[i];
      // the handler may start before the client has read the acknowledgement
      ackToStart[i] = Math.max(0, handlerStart.get(i) - acked.get(i));
    }
    Arrays.sort(total);
    Arrays.sort(toAck);
    Arrays.sort(ackToStart);
    return new Latencies(total, toAck, ackToStart);
  }

  private static void resetPeakHeap() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) pool.resetPeakUsage();
    }
  }

  private static long peakHeap() {
    long total = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) total += pool.getPeakUsage().getUsed();
    }
    return total;
  }

  private static double pct(long[] sorted, double p) {
    int i = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
    return sorted[Math.max(0, i)] / 1e6;
  }

  private static String render(double perSecond, int tasks, int rate, int seconds, Latencies l, long heapT, long heapL, String infra) {
    long[] lat = l.total();
    Runtime rt = Runtime.getRuntime();
    return String.format(Locale.ROOT, """
        ## Benchmark report

        Machine: %d CPUs, max heap %d MiB, Java %s, %s %s. %s; one JVM with one coordinator, one worker (concurrency 256) and the SDK client.

        | measure | value |
        |---|---|
        | end-to-end throughput, no-op tasks (%d tasks, submit to result delivered) | %.0f tasks/s |
        | submit-to-handler-start latency at %d tasks/s for %d s: p50 | %.2f ms |
        | p95 | %.2f ms |
        | p99 | %.2f ms |
        | max | %.2f ms |
        | of which submit to acknowledged (validate, Redis, Kafka acks=all): p50 / p99 | %.2f / %.2f ms |
        | of which acknowledged to handler start (Kafka fetch, claim, dispatch): p50 / p99 | %.2f / %.2f ms |
        | peak heap, throughput run | %d MiB |
        | peak heap, latency run | %d MiB |
        """, rt.availableProcessors(), rt.maxMemory() >> 20, System.getProperty("java.version"), System.getProperty("os.name"),
        System.getProperty("os.arch"), infra, tasks, perSecond, rate, seconds, pct(lat, 50), pct(lat, 95), pct(lat, 99),
        lat[lat.length - 1] / 1e6, pct(l.submitToAck(), 50), pct(l.submitToAck(), 99), pct(l.ackToStart(), 50),
        pct(l.ackToStart(), 99), heapT >> 20, heapL >> 20);
  }
}
