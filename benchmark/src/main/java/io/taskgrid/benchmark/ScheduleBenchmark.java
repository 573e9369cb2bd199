package io.taskgrid.benchmark;

import io.taskgrid.benchmark.ProcessMeter.Usage;
import io.taskgrid.client.TaskDefinition;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Measures scheduling on a whole Taskgrid (Kafka and Redis as child processes; one coordinator
 * and one worker in this JVM), in two runs:
 *
 * <ol>
 *   <li>an empty coordinator idling, then one per-second cron task registered through the SDK: the
 *       delay from each fire time to its handler's start, missed and doubled seconds, CPU;
 *   <li>many cron schedules in one coordinator, written straight into the registry topic before
 *       it starts (see {@link RegistrySeeder}): registry replay time, time until it leads
 *       scheduling, heap, idle CPU, and the fire delay of a few per-second tasks among them.
 * </ol>
 *
 * A {@link TaskMessageProbe} splits each fire delay into scheduler, Kafka and worker. Sizes come
 * from environment variables: {@code BENCH_SCHEDULE_SECONDS} (run 1's measured seconds, default
 * 300; 0 skips run 1), {@code BENCH_SCHEDULES} (run 2's schedules, default 1000000; 0 skips run
 * 2), {@code BENCH_DUE_SCHEDULES} (the per-second ones among them, default 10), {@code
 * BENCH_IDLE_SECONDS} (run 1's idling and run 2's measured seconds, default 60), {@code
 * BENCH_WARMUP_SECONDS} (unmeasured seconds before each window, default 10) and {@code
 * BENCH_QUIET_MINUTES} (how long after seeding none of the other schedules may fire, default 30).
 */
public final class ScheduleBenchmark {
  private static final String HANDLER = "noop-record";
  private static final String COORDINATOR_ID = "bench-coordinator";
  /** Logged when the coordinator has created its last topic (in a fresh Kafka), just before it replays the registry. */
  private static final String TOPICS_CREATED = "Created topic " + CoordinatorConfig.EVENTS_TOPIC.defaultValue();
  /** Logged once the registry is replayed and the API is up. */
  private static final String SERVING = "Coordinator " + COORDINATOR_ID + " serving";
  private static final String LEADING = "Leading scheduling:";
  /** Fires due at the end of a window may still be on their way to the handler. */
  private static final Duration SETTLE = Duration.ofSeconds(3);

  record Settings(int fireSeconds, int schedules, int dueSchedules, int idleSeconds, int warmupSeconds, Duration quiet) {
    static Settings fromEnvironment(Map<String, String> env) {
      return new Settings(
          Integer.parseInt(env.getOrDefault("BENCH_SCHEDULE_SECONDS", "300")),
          Integer.parseInt(env.getOrDefault("BENCH_SCHEDULES", "1000000")),
          Integer.parseInt(env.getOrDefault("BENCH_DUE_SCHEDULES", "10")),
          Integer.parseInt(env.getOrDefault("BENCH_IDLE_SECONDS", "60")),
          Integer.parseInt(env.getOrDefault("BENCH_WARMUP_SECONDS", "10")),
          Duration.ofMinutes(Integer.parseInt(env.getOrDefault("BENCH_QUIET_MINUTES", "30"))));
    }
  }

  /**
   * A coordinator's start.
   *
   * @param startSeconds {@code start()} called to returned
   * @param replaySeconds its last topic created to serving: the registry replay, and little else
   * @param leadSeconds {@code start()} called to leading scheduling (lease, fencing, planning every schedule)
   * @param leadingLine the log line that announced leadership, with the number of tasks planned
   */
  record StartTimes(double startSeconds, double replaySeconds, double leadSeconds, String leadingLine) {}

  /** Run 1: one per-second task on an otherwise empty coordinator. */
  record SingleTickRun(StartTimes start, Usage nothingRegistered, FireLog.Stats fires, Usage usage, long heapAfterGc) {}

  /** Run 2: many schedules, a few of them per-second. */
  record ScaleRun(
      RegistrySeeder.Seeded seeded,
      StartTimes start,
      long heapBefore,
      long heapLoaded,
      long peakHeap,
      long committedHeap,
      String histogram,
      FireLog.Stats fires,
      Usage usage,
      long otherFires,
      boolean quietHeld) {}

  /** Whole seconds [from, to) of fire times that are measured. */
  private record Window(Instant from, Instant to) {
    static Window after(Duration warmup, int seconds) {
      Instant from = Instant.now().plus(warmup).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
      return new Window(from, from.plusSeconds(seconds));
    }

    /** Sleeps through the window and until its last fires have run; returns what was used during it. */
    Usage sleepThrough() throws InterruptedException {
      sleepUntil(from);
      ProcessMeter.Sample start = ProcessMeter.sample();
      sleepUntil(to);
      Usage usage = start.until(ProcessMeter.sample());
      sleepUntil(to.plus(SETTLE));
      return usage;
    }
  }

  public static void main(String[] args) throws Exception {
    Path report = Path.of(args.length > 0 ? args[0] : "schedule-benchmark-report.md");
    Settings settings = Settings.fromEnvironment(System.getenv());
    SingleTickRun single = settings.fireSeconds() > 0 ? singleTick(settings) : null;
    ScaleRun scale = settings.schedules() > 0 ? manySchedules(settings) : null;
    String text = ScheduleReport.render(settings, single, scale);
    System.out.println(text);
    Files.writeString(report, text);
    System.out.println("Report written to " + report);
    System.exit(0);
  }

  private static SingleTickRun singleTick(Settings s) throws Exception {
    System.out.printf("Run 1: %d s with no task, then one per-second cron task, %d s warm-up, %d s measured%n", s.idleSeconds(),
        s.warmupSeconds(), s.fireSeconds());
    FireLog fires = new FireLog();
    try (KafkaProcess kafka = KafkaProcess.start();
        RedisProcess redis = RedisProcess.start();
        LogLineWatch log = LogLineWatch.attach("io.taskgrid.coordinator", TOPICS_CREATED, SERVING, LEADING)) {
      CoordinatorConfig config = coordinatorConfig(kafka, redis);
      long t0 = System.nanoTime();
      try (Coordinator coordinator = new Coordinator(config).start();
          Worker worker = startWorker(config, coordinator, fires);
          TaskMessageProbe probe = new TaskMessageProbe(kafka.bootstrapServers(), config.tasksTopic());
          TaskgridClient client = TaskgridClient.builder().coordinators(address(coordinator)).build()) {
        StartTimes start = startTimes(log, t0, System.nanoTime());
        Thread.sleep(s.warmupSeconds() * 1000L);
        Usage nothingRegistered = usageOver(s.idleSeconds());
        client.tasks().create(TaskDefinition.builder("tick", HANDLER).cron("* * * * * *").build());
        Window window = Window.after(Duration.ofSeconds(s.warmupSeconds()), s.fireSeconds());
        Usage usage = window.sleepThrough();
        return new SingleTickRun(start, nothingRegistered, fires.perSecondStats(Set.of("tick"), window.from(), window.to(), probe), usage,
            ProcessMeter.heapAfterFullGc());
      }
    }
  }

  private static ScaleRun manySchedules(Settings s) throws Exception {
    System.out.printf("Run 2: %d cron schedules (%d per-second), %d s warm-up, %d s measured%n", s.schedules(), s.dueSchedules(),
        s.warmupSeconds(), s.idleSeconds());
    FireLog fires = new FireLog();
    try (KafkaProcess kafka = KafkaProcess.start();
        RedisProcess redis = RedisProcess.start();
        LogLineWatch log = LogLineWatch.attach("io.taskgrid.coordinator", TOPICS_CREATED, SERVING, LEADING)) {
      CoordinatorConfig config = coordinatorConfig(kafka, redis);
      Instant seededAt = Instant.now();
      Instant quietUntil = seededAt.plus(s.quiet());
      RegistrySeeder.Seeded seeded = new RegistrySeeder(kafka.bootstrapServers(), config.scheduling().registryTopic(), seededAt, quietUntil)
          .write(s.schedules() - s.dueSchedules(), s.dueSchedules());
      System.out.printf("  wrote %d task records (%d MiB) in %.1f s%n", seeded.records(), seeded.bytes() >> 20, seeded.nanos() / 1e9);

      long heapBefore = ProcessMeter.heapAfterFullGc();
      ProcessMeter.resetPeakHeap();
      long t0 = System.nanoTime();
      try (Coordinator coordinator = new Coordinator(config).start();
          Worker worker = startWorker(config, coordinator, fires);
          TaskMessageProbe probe = new TaskMessageProbe(kafka.bootstrapServers(), config.tasksTopic())) {
        StartTimes start = startTimes(log, t0, System.nanoTime());
        long peakHeap = ProcessMeter.peakHeap();
        long heapLoaded = ProcessMeter.heapAfterFullGc();
        long committedHeap = ProcessMeter.committedHeap();
        String histogram = ProcessMeter.classHistogram(15);

        Window window = Window.after(Duration.ofSeconds(s.warmupSeconds()), s.idleSeconds());
        Usage usage = window.sleepThrough();
        Set<String> due = Set.copyOf(seeded.dueTaskIds());
        return new ScaleRun(seeded, start, heapBefore, heapLoaded, peakHeap, committedHeap, histogram,
            fires.perSecondStats(due, window.from(), window.to(), probe), usage, fires.othersBetween(due, seededAt, window.to()),
            window.to().isBefore(quietUntil));
      }
    }
  }

  /** Reads a start's steps from the coordinator's log; waits until it leads scheduling. */
  private static StartTimes startTimes(LogLineWatch log, long called, long returned) throws Exception {
    LogLineWatch.Line topics = log.await(TOPICS_CREATED, Duration.ofSeconds(1));
    LogLineWatch.Line serving = log.await(SERVING, Duration.ofSeconds(1));
    LogLineWatch.Line leading = log.await(LEADING, Duration.ofMinutes(30));
    StartTimes t = new StartTimes((returned - called) / 1e9, (serving.nanoTime() - topics.nanoTime()) / 1e9,
        (leading.nanoTime() - called) / 1e9, leading.message());
    System.out.printf(Locale.ROOT, "  start() took %.1f s (registry replay %.1f s); \"%s\" %.1f s after start() was called%n",
        t.startSeconds(), t.replaySeconds(), t.leadingLine(), t.leadSeconds());
    return t;
  }

  private static CoordinatorConfig coordinatorConfig(KafkaProcess kafka, RedisProcess redis) {
    return CoordinatorConfig.defaults(kafka.bootstrapServers(), redis.redisUrl()).withGrpcPort(0).withNamespace("bench")
        .withCoordinatorId(COORDINATOR_ID);
  }

  private static Worker startWorker(CoordinatorConfig c, Coordinator coordinator, FireLog fires) {
    WorkerConfig config = WorkerConfig.defaults(c.kafkaBootstrap(), c.redisUrl(), address(coordinator))
        .withNamespace(c.namespace()).withTopicAndGroup(c.tasksTopic(), "bench-workers");
    return Worker.builder(config).handler(HANDLER, fires::record).build().start();
  }

  private static String address(Coordinator coordinator) {
    return "127.0.0.1:" + coordinator.port();
  }

  /** What the processes use over {@code seconds}. */
  private static Usage usageOver(int seconds) throws InterruptedException {
    ProcessMeter.Sample start = ProcessMeter.sample();
    Thread.sleep(seconds * 1000L);
    return start.until(ProcessMeter.sample());
  }

  private static void sleepUntil(Instant instant) throws InterruptedException {
    long millis = Duration.between(Instant.now(), instant).toMillis();
    if (millis > 0) Thread.sleep(millis);
  }
}
