package io.taskgrid.benchmark;

import io.taskgrid.client.ExecutionInfo;
import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.RetryPolicy;
import io.taskgrid.client.TaskHandle;
import io.taskgrid.client.TaskRequest;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.coordinator.CoordinatorConfig;
import io.taskgrid.embedded.KafkaProcess;
import io.taskgrid.embedded.RedisProcess;
import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Retry release lateness: how long after its due time the handler of a retry starts. Kafka and
 * Redis as child processes, one coordinator (leading) and one worker in this JVM. For each delay
 * of {@code BENCH_RETRY_DELAY_MS} (a comma list, default {@code 100,300,1000,2000}), {@code
 * BENCH_RETRIES} executions (default 2000) are submitted over {@code BENCH_RETRY_SPREAD_MS}
 * (default 4000) with that fixed retry delay, so their retries fall due over a few seconds;
 * attempt 1 fails, attempt 2 records its start. Before them, {@code BENCH_RETRY_WARMUP} (default
 * 2000) such executions spread over the delays, unmeasured, so that the JIT (of this JVM and of
 * the broker) has compiled both ways a retry takes, as in a cluster that has been running: cold,
 * the first release transactions took 200 to 600 ms.
 *
 * <p>Lateness = the second attempt's handler start - its due time, the due time being the instant
 * attempt 1 threw plus the delay (the worker reads its clock microseconds after the throw, so the
 * figure overstates lateness by that much at most). A retry due within the release lead
 * (TASKGRID_FIRE_AHEAD) when its coordinator writes it goes straight to the tasks topic; a later
 * one waits in the retries topic and is released by the leader that much ahead; the worker starts
 * either at its not_before.
 */
public final class RetryBenchmark {
  private RetryBenchmark() {}

  private static final Map<String, Long> failedAt = new ConcurrentHashMap<>();
  private static final Map<String, Long> retriedAt = new ConcurrentHashMap<>();

  public static void main(String[] args) throws Exception {
    Path report = Path.of(args.length > 0 ? args[0] : "retry-benchmark-report.md");
    int retries = Integer.parseInt(System.getenv().getOrDefault("BENCH_RETRIES", "2000"));
    int warmup = Integer.parseInt(System.getenv().getOrDefault("BENCH_RETRY_WARMUP", "2000"));
    long spreadMs = Long.parseLong(System.getenv().getOrDefault("BENCH_RETRY_SPREAD_MS", "4000"));
    long[] delays = Arrays.stream(System.getenv().getOrDefault("BENCH_RETRY_DELAY_MS", "100,300,1000,2000").split(","))
        .map(String::trim).mapToLong(Long::parseLong).toArray();
    StringBuilder rows = new StringBuilder();
    try (KafkaProcess kafka = KafkaProcess.start(); RedisProcess redis = RedisProcess.start()) {
      Map<String, String> env = Map.of(CoordinatorConfig.KAFKA_BOOTSTRAP.name(), kafka.bootstrapServers(),
          CoordinatorConfig.REDIS_URL.name(), redis.redisUrl(), CoordinatorConfig.GRPC_PORT.name(), "0",
          CoordinatorConfig.NAMESPACE.name(), "bench", CoordinatorConfig.TASKS_TOPIC.name(), "bench.tasks");
      try (Coordinator coordinator = new Coordinator(CoordinatorConfig.fromEnvironment(env)).start()) {
        String address = "127.0.0.1:" + coordinator.port();
        WorkerConfig wc = WorkerConfig.defaults(kafka.bootstrapServers(), redis.redisUrl(), address)
            .withNamespace("bench").withTopicAndGroup("bench.tasks", "bench-workers").withConcurrency(256);
        try (Worker worker = Worker.builder(wc).handler("retry", ctx -> {
              long now = System.currentTimeMillis();
              if (ctx.attempt() == 1) {
                failedAt.put(ctx.executionId(), now);
                throw new IllegalStateException("first attempt fails");
              }
              retriedAt.put(ctx.executionId(), now);
              return null;
            }).build().start();
            TaskgridClient client = TaskgridClient.builder().coordinators(address).build()) {
          // every delay once unmeasured: the short ones take another way than the long ones
          for (long delayMs : delays) {
            System.out.printf("Warm-up: %d retries of %d ms%n", warmup / delays.length, delayMs);
            run(client, request(delayMs), Math.max(1, warmup / delays.length), spreadMs);
          }
          for (long delayMs : delays) {
            failedAt.clear();
            retriedAt.clear();
            System.out.printf("Measured: %d retries of %d ms submitted over %d ms%n", retries, delayMs, spreadMs);
            run(client, request(delayMs), retries, spreadMs);
            long[] late = failedAt.entrySet().stream().filter(e -> retriedAt.containsKey(e.getKey()))
                .mapToLong(e -> retriedAt.get(e.getKey()) - (e.getValue() + delayMs)).sorted().toArray();
            rows.append(String.format(Locale.ROOT, "| %d ms | %d | %d ms | %d ms | %d ms | %d ms | %d ms |%n", delayMs, late.length,
                pct(late, 50), pct(late, 90), pct(late, 99), late[late.length - 1], late[0]));
          }
        }
      }
    }
    String text = String.format(Locale.ROOT, """
        # Retry release lateness

        %d retries per delay, submitted over %d ms, after %d unmeasured; lateness = handler start of attempt 2 - its due time.

        | delay | retries | p50 | p90 | p99 | max | min |
        |---|---|---|---|---|---|---|
        %s""", retries, spreadMs, warmup, rows);
    Files.writeString(report, text);
    System.out.println(text);
    System.out.println("Report: " + report.toAbsolutePath());
  }

  private static TaskRequest request(long delayMs) {
    RetryPolicy policy = RetryPolicy.builder().maxAttempts(2).initialDelay(Duration.ofMillis(delayMs)).fixed().build();
    return TaskRequest.builder("retry").retry(policy).build();
  }

  private static void run(TaskgridClient client, TaskRequest request, int n, long spreadMs) throws InterruptedException {
    List<CompletableFuture<ExecutionInfo>> results = new ArrayList<>(n);
    int batches = 40;
    int perBatch = Math.max(1, n / batches);
    long t0 = System.nanoTime();
    for (int sent = 0, b = 0; sent < n; sent += perBatch, b++) {
      long at = t0 + TimeUnit.MILLISECONDS.toNanos(spreadMs * b / batches);
      long wait = at - System.nanoTime();
      if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait); // pacing the submissions, not waiting for a result
      List<TaskRequest> batch = new ArrayList<>();
      for (int i = 0; i < Math.min(perBatch, n - sent); i++) batch.add(request);
      for (TaskHandle h : client.submitAll(batch)) results.add(h.result());
    }
    CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).orTimeout(5, TimeUnit.MINUTES).join();
    long bad = results.stream().filter(f -> f.join().status() != ExecutionStatus.SUCCEEDED).count();
    System.out.printf("  %d executions done, %d not SUCCEEDED%n", results.size(), bad);
  }

  private static long pct(long[] sorted, int p) {
    if (sorted.length == 0) return 0;
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }
}
