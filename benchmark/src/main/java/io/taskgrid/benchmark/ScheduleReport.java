package io.taskgrid.benchmark;

import io.taskgrid.benchmark.ScheduleBenchmark.ScaleRun;
import io.taskgrid.benchmark.ScheduleBenchmark.Settings;
import io.taskgrid.benchmark.ScheduleBenchmark.SingleTickRun;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.stream.Collectors;

/** The scheduling benchmark's report, in Markdown. */
final class ScheduleReport {
  private final StringBuilder out = new StringBuilder();

  private ScheduleReport() {}

  static String render(Settings settings, SingleTickRun single, ScaleRun scale) {
    ScheduleReport r = new ScheduleReport();
    r.machine();
    if (single != null) r.singleTick(settings, single);
    if (scale != null) r.scale(settings, scale, single);
    return r.out.toString();
  }

  private void machine() {
    Runtime rt = Runtime.getRuntime();
    line("## Scheduling benchmark report");
    line("");
    line("Machine: %d CPUs, Java %s, %s %s; JVM options: `%s`. Kafka 4.4 (KRaft) and redis-server run as child processes; "
            + "one coordinator and one worker run in the benchmark's JVM. Fire delay = handler start minus the fire time "
            + "(`TaskContext.scheduledAt()`), both read from this JVM's wall clock; a `read_committed` consumer of the tasks "
            + "topic in the same JVM splits it where the task message was written and where it became readable.",
        rt.availableProcessors(), System.getProperty("java.version"), System.getProperty("os.name"), System.getProperty("os.arch"),
        String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    line("");
  }

  private void singleTick(Settings s, SingleTickRun r) {
    line("### Run 1: one per-second cron task");
    line("");
    line("A coordinator with an empty registry first idles for %d s; then one task is registered through the SDK "
        + "(`cron(\"* * * * * *\")`) and %d s of its fires are measured after %d s of warm-up.",
        s.idleSeconds(), s.fireSeconds(), s.warmupSeconds());
    line("");
    header();
    fireRows(r.fires());
    startRows(r.start());
    row(f("CPU of the benchmark JVM with no task registered (%.0f s)", r.nothingRegistered().seconds()),
        percentOfCore(r.nothingRegistered().ownCores()), "");
    row("CPU of the Kafka and Redis processes with no task registered", percentOfCore(r.nothingRegistered().childCores()), "");
    usageRows(r.usage(), "");
    row("heap after a full GC (coordinator, worker, SDK client)", mib(r.heapAfterGc()), "");
    line("");
  }

  private void scale(Settings s, ScaleRun r, SingleTickRun single) {
    int idle = s.schedules() - s.dueSchedules();
    line("### Run 2: %,d cron schedules in one coordinator", s.schedules());
    line("");
    line("Method: the task records were written straight into the registry topic with a plain KafkaProducer before the "
        + "coordinator started (key: task id; value: the `TaskRecord` the API writes for a new task: definition with id, "
        + "name, handler, cron trigger, zone, enabled, default misfire policy and priority; revision 1; created, updated "
        + "and scheduled from the write time), because creating them through the API one by one takes a Redis lock and a "
        + "Kafka round trip each. The coordinator's start replays the topic.");
    line("");
    line("%,d idle schedules: 35%% daily, 20%% weekdays, 10%% weekly, 10%% monthly, 15%% hourly, 5%% daily to the second, "
        + "5%% twice an hour in office hours, at random minutes and hours, in 10 zones (UTC, the default zone, London, "
        + "Berlin, New York, Los Angeles, Sao Paulo, Kolkata, Tokyo, Sydney). Each expression was drawn again until its "
        + "first fire (computed by Taskgrid's cron engine) lay more than %d minutes after the write, so none fires during "
        + "the run. %,d distinct expressions in all. Plus %d per-second tasks, measured for %d s after %d s of warm-up once "
        + "the coordinator led.",
        idle, s.quiet().toMinutes(), r.seeded().distinctExpressions(), s.dueSchedules(), s.idleSeconds(), s.warmupSeconds());
    line("");
    header();
    row(f("task records written (%d MiB)", r.seeded().bytes() >> 20), f("%,d in %s", r.seeded().records(),
        seconds(r.seeded().nanos() / 1e9)), "");
    startRows(r.start());
    row("heap after a full GC, before the coordinator started", mib(r.heapBefore()), "");
    row(f("heap after a full GC, %,d schedules loaded and planned (coordinator and worker)", s.schedules()),
        mib(r.heapLoaded()), "<= 1024 MiB");
    row("of which per schedule", f("%,d bytes", (r.heapLoaded() - r.heapBefore()) / s.schedules()), "");
    row("peak heap while loading (sum of the pools' peaks; G1 collects lazily below -Xmx)", mib(r.peakHeap()), "");
    row("committed heap after loading", mib(r.committedHeap()), "");
    usageRows(r.usage(), "near 0");
    fireRows(r.fires());
    if (single != null) {
      FireLog.Stats one = single.fires();
      row("run 1 for comparison: p50 / p99 / max", f("%s / %s / %s", millis(one.percentileMillis(50)),
          millis(one.percentileMillis(99)), millis(one.maxMillis())), "unchanged");
    }
    row(f("fires of the %,d idle schedules during the run", idle), Long.toString(r.otherFires()), "0");
    if (!r.quietHeld()) {
      line("");
      line("**The run outlasted the quiet window (BENCH_QUIET_MINUTES): idle schedules may have fired during it.**");
    }
    line("");
    line("Live objects after loading (`jcmd GC.class_histogram`, first rows):");
    line("");
    line("```");
    line(r.histogram());
    line("```");
  }

  private void fireRows(FireLog.Stats stats) {
    row("fire delay p50", millis(stats.percentileMillis(50)), "");
    row("fire delay p99", millis(stats.percentileMillis(99)), "<= 10 ms");
    row("fire delay max", millis(stats.maxMillis()), "");
    row("of which fire time to task message written (scheduler; negative = written ahead by TASKGRID_FIRE_AHEAD; ms resolution): p50 / p99",
        f("%s / %s", millis(stats.phasePercentileMillis(FireLog.Phases::schedulerNanos, 50)),
            millis(stats.phasePercentileMillis(FireLog.Phases::schedulerNanos, 99))), "");
    row("of which written to readable by a read_committed consumer (transaction commit, fetch): p50 / p99",
        f("%s / %s", millis(stats.phasePercentileMillis(FireLog.Phases::kafkaNanos, 50)),
            millis(stats.phasePercentileMillis(FireLog.Phases::kafkaNanos, 99))), "");
    row("of which readable to handler start (worker fetch, Redis claim, holding until not_before): p50 / p99",
        f("%s / %s", millis(stats.phasePercentileMillis(FireLog.Phases::workerNanos, 50)),
            millis(stats.phasePercentileMillis(FireLog.Phases::workerNanos, 99))), "");
    row(f("fires measured (%d task(s) x %d s)", stats.tasks(), stats.windowSeconds()), Integer.toString(stats.delaysNanos().length), "");
    row("missed seconds (a task did not run for a second of the window)", Long.toString(stats.missed()), "0");
    row("doubled seconds (a second execution for the same fire time)", Long.toString(stats.doubled()), "0");
    row("redelivered (the same execution started again)", Long.toString(stats.redelivered()), "0");
    row("slowest fires: delay = scheduler + Kafka + worker", stats.slowest(5).stream().map(ScheduleReport::phases)
        .collect(Collectors.joining("<br>")), "");
  }

  private static String phases(FireLog.Phases p) {
    return f("%s at %s = %.1f + %.1f + %.1f", millis(p.fire().delayNanos() / 1e6), p.fire().scheduledAt(), p.schedulerNanos() / 1e6,
        p.kafkaNanos() / 1e6, p.workerNanos() / 1e6);
  }

  private void startRows(ScheduleBenchmark.StartTimes t) {
    row("coordinator `start()` (Redis, topics, registry replay, API)", seconds(t.startSeconds()), "");
    row("of which registry replay (last topic created to serving)", seconds(t.replaySeconds()), "");
    row("`start()` called to \"Leading scheduling\" (lease, fencing, planning every schedule)", seconds(t.leadSeconds()), "");
    row("its log line", "`" + t.leadingLine() + "`", "");
  }

  private void usageRows(ProcessMeter.Usage u, String target) {
    row(f("CPU of the benchmark JVM during the window (%.0f s)", u.seconds()), percentOfCore(u.ownCores()), target);
    row("CPU of the Kafka and Redis processes during the window", percentOfCore(u.childCores()), "");
    row("GC during the window", f("%d collections, %d ms", u.gcCount(), u.gcMillis()), "");
  }

  private void header() {
    line("| measure | value | target |");
    line("|---|---|---|");
  }

  private void row(String measure, String value, String target) {
    line("| %s | %s | %s |", measure, value, target);
  }

  private void line(String format, Object... args) {
    out.append(args.length == 0 ? format : String.format(Locale.ROOT, format, args)).append('\n');
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  private static String millis(double ms) {
    return String.format(Locale.ROOT, "%.2f ms", ms);
  }

  private static String seconds(double s) {
    return String.format(Locale.ROOT, "%.1f s", s);
  }

  private static String mib(long bytes) {
    return (bytes >> 20) + " MiB";
  }

  private static String percentOfCore(double cores) {
    return String.format(Locale.ROOT, "%.1f %% of one core", cores * 100);
  }
}
