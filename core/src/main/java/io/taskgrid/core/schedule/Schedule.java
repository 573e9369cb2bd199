package io.taskgrid.core.schedule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** When a trigger fires. Pure and thread-safe: no clock, no I/O, no mutable state. */
public sealed interface Schedule permits CronSchedule, EverySchedule, OnceSchedule {
  /** The first fire time strictly after {@code after}, or empty if there is none. */
  Optional<Instant> next(Instant after);

  /** The last fire time strictly before {@code before}, or empty if there is none. */
  Optional<Instant> previous(Instant before);

  /** The next {@code count} fire times strictly after {@code after} (fewer if the schedule ends). */
  default List<Instant> preview(Instant after, int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, got " + count);
    }
    List<Instant> fires = new ArrayList<>(Math.min(count, 1024));
    Instant cursor = after;
    while (fires.size() < count) {
      Optional<Instant> fire = next(cursor);
      if (fire.isEmpty()) {
        break;
      }
      cursor = fire.get();
      fires.add(cursor);
    }
    return List.copyOf(fires);
  }
}
