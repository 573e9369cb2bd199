package io.taskgrid.core.schedule;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a trigger should do now: run once for each of {@code due} (ascending, oldest first), then
 * wake up again at {@code next}, the first fire time after now (empty when the schedule has ended).
 * {@code skipped} are the fires after the last one fired that the misfire policy (or the catch-up
 * limit) drops.
 */
public record FirePlan(List<Instant> due, Optional<Instant> next, Skipped skipped) {
  public FirePlan {
    due = List.copyOf(due);
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(skipped, "skipped");
  }

  /** A plan that does not look at skipped fires. */
  public FirePlan(List<Instant> due, Optional<Instant> next) {
    this(due, next, Skipped.NONE);
  }

  /**
   * Dropped fires, bounded however long the scheduler was down: the newest ones {@code listed}
   * (ascending), and the older ones only counted. {@code unlisted} of them were counted; when
   * {@code unlistedExact} is false counting stopped there and there are more. {@code
   * unlistedNewest} is the newest unlisted fire (present when {@code unlisted > 0}).
   */
  public record Skipped(List<Instant> listed, long unlisted, boolean unlistedExact, Optional<Instant> unlistedNewest) {
    public static final Skipped NONE = new Skipped(List.of(), 0, true, Optional.empty());

    public Skipped {
      listed = List.copyOf(listed);
      Objects.requireNonNull(unlistedNewest, "unlistedNewest");
      if (unlisted < 0) {
        throw new IllegalArgumentException("unlisted must not be negative, got " + unlisted);
      }
      if ((unlisted > 0) != unlistedNewest.isPresent()) {
        throw new IllegalArgumentException("unlistedNewest must be present exactly when unlisted > 0");
      }
    }

    /** Whether no fire was dropped (or none was looked for). */
    public boolean isEmpty() {
      return listed.isEmpty() && unlisted == 0;
    }
  }
}
