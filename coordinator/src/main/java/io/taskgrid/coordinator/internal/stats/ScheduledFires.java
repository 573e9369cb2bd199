package io.taskgrid.coordinator.internal.stats;

import io.taskgrid.core.schedule.CronSchedule;
import io.taskgrid.core.schedule.EverySchedule;
import io.taskgrid.core.schedule.OnceSchedule;
import io.taskgrid.core.schedule.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How many times a schedule fires in a span, for "scheduled in the next hour". An {@code @every}
 * interval is counted by arithmetic; a cron or one-off is stepped through fire by fire, at most
 * {@value #MAX_STEPPED} steps, which is exact for a span of up to an hour (cron fires at most once a
 * second) and bounds the work of any longer span.
 */
public final class ScheduledFires {
  /** Most fires stepped through for one schedule: one an hour's seconds. */
  public static final int MAX_STEPPED = 3600;

  private ScheduledFires() {}

  /** Fires strictly after {@code from} and at or before {@code to}; 0 when {@code to} is not after {@code from}. */
  public static long count(Schedule schedule, Instant from, Instant to) {
    if (!to.isAfter(from)) return 0;
    return switch (schedule) {
      case EverySchedule every -> firesThrough(every, to) - firesThrough(every, from);
      case CronSchedule cron -> stepped(cron, from, to);
      case OnceSchedule once -> stepped(once, from, to);
    };
  }

  /** Fires at or before {@code t}: the k >= 1 with anchor + k * interval <= t. */
  private static long firesThrough(EverySchedule every, Instant t) {
    return t.isAfter(every.anchor()) ? Duration.between(every.anchor(), t).dividedBy(every.interval()) : 0;
  }

  private static long stepped(Schedule schedule, Instant from, Instant to) {
    long n = 0;
    Instant cursor = from;
    while (n < MAX_STEPPED) {
      Optional<Instant> next = schedule.next(cursor);
      if (next.isEmpty() || next.get().isAfter(to)) break;
      n++;
      cursor = next.get();
    }
    return n;
  }
}
