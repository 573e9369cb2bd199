package io.taskgrid.benchmark;

import io.taskgrid.worker.TaskContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.ToLongFunction;

/**
 * Every start of a scheduled execution in this JVM, as the handler saw it. The fire delay is the
 * handler's start minus {@link TaskContext#scheduledAt()}, both read from this JVM's wall clock
 * (the coordinator that fired runs in the same JVM), so no clock skew enters it.
 */
final class FireLog {
  /** One handler start. */
  record Fire(String taskId, Instant scheduledAt, String executionId, Instant started) {
    long delayNanos() {
      return Duration.between(scheduledAt, started).toNanos();
    }
  }

  /**
   * Where one fire's delay went, split where its task message was written (its record's create
   * time, in whole milliseconds) and where a {@code read_committed} consumer could first read it.
   *
   * @param schedulerNanos fire time to message written: the scheduler's wake-up and work
   * @param kafkaNanos written to readable: the Kafka transaction's commit and a consumer's fetch
   * @param workerNanos readable to handler start: the worker's fetch, Redis claim, dispatch and wait for not_before
   */
  record Phases(Fire fire, long schedulerNanos, long kafkaNanos, long workerNanos) {
    static Phases of(Fire f, TaskMessageProbe.Seen seen) {
      long written = Duration.between(f.scheduledAt(), seen.createdAt()).toNanos();
      long readable = Duration.between(f.scheduledAt(), seen.readAt()).toNanos();
      return new Phases(f, written, readable - written, Math.max(0, f.delayNanos() - readable));
    }
  }

  /**
   * The fires of some per-second tasks in a window.
   *
   * @param delaysNanos fire delays, sorted
   * @param phases the split of each delay, for the fires whose message the probe saw
   * @param missed seconds of the window in which a task did not run
   * @param doubled fires of a second that a task had already run for, as another execution
   * @param redelivered starts of an execution that had already started (the same execution run again)
   */
  record Stats(long[] delaysNanos, List<Phases> phases, int tasks, long windowSeconds, long missed, long doubled, long redelivered) {
    double percentileMillis(double p) {
      return percentileMillis(delaysNanos, p);
    }

    double maxMillis() {
      return delaysNanos.length == 0 ? Double.NaN : delaysNanos[delaysNanos.length - 1] / 1e6;
    }

    /** A percentile of one phase over all fires. */
    double phasePercentileMillis(ToLongFunction<Phases> phase, double p) {
      return percentileMillis(phases.stream().mapToLong(phase).sorted().toArray(), p);
    }

    /** The {@code n} fires that took longest, slowest first. */
    List<Phases> slowest(int n) {
      return phases.stream().sorted(Comparator.comparingLong((Phases x) -> x.fire().delayNanos()).reversed()).limit(n).toList();
    }

    private static double percentileMillis(long[] sorted, double p) {
      if (sorted.length == 0) return Double.NaN;
      int i = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
      return sorted[Math.max(0, i)] / 1e6;
    }
  }

  private final ConcurrentLinkedQueue<Fire> fires = new ConcurrentLinkedQueue<>();

  /** The handler of every benchmark task: notes when it started, and does nothing else. */
  Object record(TaskContext ctx) {
    Instant started = Instant.now();
    ctx.scheduledAt().ifPresent(at -> fires.add(new Fire(ctx.taskId().orElse(""), at, ctx.executionId(), started)));
    return null;
  }

  /** Fires of tasks not in {@code tasks} whose fire time lies in [from, to). */
  long othersBetween(Set<String> tasks, Instant from, Instant to) {
    return fires.stream().filter(f -> !tasks.contains(f.taskId()) && inWindow(f, from, to)).count();
  }

  /** Statistics of the per-second tasks {@code tasks} over the whole seconds [from, to). */
  Stats perSecondStats(Set<String> tasks, Instant from, Instant to, TaskMessageProbe probe) {
    Map<String, Set<Instant>> firedSeconds = new HashMap<>();
    Set<String> startedExecutions = new HashSet<>();
    long doubled = 0;
    long redelivered = 0;
    List<Fire> first = new ArrayList<>();
    for (Fire f : fires) {
      if (!tasks.contains(f.taskId()) || !inWindow(f, from, to)) continue;
      if (!startedExecutions.add(f.executionId())) {
        redelivered++;
        continue;
      }
      if (!firedSeconds.computeIfAbsent(f.taskId(), t -> new HashSet<>()).add(f.scheduledAt())) doubled++;
      first.add(f);
    }
    long seconds = Duration.between(from, to).toSeconds();
    long ran = firedSeconds.values().stream().mapToLong(Set::size).sum();
    long[] delays = first.stream().mapToLong(Fire::delayNanos).sorted().toArray();
    List<Phases> phases = first.stream().filter(f -> probe.get(f.executionId()) != null)
        .map(f -> Phases.of(f, probe.get(f.executionId()))).toList();
    return new Stats(delays, phases, tasks.size(), seconds, tasks.size() * seconds - ran, doubled, redelivered);
  }

  private static boolean inWindow(Fire f, Instant from, Instant to) {
    return !f.scheduledAt().isBefore(from) && f.scheduledAt().isBefore(to);
  }
}
