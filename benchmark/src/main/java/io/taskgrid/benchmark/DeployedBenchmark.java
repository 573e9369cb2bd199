package io.taskgrid.benchmark;

import io.taskgrid.client.ExecutionInfo;
import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.TaskRequest;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.embedded.KafkaProcess;
import io.taskgrid.embedded.RedisProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Taskgrid as deployed: the broker, Redis, one coordinator and the workers each in their own
 * process ({@code CoordinatorMain}, {@code WorkerMain} with its example handlers, default
 * settings), this JVM only the client. Measures:
 *
 * <ul>
 *   <li>no-op throughput: {@code BENCH_TASKS} (default 50,000) {@code echo} tasks in batches of
 *       1000, submit to result delivered, one worker of concurrency 256, with the CPU each process
 *       spent per task (read from the operating system);
 *   <li>{@code GetExecution}: the coordinator's CPU per call, a client reading 200 finished
 *       executions over and over ({@code BENCH_READS}, default 20,000 calls, 4 at a time);
 *   <li>idle: what each process costs per second with no task at all, and the requests to Kafka
 *       and Redis per second, with the thread groups that take most ({@code BENCH_IDLE_SECONDS},
 *       default 20, 0 for none);
 *   <li>scale-out: tasks sleeping 50 ms on 1, 2 and 4 workers of concurrency 4 (so one worker
 *       can run at most 80 a second): {@code BENCH_SCALE_WARMUP_SECONDS} (default 20) of the
 *       same work unmeasured, so that the new worker processes are past their JIT compilation as
 *       a deployed worker is, then {@code BENCH_SCALE_SECONDS} (default 30) measured, with each
 *       process's CPU per task, and the part of it its JIT compiler threads still took
 *       ({@code BENCH_WORKERS}, default {@code 1,2,4}: the points; empty for none);
 *   <li>the submit rate of one coordinator and of two, no worker running ({@code BENCH_SUBMITS},
 *       default 100,000 tasks per point, 0 for none).
 * </ul>
 *
 * <p>Run: {@code ./mvnw -q -Pbenchmark-deployed package}. Writes {@code
 * target/deployed-benchmark-report.md}.
 */
public final class DeployedBenchmark {
  private DeployedBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path report = Path.of(args.length > 0 ? args[0] : "deployed-benchmark-report.md");
    int tasks = Integer.parseInt(System.getenv().getOrDefault("BENCH_TASKS", "50000"));
    int scaleSeconds = Integer.parseInt(System.getenv().getOrDefault("BENCH_SCALE_SECONDS", "30"));
    int scaleWarmup = Integer.parseInt(System.getenv().getOrDefault("BENCH_SCALE_WARMUP_SECONDS", "20"));
    int reads = Integer.parseInt(System.getenv().getOrDefault("BENCH_READS", "20000"));
    int submits = Integer.parseInt(System.getenv().getOrDefault("BENCH_SUBMITS", "100000"));
    int idleSeconds = Integer.parseInt(System.getenv().getOrDefault("BENCH_IDLE_SECONDS", "20"));
    StringBuilder out = new StringBuilder("## Deployed-shape benchmark\n\n");
    out.append(String.format(Locale.ROOT, "Machine: %d CPUs, Java %s. Kafka (KRaft), redis-server, one coordinator and the workers "
        + "each a process with default settings; this JVM is only the client.%n%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version")));
    try (KafkaProcess kafka = KafkaProcess.start(); RedisProcess redis = RedisProcess.start();
        RequestCounts counts = RequestCounts.open(Meter.pidOf("kafka.Kafka"), redis.port())) {
      int port = freePort();
      Map<String, String> common = new LinkedHashMap<>();
      common.put("TASKGRID_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
      common.put("TASKGRID_REDIS_URL", redis.redisUrl());
      common.put("TASKGRID_COORDINATORS", "127.0.0.1:" + port);
      Map<String, String> coordinatorEnv = new LinkedHashMap<>(common);
      coordinatorEnv.put("TASKGRID_GRPC_PORT", Integer.toString(port));
      Process coordinator = launch("io.taskgrid.coordinator.CoordinatorMain", coordinatorEnv, "coordinator");
      List<Process> workers = new ArrayList<>();
      try (TaskgridClient client = TaskgridClient.builder().coordinators("127.0.0.1:" + port).build()) {
        workers.add(launch("io.taskgrid.worker.WorkerMain", workerEnv(common, 256), "worker-0"));
        awaitReady(client);
        System.out.println("Warm-up: 10000 no-op tasks");
        Benchmark.throughput(client, 10_000, TaskRequest.builder("echo").build());
        Meter meter = new Meter(coordinator, workers, counts);
        System.out.printf("Throughput: %d no-op tasks in batches of %d, one worker (concurrency 256)%n", tasks, Benchmark.BATCH);
        double perSecond = Benchmark.throughput(client, tasks, TaskRequest.builder("echo").build());
        out.append(String.format(Locale.ROOT, "### No-op throughput (%d tasks in batches of %d, one worker of concurrency 256)%n%n"
            + "%.0f tasks/s, submit to result delivered.%n%n", tasks, Benchmark.BATCH, perSecond));
        out.append(meter.table(tasks)).append('\n');
        if (reads > 0) out.append(readCost(client, coordinator, reads)).append('\n');
        if (idleSeconds > 0) out.append(idleCost(coordinator, workers, counts, idleSeconds)).append('\n');
        stopAll(workers);

        out.append(String.format(Locale.ROOT, "### Scale-out (tasks sleeping 50 ms, workers of concurrency 4: at most 80/s each)%n%n"
            + "%d s of the same work unmeasured first, then %d s measured. CPU per task in µs; in brackets the part the "
            + "process's JIT compiler threads took.%n%n"
            + "The last two columns count per task what all processes asked of Kafka and Redis (requests by type below).%n%n"
            + "| workers | tasks | tasks/s | of the slots' 80/s each | speed-up | coordinator | workers | broker | Redis "
            + "| Kafka requests | Redis commands (script calls) |%n"
            + "|---|---|---|---|---|---|---|---|---|---|---|%n", scaleWarmup, scaleSeconds));
        StringBuilder byType = new StringBuilder();
        double one = 0;
        // BENCH_WORKERS: the points of the scale-out, e.g. "1,4" or "" for none (default 1,2,4)
        int[] points = java.util.Arrays.stream(System.getenv().getOrDefault("BENCH_WORKERS", "1,2,4").split(","))
            .map(String::trim).filter(x -> !x.isEmpty()).mapToInt(Integer::parseInt).toArray();
        for (int n : points) {
          for (int i = 0; i < n; i++) workers.add(launch("io.taskgrid.worker.WorkerMain", workerEnv(common, 4), "worker-" + n + "-" + i));
          TaskRequest sleep = TaskRequest.builder("sleep").payloadText("50ms").build();
          // until every worker holds partitions and is past its JIT compilation: a rebalance or a
          // compiler inside the measured run would count against it
          System.out.printf("Scale-out warm-up: %d workers, %d s%n", n, scaleWarmup);
          Benchmark.throughput(client, 80 * n * scaleWarmup, sleep);
          int count = 80 * n * scaleSeconds;
          Meter m = new Meter(coordinator, workers, counts);
          System.out.printf("Scale-out: %d workers, %d tasks sleeping 50 ms%n", n, count);
          double rate = Benchmark.throughput(client, count, sleep);
          if (n == 1) one = rate;
          Meter.Costs c = m.costs(count);
          out.append(String.format(Locale.ROOT, "| %d | %d | %.1f | %.0f%% | %s | %.0f (%.0f) | %.0f (%.0f) | %.0f (%.0f) | %.0f | %.2f | %.1f (%.2f) |%n", n,
              count, rate, 100 * rate / (80.0 * n), one == 0 ? "-" : String.format(Locale.ROOT, "%.2fx", rate / one), c.coordinator(), c.coordinatorJit(), c.workers(), c.workersJit(),
              c.broker(), c.brokerJit(), c.redis(), c.requests().kafkaTotal() / (double) count, c.requests().redisTotal() / (double) count,
              c.requests().redisScripts() / (double) count));
          byType.append(String.format(Locale.ROOT, "- %d workers: Kafka %s; Redis %s%n", n, Meter.perTask(c.requests().kafka(), count),
              Meter.perTask(c.requests().redis(), count)));
          stopAll(workers);
        }
        if (!byType.isEmpty()) out.append("\nRequests per task by type (Kafka: all clients' requests to the broker; Redis: commands, "
            + "those run inside scripts included):\n\n").append(byType);
        if (submits > 0) out.append('\n').append(submitRates(client, coordinator, common, submits));
      } finally {
        stopAll(workers);
        coordinator.destroy();
        coordinator.waitFor(15, TimeUnit.SECONDS);
        coordinator.destroyForcibly();
      }
    }
    System.out.println(out);
    Files.writeString(report, out.toString());
    System.out.println("Report written to " + report);
    System.exit(0);
  }

  /**
   * The submit rate of one coordinator and of two, no worker running (so submitting is all the
   * cluster does): {@code count} no-op tasks in batches of 1000 from 4 submitters, acknowledged
   * (recorded in Redis and written to Kafka), spread over the coordinators; each point after as
   * many unmeasured. With two, the second coordinator is a process of its own like the first.
   */
  private static String submitRates(TaskgridClient first, Process coordinator, Map<String, String> common, int count) throws Exception {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "### Submit rate, 1 and 2 coordinators (%d no-op tasks in batches "
        + "of 1000 from 4 submitters, no worker running)%n%n| coordinators | tasks/s acknowledged | speed-up | CPU per task: coordinators "
        + "| broker | Redis (µs) |%n|---|---|---|---|---|---|%n", count));
    double one = 0;
    int port2 = freePort();
    Map<String, String> env2 = new LinkedHashMap<>(common);
    env2.put("TASKGRID_GRPC_PORT", Integer.toString(port2));
    Process second = null;
    try {
      for (int n : new int[] {1, 2}) {
        List<TaskgridClient> clients = new ArrayList<>(List.of(first));
        List<Process> coordinators = new ArrayList<>(List.of(coordinator));
        if (n == 2) {
          second = launch("io.taskgrid.coordinator.CoordinatorMain", env2, "coordinator-2");
          coordinators.add(second);
          TaskgridClient c2 = TaskgridClient.builder().coordinators("127.0.0.1:" + port2).build();
          clients.add(c2);
          awaitSubmit(c2);
        }
        System.out.printf("Submit rate: %d coordinators, %d tasks unmeasured, then %d measured%n", n, count, count);
        submitAll(clients, count);
        long[] c0 = coordinators.stream().mapToLong(p -> Meter.cpu(p.toHandle())).toArray();
        long k0 = Meter.cpuOf("kafka.Kafka", coordinators);
        long r0 = Meter.cpuOf("redis-server", coordinators);
        long t0 = System.nanoTime();
        submitAll(clients, count);
        double rate = count / ((System.nanoTime() - t0) / 1e9);
        long cpu = 0;
        for (int i = 0; i < coordinators.size(); i++) cpu += Meter.cpu(coordinators.get(i).toHandle()) - c0[i];
        double per = 1000.0 * count;
        if (n == 1) one = rate;
        System.out.printf(Locale.ROOT, "  %.0f tasks/s%n", rate);
        out.append(String.format(Locale.ROOT, "| %d | %.0f | %.2fx | %.0f | %.0f | %.0f |%n", n, rate, rate / one, cpu / per,
            (Meter.cpuOf("kafka.Kafka", coordinators) - k0) / per, (Meter.cpuOf("redis-server", coordinators) - r0) / per));
        if (n == 2) clients.get(1).close();
      }
    } finally {
      if (second != null) {
        second.destroy();
        second.waitFor(15, TimeUnit.SECONDS);
        second.destroyForcibly();
      }
    }
    return out.toString();
  }

  /** {@code count} no-op tasks in batches of 1000 from 4 threads, thread i submitting to {@code clients[i % n]}. */
  private static void submitAll(List<TaskgridClient> clients, int count) throws InterruptedException {
    java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(count);
    List<TaskRequest> batch = java.util.Collections.nCopies(Benchmark.BATCH, TaskRequest.builder("echo").build());
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      TaskgridClient client = clients.get(t % clients.size());
      threads.add(Thread.ofPlatform().start(() -> {
        int take;
        while ((take = Math.min(Benchmark.BATCH, left.getAndAdd(-Benchmark.BATCH))) > 0) {
          client.submitAll(batch.subList(0, take));
        }
      }));
    }
    for (Thread t : threads) t.join();
  }

  private static void awaitSubmit(TaskgridClient client) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (true) {
      try {
        client.submit(TaskRequest.builder("echo").build());
        return;
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("the second coordinator did not become ready", e);
      }
      Thread.sleep(500);
    }
  }

  /**
   * The coordinator's CPU per {@code GetExecution}: 200 finished executions read {@code calls}
   * times in all, 4 calls at a time, after as many unmeasured.
   */
  private static String readCost(TaskgridClient client, Process coordinator, int calls) throws Exception {
    List<String> ids = new ArrayList<>();
    for (var h : client.submitAll(java.util.Collections.nCopies(200, TaskRequest.builder("echo").build()))) {
      h.result().get(60, TimeUnit.SECONDS);
      ids.add(h.id());
    }
    System.out.printf("GetExecution: %d calls unmeasured, then %d measured%n", calls, calls);
    readAll(client, ids, calls);
    long cpu0 = Meter.cpu(coordinator.toHandle());
    long t0 = System.nanoTime();
    readAll(client, ids, calls);
    double seconds = (System.nanoTime() - t0) / 1e9;
    double micros = (Meter.cpu(coordinator.toHandle()) - cpu0) / 1000.0 / calls;
    System.out.printf(Locale.ROOT, "  %d calls in %.2f s, coordinator CPU %.0f µs per call%n", calls, seconds, micros);
    return String.format(Locale.ROOT, "### GetExecution (%d calls over 200 finished executions, 4 at a time)%n%n"
        + "%.0f calls/s; coordinator CPU per call: %.0f µs.%n", calls, calls / seconds, micros);
  }

  /**
   * What the cluster costs doing nothing: CPU per second of each process, and the requests to
   * Kafka and Redis per second, over {@code seconds} with no task submitted (after 5 s for what
   * the last run left to finish). Every per-task figure at a low rate carries this background.
   */
  private static String idleCost(Process coordinator, List<Process> workers, RequestCounts counts, int seconds) throws InterruptedException {
    Thread.sleep(5_000);
    System.out.printf("Idle: %d s%n", seconds);
    Meter m = new Meter(coordinator, workers, counts);
    Map<String, Long> c0 = Meter.threads(coordinator.toHandle());
    Map<String, Long> w0 = Meter.threads(workers.get(0).toHandle());
    Thread.sleep(seconds * 1000L);
    String busiest = String.format(Locale.ROOT, "Busiest threads, CPU ms per second: coordinator %s; worker %s.%n",
        Meter.busiest(c0, Meter.threads(coordinator.toHandle()), seconds), Meter.busiest(w0, Meter.threads(workers.get(0).toHandle()), seconds));
    // costs per "task" of one millisecond: CPU in µs per ms, i.e. per mille of a core
    Meter.Costs c = m.costs(seconds * 1000);
    return String.format(Locale.ROOT, "### Idle (%d s, no task submitted; one worker)%n%n"
        + "CPU per second, in ms (JIT compiler threads in brackets): coordinator %.1f (%.1f), worker %.1f (%.1f), broker %.1f (%.1f), "
        + "redis-server %.1f.%n%nRequests per second: Kafka %.1f (%s); Redis %.1f (%s).%n%n%s",
        seconds, c.coordinator(), c.coordinatorJit(), c.workers(), c.workersJit(), c.broker(), c.brokerJit(), c.redis(),
        c.requests().kafkaTotal() / (double) seconds, Meter.perTask(c.requests().kafka(), seconds),
        c.requests().redisTotal() / (double) seconds, Meter.perTask(c.requests().redis(), seconds), busiest);
  }

  private static void readAll(TaskgridClient client, List<String> ids, int calls) throws Exception {
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < 4; r++) {
      readers.add(Thread.ofPlatform().start(() -> {
        for (int i; (i = next.getAndIncrement()) < calls; ) {
          if (client.get(ids.get(i % ids.size())).status() != ExecutionStatus.SUCCEEDED) throw new IllegalStateException("not SUCCEEDED");
        }
      }));
    }
    for (Thread t : readers) t.join();
  }

  private static Map<String, String> workerEnv(Map<String, String> common, int concurrency) {
    Map<String, String> env = new LinkedHashMap<>(common);
    env.put("TASKGRID_WORKER_CONCURRENCY", Integer.toString(concurrency));
    return env;
  }

  private static void awaitReady(TaskgridClient client) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (true) {
      try {
        ExecutionInfo info = client.submit(TaskRequest.builder("echo").build()).result().get(30, TimeUnit.SECONDS);
        if (info.status() == ExecutionStatus.SUCCEEDED) return;
      } catch (Exception e) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("the coordinator and worker did not become ready", e);
      }
      Thread.sleep(500);
    }
  }

  private static Process launch(String mainClass, Map<String, String> env, String name) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx1g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=5", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), mainClass);
    pb.environment().putAll(env);
    Path log = Path.of(System.getProperty("java.io.tmpdir"), "taskgrid-deployed-" + name + ".log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    System.out.println("Started " + name + " (log " + log + ")");
    return pb.start();
  }

  private static void stopAll(List<Process> processes) throws InterruptedException {
    for (Process p : processes) p.destroy(); // SIGTERM: a graceful stop, as a deployment would
    for (Process p : processes) {
      if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
    }
    processes.clear();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** CPU time of each process of the cluster from one instant on. */
  private static final class Meter {
    record Costs(double coordinator, double workers, double broker, double redis, double coordinatorJit, double workersJit,
        double brokerJit, RequestCounts.Snapshot requests) {}

    private final Process coordinator;
    private final List<ProcessHandle> workers;
    private final List<ProcessHandle> infra;
    private final long c0;
    private final long w0;
    private final long k0;
    private final long r0;
    private final long cj0;
    private final long wj0;
    private final long kj0;
    private final RequestCounts counts;
    private final RequestCounts.Snapshot requests0;

    Meter(Process coordinator, List<Process> workers, RequestCounts counts) {
      this.counts = counts;
      this.coordinator = coordinator;
      this.workers = workers.stream().map(Process::toHandle).toList();
      List<Long> ours = new ArrayList<>(workers.stream().map(Process::pid).toList());
      ours.add(coordinator.pid());
      // the broker and redis-server, wherever below this JVM they run (not the coordinator's or workers' own children)
      this.infra = ProcessHandle.current().descendants().filter(p -> !ours.contains(p.pid()) && !p.parent().map(q -> ours.contains(q.pid())).orElse(false)).toList();
      this.c0 = cpu(coordinator.toHandle());
      this.w0 = this.workers.stream().mapToLong(Meter::cpu).sum();
      this.k0 = cpuOf("kafka.Kafka");
      this.r0 = cpuOf("redis-server");
      this.cj0 = jit(coordinator.toHandle());
      this.wj0 = this.workers.stream().mapToLong(Meter::jit).sum();
      this.kj0 = jitOf("kafka.Kafka");
      this.requests0 = counts.snapshot();
    }

    Costs costs(int tasks) {
      double per = 1000.0 * tasks; // nanoseconds -> microseconds per task
      return new Costs((cpu(coordinator.toHandle()) - c0) / per, (workers.stream().mapToLong(Meter::cpu).sum() - w0) / per,
          (cpuOf("kafka.Kafka") - k0) / per, (cpuOf("redis-server") - r0) / per, (jit(coordinator.toHandle()) - cj0) / per,
          (workers.stream().mapToLong(Meter::jit).sum() - wj0) / per, (jitOf("kafka.Kafka") - kj0) / per, counts.snapshot().minus(requests0));
    }

    /** "Fetch 2.10, Produce 1.30, ..." per task, the largest first, those under 0.01 per task left out. */
    static String perTask(java.util.Map<String, Long> counts, int tasks) {
      StringBuilder b = new StringBuilder();
      counts.forEach((name, n) -> {
        if (n / (double) tasks < 0.01) return;
        if (!b.isEmpty()) b.append(", ");
        b.append(String.format(Locale.ROOT, "%s %.2f", name, n / (double) tasks));
      });
      return b.isEmpty() ? "none counted" : b.toString();
    }

    /** CPU clock ticks (10 ms) of a process's threads by name, digits left out (a pool's threads count together). */
    static Map<String, Long> threads(ProcessHandle p) {
      Map<String, Long> ticks = new java.util.TreeMap<>();
      try (var tasks = Files.list(Path.of("/proc", Long.toString(p.pid()), "task"))) {
        for (Path t : (Iterable<Path>) tasks::iterator) {
          String stat;
          try {
            stat = Files.readString(t.resolve("stat"));
          } catch (IOException e) {
            continue; // the thread ended
          }
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          if (open < 0 || close < 0) continue;
          String[] f = stat.substring(close + 2).split(" ");
          ticks.merge(stat.substring(open + 1, close).replaceAll("[0-9]+", "").replaceAll("-+$", ""),
              Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
        }
      } catch (IOException | RuntimeException e) {
        return ticks; // not Linux, or the process ended
      }
      return ticks;
    }

    /** The six thread groups that used the most CPU between two {@link #threads} readings, in ms per second. */
    static String busiest(Map<String, Long> before, Map<String, Long> after, int seconds) {
      return after.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
          .filter(e -> e.getValue() > 0).sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(6)
          .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue() * 10.0 / seconds))
          .collect(java.util.stream.Collectors.joining(", "));
    }

    /** The process below this JVM whose command line has {@code command}. */
    static java.util.Optional<Long> pidOf(String command) {
      return ProcessHandle.current().descendants().filter(p -> commandLine(p).contains(command)).map(ProcessHandle::pid).findFirst();
    }

    String table(int tasks) {
      Costs c = costs(tasks);
      return String.format(Locale.ROOT, "| process | CPU per task |%n|---|---|%n| coordinator | %.0f µs |%n| worker | %.0f µs |%n"
          + "| Kafka broker | %.0f µs |%n| redis-server | %.0f µs |%n%nPer task: Kafka requests %.2f (%s); Redis commands %.1f (%s).%n",
          c.coordinator(), c.workers(), c.broker(), c.redis(), c.requests().kafkaTotal() / (double) tasks, perTask(c.requests().kafka(), tasks),
          c.requests().redisTotal() / (double) tasks, perTask(c.requests().redis(), tasks));
    }

    /** CPU nanoseconds of the processes below this JVM whose command line has {@code command}, not below {@code ours}. */
    static long cpuOf(String command, List<Process> ours) {
      List<Long> pids = ours.stream().map(Process::pid).toList();
      return ProcessHandle.current().descendants().filter(p -> !pids.contains(p.pid())
              && !p.parent().map(q -> pids.contains(q.pid())).orElse(false) && commandLine(p).contains(command))
          .mapToLong(Meter::cpu).sum();
    }

    private long jitOf(String command) {
      return infra.stream().filter(p -> commandLine(p).contains(command)).mapToLong(Meter::jit).sum();
    }

    /**
     * CPU nanoseconds the process's JIT compiler threads ("C1 CompilerThre", "C2 CompilerThre")
     * have used, from /proc (Linux; 0 elsewhere). Clock ticks of 10 ms.
     */
    static long jit(ProcessHandle p) {
      long ticks = threads(p).entrySet().stream().filter(e -> e.getKey().contains("CompilerThre")).mapToLong(Map.Entry::getValue).sum();
      return ticks * 10_000_000L;
    }

    private long cpuOf(String command) {
      return infra.stream().filter(p -> commandLine(p).contains(command)).mapToLong(Meter::cpu).sum();
    }

    /** The process's command line: /proc's on Linux (whole, however long), else what the JDK reports. */
    private static String commandLine(ProcessHandle p) {
      try {
        return new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"))).replace('\0', ' ');
      } catch (IOException | RuntimeException e) {
        return p.info().commandLine().orElse(p.info().command().orElse(""));
      }
    }

    static long cpu(ProcessHandle p) {
      return p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }
  }
}
