package io.taskgrid.core.task;

import io.taskgrid.core.schedule.Schedule;
import java.time.Duration;
import java.time.Instant;

/** When a registered task runs by itself. */
public sealed interface Trigger {
  /**
   * A cron expression, preset or {@code @every} interval, read in the task's time zone.
   *
   * @param compiled the expression parsed once, when validated, in the task's zone (an {@code
   *     @every} anchored at the epoch; the task anchors it at its creation): a coordinator holding
   *     a million tasks does not parse them again for every plan and fire
   */
  record Cron(String expression, Schedule compiled) implements Trigger {}

  /** Once, this long after the task was created. */
  record After(Duration delay) implements Trigger {}

  /** Once, at this instant. */
  record At(Instant instant) implements Trigger {}

  /** On every event whose name matches. */
  record OnEvent(EventPattern pattern) implements Trigger {}

  /** Each time an execution of {@code task} succeeds. */
  record OnSuccess(TaskId task) implements Trigger {}

  /** Never by itself: only when asked to run now. */
  record OnDemand() implements Trigger {}
}
