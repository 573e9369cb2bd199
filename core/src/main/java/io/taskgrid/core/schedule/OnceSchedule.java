package io.taskgrid.core.schedule;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** Fires once, at {@code at}. */
public record OnceSchedule(Instant at) implements Schedule {
  public OnceSchedule {
    Objects.requireNonNull(at, "at");
  }

  @Override
  public Optional<Instant> next(Instant after) {
    return at.isAfter(after) ? Optional.of(at) : Optional.empty();
  }

  @Override
  public Optional<Instant> previous(Instant before) {
    return at.isBefore(before) ? Optional.of(at) : Optional.empty();
  }
}
