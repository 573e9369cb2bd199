package io.taskgrid.core.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Decides which fire times are due now, applying a {@link MisfirePolicy} to late ones. */
public final class Misfires {
  private Misfires() {}

  /**
   * Which fires are due now. Fires strictly after {@code lastFired} and at or before {@code now} are
   * candidates. A candidate at most {@code grace} late ({@code now - fire <= grace}) is on time and
   * due. Older candidates are misfires: {@code Skip} drops them, {@code FireOnce} makes the latest
   * one due, {@code CatchUp(window)} makes due those at most {@code window} late. {@code due} is
   * ascending and holds at most {@code limit} instants, the most recent ones.
   *
   * <p>Walks back from {@code now} with {@link Schedule#previous}, so the work is bounded by {@code
   * limit}, however long the scheduler was down.
   */
  public static FirePlan plan(
      Schedule schedule, Instant lastFired, Instant now, Duration grace, MisfirePolicy policy, int limit) {
    return plan(schedule, lastFired, now, grace, policy, limit, 0, 0);
  }

  /**
   * {@link #plan(Schedule, Instant, Instant, Duration, MisfirePolicy, int)}, and the fires it drops
   * in {@link FirePlan#skipped()}: every candidate that is not due, the newest {@code listLimit}
   * listed, up to {@code countLimit} older ones counted. The walk stays bounded by {@code limit +
   * listLimit + countLimit} steps.
   */
  public static FirePlan plan(Schedule schedule, Instant lastFired, Instant now, Duration grace, MisfirePolicy policy,
      int limit, int listLimit, int countLimit) {
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(lastFired, "lastFired");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(grace, "grace");
    Objects.requireNonNull(policy, "policy");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must not be negative, got " + grace);
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
    if (listLimit < 0 || countLimit < 0) {
      throw new IllegalArgumentException("listLimit and countLimit must not be negative, got " + listLimit + " and " + countLimit);
    }
    List<Instant> newestFirst = new ArrayList<>();
    Optional<Instant> candidate = schedule.previous(now.plusNanos(1));
    while (candidate.isPresent() && candidate.get().isAfter(lastFired) && newestFirst.size() < limit) {
      Instant fire = candidate.get();
      Duration late = Duration.between(fire, now);
      if (late.compareTo(grace) > 0) {
        boolean keepGoing =
            switch (policy) {
              case MisfirePolicy.Skip skip -> false;
              case MisfirePolicy.FireOnce once -> {
                newestFirst.add(fire);
                candidate = schedule.previous(fire);
                yield false;
              }
              case MisfirePolicy.CatchUp catchUp -> {
                boolean inWindow = late.compareTo(catchUp.window()) <= 0;
                if (inWindow) {
                  newestFirst.add(fire);
                }
                yield inWindow;
              }
            };
        if (!keepGoing) {
          break;
        }
      } else {
        newestFirst.add(fire);
      }
      candidate = schedule.previous(fire);
    }
    // candidate is now the newest fire that is not due (fire_once moved past the one it runs)
    List<Instant> listed = new ArrayList<>();
    long unlisted = 0;
    Optional<Instant> unlistedNewest = Optional.empty();
    if (listLimit > 0 || countLimit > 0) {
      while (candidate.isPresent() && candidate.get().isAfter(lastFired)) {
        if (listed.size() < listLimit) {
          listed.add(candidate.get());
        } else if (unlisted < countLimit) {
          if (unlisted == 0) unlistedNewest = candidate;
          unlisted++;
        } else {
          break;
        }
        candidate = schedule.previous(candidate.get());
      }
    }
    FirePlan.Skipped skipped = FirePlan.Skipped.NONE;
    if (listLimit > 0 || countLimit > 0) {
      boolean exact = candidate.isEmpty() || !candidate.get().isAfter(lastFired);
      skipped = new FirePlan.Skipped(listed.reversed(), unlisted, exact, unlistedNewest);
    }
    return new FirePlan(newestFirst.reversed(), schedule.next(now), skipped);
  }
}
