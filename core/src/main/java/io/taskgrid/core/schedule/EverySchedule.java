package io.taskgrid.core.schedule;

import io.taskgrid.core.Durations;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Fires every {@code interval} of elapsed time, at {@code anchor + k * interval} for k = 1, 2, …
 * Time zones and daylight saving do not apply: an hour is always 3600 seconds.
 */
public record EverySchedule(Duration interval, Instant anchor) implements Schedule {
  /** The shortest interval: cron's resolution, and a floor against accidental busy loops. */
  public static final Duration MINIMUM = Duration.ofSeconds(1);

  public EverySchedule {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(anchor, "anchor");
    if (interval.compareTo(MINIMUM) < 0) {
      throw new IllegalArgumentException("interval must be at least 1s, got " + Durations.format(interval));
    }
  }

  @Override
  public Optional<Instant> next(Instant after) {
    // k = floor((after - anchor) / interval) + 1, and at least 1
    long k = after.isBefore(anchor) ? 1 : Duration.between(anchor, after).dividedBy(interval) + 1;
    return fire(k);
  }

  @Override
  public Optional<Instant> previous(Instant before) {
    if (!before.isAfter(anchor)) {
      return Optional.empty();
    }
    // the largest k with anchor + k * interval < before
    Duration elapsed = Duration.between(anchor, before);
    long k = elapsed.dividedBy(interval);
    if (interval.multipliedBy(k).equals(elapsed)) {
      k--;
    }
    return k < 1 ? Optional.empty() : fire(k);
  }

  private Optional<Instant> fire(long k) {
    try {
      return Optional.of(anchor.plus(interval.multipliedBy(k)));
    } catch (ArithmeticException | DateTimeException beyondTime) {
      return Optional.empty();
    }
  }
}
