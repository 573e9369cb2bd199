package io.taskgrid.core.task;

import io.taskgrid.core.HandlerName;
import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.Labels;
import io.taskgrid.core.Payload;
import io.taskgrid.core.Priority;
import io.taskgrid.core.policy.ExecutionPolicy;
import io.taskgrid.core.schedule.EverySchedule;
import io.taskgrid.core.schedule.MisfirePolicy;
import io.taskgrid.core.schedule.OnceSchedule;
import io.taskgrid.core.schedule.Schedule;
import io.taskgrid.core.schedule.Schedules;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;

/**
 * A registered task as its owner defined it: what runs ({@code handler}, {@code payload}), when
 * ({@code trigger} read in {@code zone}) and how it is found again (tags, category, metadata).
 * Every value is valid: build one with {@link TaskDraft#validate}.
 *
 * @param zone the time zone of the trigger; empty means the cluster's default zone
 * @param timeout the time limit of one attempt; empty means the cluster's default
 * @param policy retries, concurrency, rate limit and breaker key of each execution
 * @param side present for a side task (one long-running instance in the cluster), with its restart
 *     policy
 * @param preconditions run condition and dependencies, checked before each execution's handler
 */
public record TaskDefinition(
    TaskId id,
    String name,
    String description,
    HandlerName handler,
    Payload payload,
    Trigger trigger,
    Optional<ZoneId> zone,
    boolean enabled,
    SortedSet<String> tags,
    String category,
    Labels metadata,
    MisfirePolicy misfirePolicy,
    Duration jitter,
    Optional<Duration> timeout,
    Priority priority,
    ExecutionPolicy policy,
    Optional<SideTask> side,
    Preconditions preconditions) {

  public TaskDefinition {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(zone, "zone");
    // a coordinator holds every registered task in memory (a million is a supported size):
    // empty collections are shared and repeated strings interned
    tags = tags.isEmpty() ? java.util.Collections.emptySortedSet() : java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(tags));
    category = category.intern();
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(misfirePolicy, "misfirePolicy");
    Objects.requireNonNull(jitter, "jitter");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(side, "side");
    Objects.requireNonNull(preconditions, "preconditions");
  }

  /** The zone the trigger is read in. */
  public ZoneId zoneOr(ZoneId clusterDefault) {
    return zone.orElse(clusterDefault);
  }

  /**
   * When the trigger fires, for a task created at {@code createdAt}; empty for event and on-demand
   * triggers.
   */
  public Optional<Schedule> schedule(ZoneId clusterDefault, Instant createdAt) {
    return switch (trigger) {
      case Trigger.Cron c -> Optional.of(c.compiled() instanceof EverySchedule every ? new EverySchedule(every.interval(), createdAt) : c.compiled());
      case Trigger.After a -> Optional.of(new OnceSchedule(createdAt.plus(a.delay())));
      case Trigger.At at -> Optional.of(new OnceSchedule(at.instant()));
      case Trigger.OnEvent e -> Optional.empty();
      case Trigger.OnSuccess s -> Optional.empty();
      case Trigger.OnDemand d -> Optional.empty();
    };
  }

  /** Rejects an {@code at} trigger that is not after {@code now}: such a task could never fire. */
  public void requireFuture(Instant now) {
    if (trigger instanceof Trigger.At at && !at.instant().isAfter(now)) {
      throw new InvalidArgumentException("trigger.at", "must be in the future, got " + at.instant() + " (now " + now + ")");
    }
  }

  /** Whether the trigger fires at most once (after / at). */
  public boolean isOneOff() {
    return trigger instanceof Trigger.After || trigger instanceof Trigger.At;
  }

  /** The same definition with {@code enabled} changed. */
  public TaskDefinition withEnabled(boolean value) {
    return new TaskDefinition(
        id, name, description, handler, payload, trigger, zone, value, tags, category, metadata, misfirePolicy, jitter, timeout, priority,
        policy, side, preconditions);
  }

  /** The same definition with {@code value} as its execution policy. */
  public TaskDefinition withPolicy(ExecutionPolicy value) {
    return new TaskDefinition(
        id, name, description, handler, payload, trigger, zone, enabled, tags, category, metadata, misfirePolicy, jitter, timeout, priority,
        value, side, preconditions);
  }

  /**
   * The same definition as a side task with {@code value} as its restart policy. A side task runs
   * all the time, so it has no trigger.
   */
  public TaskDefinition withSide(SideTask value) {
    if (!(trigger instanceof Trigger.OnDemand)) {
      throw new InvalidArgumentException("side", "a side task runs all the time and takes no trigger (cron, after, at or event), got a " + trigger.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " trigger");
    }
    return new TaskDefinition(
        id, name, description, handler, payload, trigger, zone, enabled, tags, category, metadata, misfirePolicy, jitter, timeout, priority,
        policy, Optional.of(value), preconditions);
  }

  /** Whether this is a side task. */
  public boolean isSide() {
    return side.isPresent();
  }

  /** The same definition with {@code value} as its trigger. */
  public TaskDefinition withTrigger(Trigger value) {
    return new TaskDefinition(
        id, name, description, handler, payload, value, zone, enabled, tags, category, metadata, misfirePolicy, jitter, timeout, priority,
        policy, side, preconditions);
  }

  /** The same definition with {@code value} as its preconditions. */
  public TaskDefinition withPreconditions(Preconditions value) {
    return new TaskDefinition(
        id, name, description, handler, payload, trigger, zone, enabled, tags, category, metadata, misfirePolicy, jitter, timeout, priority,
        policy, side, value);
  }

  /** Metadata limits are those of execution labels. */
  static Labels metadata(Map<String, String> values) {
    if (values == null || values.isEmpty()) return Labels.NONE;
    try {
      return new Labels(values);
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException(e.field().replaceFirst("^labels", "metadata"), e.getMessage().substring(e.field().length() + 2));
    }
  }
}
