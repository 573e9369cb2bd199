package io.taskgrid.e2e.support;

import io.taskgrid.worker.TaskContext;
import io.taskgrid.worker.TaskEvent;
import io.taskgrid.worker.TaskHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What the handlers of a test saw, one entry per handler invocation, so a test can assert which
 * fires ran and how often. Thread-safe.
 */
public final class Runs {
  /**
   * One handler invocation.
   *
   * @param scheduledAt the fire time (for an event, the event's time); null for a direct submission
   * @param labels the execution's labels ({@code taskgrid/task}, {@code taskgrid/trigger}, ...)
   * @param eventName null unless an event triggered it
   * @param seenAt when the handler ran
   */
  public record Run(String taskId, String executionId, int attempt, Instant scheduledAt, Map<String, String> labels, String payload,
      String eventName, String eventData, Instant seenAt) {
    /** What produced the execution: cron, after, at, event or run_now. */
    public String trigger() {
      return labels.get("taskgrid/trigger");
    }
  }

  private final ConcurrentLinkedQueue<Run> runs = new ConcurrentLinkedQueue<>();

  /** A handler that records what it sees and returns its payload as text. */
  public TaskHandler recorder() {
    return ctx -> {
      record(ctx);
      return ctx.payloadText();
    };
  }

  private void record(TaskContext ctx) {
    TaskEvent event = ctx.event().orElse(null);
    runs.add(new Run(ctx.taskId().orElse(null), ctx.executionId(), ctx.attempt(), ctx.scheduledAt().orElse(null),
        Map.copyOf(ctx.labels()), ctx.payloadText(), event == null ? null : event.name(),
        event == null ? null : event.dataText(), Instant.now()));
  }

  /** Every run of {@code taskId}, in the order the handlers started. */
  public List<Run> of(String taskId) {
    return matching(r -> taskId.equals(r.taskId()));
  }

  public List<Run> matching(Predicate<Run> filter) {
    List<Run> out = new ArrayList<>();
    for (Run r : runs) if (filter.test(r)) out.add(r);
    return out;
  }

  public int count(String taskId) {
    return of(taskId).size();
  }

  /** How many times each fire time of {@code taskId} ran, by fire time (runs without one left out). */
  public TreeMap<Instant, Long> perFireTime(String taskId) {
    return of(taskId).stream().filter(r -> r.scheduledAt() != null)
        .collect(Collectors.groupingBy(Run::scheduledAt, TreeMap::new, Collectors.counting()));
  }

  /** Fire times of {@code taskId} that ran more than once, with their counts. */
  public Map<Instant, Long> doubles(String taskId) {
    return perFireTime(taskId).entrySet().stream().filter(e -> e.getValue() > 1)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
  }

  /** Whole seconds from the first to the last fire time of {@code taskId} that never ran. */
  public List<Instant> gaps(String taskId) {
    TreeMap<Instant, Long> fired = perFireTime(taskId);
    List<Instant> missing = new ArrayList<>();
    if (fired.isEmpty()) return missing;
    for (Instant t = fired.firstKey(); t.isBefore(fired.lastKey()); t = t.plusSeconds(1)) {
      if (!fired.containsKey(t)) missing.add(t);
    }
    return missing;
  }

  /** The span between the first and the last fire time of {@code taskId}. */
  public Duration span(String taskId) {
    TreeMap<Instant, Long> fired = perFireTime(taskId);
    return fired.isEmpty() ? Duration.ZERO : Duration.between(fired.firstKey(), fired.lastKey());
  }

  /** Fire times of {@code taskId} for which {@code filter} holds. */
  public List<Instant> fireTimes(String taskId, Predicate<Instant> filter) {
    return perFireTime(taskId).keySet().stream().filter(filter).toList();
  }

  /** A one-line picture of the fire times of {@code taskId}, for assertion messages. */
  public String describe(String taskId) {
    Function<Map.Entry<Instant, Long>, String> show = e -> e.getKey() + (e.getValue() > 1 ? " x" + e.getValue() : "");
    return perFireTime(taskId).entrySet().stream().map(show).collect(Collectors.joining(", ", "[", "]"));
  }
}
