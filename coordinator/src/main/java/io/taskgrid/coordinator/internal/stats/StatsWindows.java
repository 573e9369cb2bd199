package io.taskgrid.coordinator.internal.stats;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which time buckets make up the windows of GetStats at a given instant. Ends are counted in the
 * minute and the hour they happened in (epoch minute = epoch ms / 60,000, epoch hour = epoch ms /
 * 3,600,000); the last hour is the current minute and the 59 before it, the last day the current
 * hour and the 23 before it. So a window covers between its length minus one bucket and its full
 * length: an end drops out of the last hour 59 to 60 minutes after it, out of the last day 23 to 24
 * hours after it.
 */
public final class StatsWindows {
  /** Minute buckets in the last hour. */
  public static final int MINUTES = 60;
  /** Hour buckets in the last day. */
  public static final int HOURS = 24;

  private StatsWindows() {}

  /** The epoch minutes of the last hour at {@code now}, oldest first. */
  public static List<Long> lastHour(Instant now) {
    return buckets(Math.floorDiv(now.toEpochMilli(), 60_000L), MINUTES);
  }

  /** The epoch hours of the last day at {@code now}, oldest first. */
  public static List<Long> lastDay(Instant now) {
    return buckets(Math.floorDiv(now.toEpochMilli(), 3_600_000L), HOURS);
  }

  private static List<Long> buckets(long current, int count) {
    List<Long> out = new ArrayList<>(count);
    for (long b = current - count + 1; b <= current; b++) out.add(b);
    return out;
  }
}
