package io.taskgrid.core.task;

import io.taskgrid.core.schedule.Schedule;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;

/**
 * A task as the registry stores it: its definition and where it stands. Changes are pure
 * functions returning the next version, so every coordinator that replays the registry log
 * computes the same thing.
 *
 * @param scheduleFrom fires at or before this instant never run: creation, a trigger change or a
 *     resume moves it to "now", so nothing missed before that point fires (no burst on resume)
 * @param revision increases with every change, starting at 1
 */
public record RegisteredTask(
    TaskDefinition definition, boolean paused, Instant createdAt, Instant updatedAt, Instant scheduleFrom, long revision) {

  public RegisteredTask {
    Objects.requireNonNull(definition, "definition");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(scheduleFrom, "scheduleFrom");
  }

  public TaskId id() {
    return definition.id();
  }

  /** A newly registered task. */
  public static RegisteredTask create(TaskDefinition definition, Instant now) {
    return new RegisteredTask(definition, false, now, now, now, 1);
  }

  /**
   * The task with a new definition. A new trigger or zone, or a task enabled again, schedules from
   * now; otherwise the schedule continues where it was.
   */
  public RegisteredTask update(TaskDefinition next, Instant now) {
    boolean reschedule = !next.trigger().equals(definition.trigger())
        || !next.zone().equals(definition.zone())
        || (next.enabled() && !definition.enabled());
    Instant from = reschedule && !next.isOneOff() ? now : scheduleFrom;
    Instant created = reschedule && next.isOneOff() && !next.trigger().equals(definition.trigger()) ? now : createdAt;
    return new RegisteredTask(next, paused, created, now, from, revision + 1);
  }

  /** Paused: no fires until resumed. Pausing a paused task changes nothing. */
  public RegisteredTask pause(Instant now) {
    return paused ? this : new RegisteredTask(definition, true, createdAt, now, scheduleFrom, revision + 1);
  }

  /**
   * Resumed: a recurring schedule continues from now (fires missed while paused are dropped); a
   * one-off whose time passed while paused is then decided by its misfire policy.
   */
  public RegisteredTask resume(Instant now) {
    if (!paused) return this;
    Instant from = definition.isOneOff() ? scheduleFrom : now;
    return new RegisteredTask(definition, false, createdAt, now, from, revision + 1);
  }

  /** Whether its trigger may fire by itself now (enabled, not paused, and time-based). */
  public boolean isScheduled() {
    return definition.enabled() && !paused && !(definition.trigger() instanceof Trigger.OnEvent)
        && !(definition.trigger() instanceof Trigger.OnDemand) && !(definition.trigger() instanceof Trigger.OnSuccess);
  }

  /** Whether a success of {@code upstream}'s execution triggers it now. */
  public boolean followsSuccessOf(TaskId upstream) {
    return definition.enabled() && !paused && definition.trigger() instanceof Trigger.OnSuccess on && on.task().equals(upstream);
  }

  /** Whether events may trigger it now. */
  public boolean listensTo(EventName event) {
    return definition.enabled() && !paused && definition.trigger() instanceof Trigger.OnEvent on && on.pattern().matches(event);
  }

  /** The fire times of its trigger, if time-based. */
  public Optional<Schedule> schedule(ZoneId clusterDefault) {
    return definition.schedule(clusterDefault, createdAt);
  }

  /** Where it stands, given its fire progress (which may belong to an earlier task of the same id). */
  public TaskState state(Optional<FireProgress> progress) {
    if (!definition.enabled()) return TaskState.DISABLED;
    if (definition.isOneOff() && progress.filter(p -> p.belongsTo(this) && p.completed()).isPresent()) return TaskState.COMPLETED;
    if (paused) return TaskState.PAUSED;
    return TaskState.ACTIVE;
  }

  /** Fires at or before this instant are done or dropped. */
  public Instant firedThrough(Optional<FireProgress> progress) {
    return progress.filter(p -> p.belongsTo(this)).map(FireProgress::lastFireTime).filter(t -> t.isAfter(scheduleFrom)).orElse(scheduleFrom);
  }
}
