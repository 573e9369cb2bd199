package io.taskgrid.coordinator.internal.stats;

import io.taskgrid.core.keyspace.Keyspace;
import io.taskgrid.core.stats.DurationHistogram;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The statistics counters read from the store ({@link Keyspace.Stats}), sorted into one {@link
 * Group} per handler and per task. Mutable, owned by one GetStats call.
 */
public final class StatsBook {
  /** Executions in a state now, by the letter the scripts count them under. */
  public enum Gauge {
    PENDING('P'), RUNNING('R'), WAITING_RETRY('W'), WAITING_QUEUE('Q'), WAITING_RATE_LIMIT('L');

    private final char code;

    Gauge(char code) {
      this.code = code;
    }

    static Gauge of(String code) {
      for (Gauge g : values()) if (code.length() == 1 && code.charAt(0) == g.code) return g;
      return null;
    }
  }

  /** How an execution ended, by the letter the scripts count it under. */
  public enum End {
    SUCCEEDED('S'), FAILED('F'), TIMEOUT('T'), SKIPPED('K'), CANCELLED('C');

    private final char code;

    End(char code) {
      this.code = code;
    }

    static End of(char code) {
      for (End e : values()) if (code == e.code) return e;
      return null;
    }
  }

  /** The executions that ended within a window. */
  public static final class Window {
    private final long[] ends = new long[End.values().length];
    private final DurationHistogram runs = new DurationHistogram();

    public long count(End end) {
      return ends[end.ordinal()];
    }

    /** Run times of the executions that ran to an end of their own (succeeded, failed, timed out). */
    public DurationHistogram runs() {
      return runs;
    }

    /** succeeded / (succeeded + failed + timed out); 1 when none of those ended. */
    public double successRate() {
      long ok = count(End.SUCCEEDED);
      long all = ok + count(End.FAILED) + count(End.TIMEOUT);
      return all == 0 ? 1.0 : (double) ok / all;
    }

    void add(End end, String bucket, long n) {
      ends[end.ordinal()] += n;
      if (!bucket.isEmpty()) {
        try {
          runs.add(Integer.parseInt(bucket), n);
        } catch (NumberFormatException e) {
          // a malformed bucket still counts the end, without a run time
        }
      }
    }

    void addAll(Window other) {
      for (int i = 0; i < ends.length; i++) ends[i] += other.ends[i];
      runs.addAll(other.runs);
    }
  }

  /** The statistics of one handler, one task, or a sum of groups. */
  public static final class Group {
    private final long[] gauges = new long[Gauge.values().length];
    private final Window lastHour = new Window();
    private final Window lastDay = new Window();
    private long scheduledNextHour;

    /** Executions in that state now; never negative (a counter that drifted below 0 reads 0). */
    public long gauge(Gauge g) {
      return Math.max(0, gauges[g.ordinal()]);
    }

    public Window lastHour() {
      return lastHour;
    }

    public Window lastDay() {
      return lastDay;
    }

    public long scheduledNextHour() {
      return scheduledNextHour;
    }

    public Group addScheduled(long fires) {
      scheduledNextHour += fires;
      return this;
    }

    /** Adds another group's figures to this one's. */
    public Group addAll(Group other) {
      for (int i = 0; i < gauges.length; i++) gauges[i] += Math.max(0, other.gauges[i]);
      lastHour.addAll(other.lastHour);
      lastDay.addAll(other.lastDay);
      scheduledNextHour += other.scheduledNextHour;
      return this;
    }
  }

  private final SortedMap<String, Group> handlers = new TreeMap<>();
  private final SortedMap<String, Group> tasks = new TreeMap<>();

  /** The groups of the counters' fields; a field that does not parse is skipped. */
  public static StatsBook of(Map<String, Long> live, Map<String, Long> lastHour, Map<String, Long> lastDay) {
    StatsBook book = new StatsBook();
    live.forEach((field, n) -> {
      int bar = field.indexOf('|', 2);
      Group g = bar < 0 ? null : book.group(field.substring(0, 2), field.substring(2, bar));
      Gauge gauge = bar < 0 ? null : Gauge.of(field.substring(bar + 1));
      if (g != null && gauge != null) g.gauges[gauge.ordinal()] += n;
    });
    lastHour.forEach((field, n) -> book.addEnd(field, n, true));
    lastDay.forEach((field, n) -> book.addEnd(field, n, false));
    return book;
  }

  private void addEnd(String field, long n, boolean hour) {
    int bar = field.indexOf('|', 2);
    if (bar < 0 || field.length() < bar + 3 || field.charAt(bar + 2) != '|') return;
    Group g = group(field.substring(0, 2), field.substring(2, bar));
    End end = End.of(field.charAt(bar + 1));
    if (g == null || end == null) return;
    (hour ? g.lastHour : g.lastDay).add(end, field.substring(bar + 3), n);
  }

  private Group group(String kind, String name) {
    return switch (kind) {
      case "h:" -> handler(name);
      case "t:" -> task(name);
      default -> null;
    };
  }

  /** The group of a handler, created empty when it has none. */
  public Group handler(String name) {
    return handlers.computeIfAbsent(name, n -> new Group());
  }

  /** The group of a task, created empty when it has none. */
  public Group task(String id) {
    return tasks.computeIfAbsent(id, n -> new Group());
  }

  /** The handlers' groups, by name. */
  public SortedMap<String, Group> handlers() {
    return handlers;
  }

  /** The tasks' groups, by id. */
  public SortedMap<String, Group> tasks() {
    return tasks;
  }

  /** Everything: the sum of the handlers' groups (every execution has a handler). */
  public Group total() {
    Group total = new Group();
    handlers.values().forEach(total::addAll);
    return total;
  }
}
