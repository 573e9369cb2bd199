package io.taskgrid.core.schedule;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a trigger should do now: run once for each of {@code due} (ascending, oldest first), then
 * wake up again at {@code next}, the first fire time after now (empty when the schedule has ended).
 */
public record FirePlan(List<Instant> due, Optional<Instant> next) {
  public FirePlan {
    due = List.copyOf(due);
    Objects.requireNonNull(next, "next");
  }
}
