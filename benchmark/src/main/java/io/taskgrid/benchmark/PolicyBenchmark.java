package io.taskgrid.benchmark;

import io.taskgrid.client.ConcurrencyPolicy;
import io.taskgrid.client.RateLimitPolicy;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What an execution policy costs per execution: the no-op throughput workload of {@link
 * Benchmark} (batches of 1000, every result delivered) run with no policy, with a concurrency
 * limit that is never reached (every execution acquires and releases a cluster-wide permit of
 * one shared key: the lock's cost), and with rate limits that never throttle (a sliding and a
 * fixed window: the rate limiter's cost). Kafka and Redis as child processes; per round a fresh
 * coordinator, worker (concurrency 256) and client in this JVM, on topics of their own; the kinds
 * alternate within each pass, in a rotated order, so drift favours none.
 *
 * <p>Reported per kind: throughput, CPU per task (this JVM plus Kafka and Redis: the figure a
 * shared machine moves least), and what the policy adds to each execution over the no-policy
 * rounds. {@code BENCH_TASKS} per round (default 20000), {@code BENCH_ROUNDS} passes (default 3).
 */
public final class PolicyBenchmark {
  private PolicyBenchmark() {}

  private static final Map<String, TaskRequest> KINDS = new LinkedHashMap<>();

  static {
    KINDS.put("no policy", TaskRequest.builder("noop").build());
    KINDS.put("concurrency limit 10000 (permit per execution)", TaskRequest.builder("noop")
        .concurrency(ConcurrencyPolicy.key("bench").limit(10_000).overlap(ConcurrencyPolicy.Overlap.QUEUE).build()).build());
    KINDS.put("rate limit 1M/s sliding", TaskRequest.builder("noop")
        .rateLimit(RateLimitPolicy.of(1_000_000, Duration.ofSeconds(1)).key("bench-sliding").build()).build());
    KINDS.put("rate limit 1M/s fixed", TaskRequest.builder("noop")
        .rateLimit(RateLimitPolicy.of(1_000_000, Duration.ofSeconds(1)).key("bench-fixed").window(RateLimitPolicy.Window.FIXED).build()).build());
  }

  public static void main(String[] args) throws Exception {
    Path report = Path.of(args.length > 0 ? args[0] : "policy-benchmark-report.md");
    int tasks = Integer.parseInt(System.getenv().getOrDefault("BENCH_TASKS", "20000"));
    int rounds = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "3"));
    Map<String, List<double[]>> results = new LinkedHashMap<>();
    KINDS.keySet().forEach(k -> results.put(k, new ArrayList<>()));
    List<String> names = new ArrayList<>(KINDS.keySet());
    try (KafkaProcess kafka = KafkaProcess.start(); RedisProcess redis = RedisProcess.start()) {
      round("warm", kafka, redis, tasks / 2, KINDS.get("no policy")); // the JIT compiles the common path first
      for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < names.size(); i++) {
          String kind = names.get((i + r) % names.size());
          results.get(kind).add(round(r + "-" + (i + r) % names.size(), kafka, redis, tasks, KINDS.get(kind)));
        }
      }
    }
    double[] base = mean(results.get("no policy"));
    StringBuilder rows = new StringBuilder();
    for (var e : results.entrySet()) {
      double[] m = mean(e.getValue());
      String perRound = e.getValue().stream().map(d -> String.format(Locale.ROOT, "%.0f", d[0])).toList().toString();
      rows.append(String.format(Locale.ROOT, "| %s | %s | %.0f tasks/s | %.0f µs | %+.0f µs (%+.1f%%) | %+.1f%% |%n", e.getKey(), perRound, m[0], m[1],
          m[1] - base[1], 100 * (m[1] / base[1] - 1), 100 * (m[0] / base[0] - 1)));
    }
    Runtime rt = Runtime.getRuntime();
    String text = String.format(Locale.ROOT, """
        ## Policy cost benchmark report

        Machine: %d CPUs, Java %s. Kafka and Redis child processes; per round a fresh coordinator, worker (concurrency 256)
        and SDK client in this JVM; %d no-op tasks per round in batches of 1000 (4 in flight), every result delivered.
        %d passes; in each, every kind once, in an order rotated per pass.

        | kind | tasks/s per round | mean | CPU per task (JVM + Kafka + Redis) | CPU added per execution | throughput vs no policy |
        |---|---|---|---|---|---|
        %s""", rt.availableProcessors(), System.getProperty("java.version"), tasks, rounds, rows);
    System.out.println(text);
    Files.writeString(report, text);
    System.out.println("Report written to " + report);
    System.exit(0);
  }

  private static double[] mean(List<double[]> rounds) {
    return new double[] {rounds.stream().mapToDouble(d -> d[0]).average().orElse(0), rounds.stream().mapToDouble(d -> d[1]).average().orElse(0)};
  }

  /** One round on a fresh cluster: {throughput in tasks/s, CPU µs per task}. */
  private static double[] round(String name, KafkaProcess kafka, RedisProcess redis, int tasks, TaskRequest request) throws Exception {
    String ns = "polbench-" + name;
    CoordinatorConfig config = CoordinatorConfig.defaults(kafka.bootstrapServers(), redis.redisUrl())
        .withNamespace(ns).withTasksTopic(ns + ".tasks", 6).withGrpcPort(0)
        .withScheduling(CoordinatorConfig.defaults(kafka.bootstrapServers(), redis.redisUrl()).scheduling().withTopics("tg." + ns));
    try (Coordinator coordinator = new Coordinator(config).start()) {
      String address = "127.0.0.1:" + coordinator.port();
      WorkerConfig wc = WorkerConfig.defaults(kafka.bootstrapServers(), redis.redisUrl(), address)
          .withNamespace(ns).withTopicAndGroup(ns + ".tasks", ns + "-workers").withConcurrency(256);
      try (Worker worker = Worker.builder(wc).handler("noop", ctx -> null).build().start();
          TaskgridClient client = TaskgridClient.builder().coordinators(address).build()) {
        System.out.printf("Round %s (%s): warm-up, 5000 tasks%n", name, request.concurrency().isPresent() ? "concurrency" : request.rateLimit().isPresent() ? "rate limit" : "no policy");
        Benchmark.throughput(client, 5_000, request);
        ProcessMeter.Sample before = ProcessMeter.sample();
        double perSecond = Benchmark.throughput(client, tasks, request);
        ProcessMeter.Sample after = ProcessMeter.sample();
        double cpuMicros = ((after.ownCpuNanos() - before.ownCpuNanos()) + (after.childCpuNanos() - before.childCpuNanos())) / 1e3 / tasks;
        return new double[] {perSecond, cpuMicros};
      }
    }
  }
}
