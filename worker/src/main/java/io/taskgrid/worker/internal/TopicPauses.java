package io.taskgrid.worker.internal;

import io.taskgrid.core.Priority;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Which priorities' topics the consumer stops fetching. Each priority has a budget of its own:
 * its topic pauses when {@code maxInFlight} of its deliveries are in flight, and resumes when
 * fewer than half are. So a backlog of BACKGROUND work that fills its budget never stops a
 * CRITICAL message from being fetched, and a flood of CRITICAL work never stops BACKGROUND from
 * being fetched (its turn to run comes from {@link PriorityInbox}). A worker holds at most five
 * budgets' worth of deliveries (plus one poll). While draining, everything pauses.
 */
final class TopicPauses {
  private final int maxInFlight;
  private final EnumSet<Priority> paused = EnumSet.noneOf(Priority.class);

  TopicPauses(int maxInFlight) {
    if (maxInFlight < 2) throw new IllegalArgumentException("maxInFlight must be at least 2, got " + maxInFlight);
    this.maxInFlight = maxInFlight;
  }

  /** The priorities to have paused now, given how many deliveries of each are in flight. */
  Set<Priority> update(ToIntFunction<Priority> inFlight, boolean draining) {
    for (Priority p : Priority.values()) {
      int n = inFlight.applyAsInt(p);
      if (draining || n >= maxInFlight) {
        paused.add(p);
      } else if (n < maxInFlight / 2) {
        paused.remove(p);
      }
    }
    return paused.clone();
  }

  boolean isPaused(Priority p) {
    return paused.contains(p);
  }
}
