package io.taskgrid.core.task;

import java.time.Duration;
import java.time.Instant;

/** When a registered task runs by itself. */
public sealed interface Trigger {
  /** A cron expression, preset or {@code @every} interval, read in the task's time zone. */
  record Cron(String expression) implements Trigger {}

  /** Once, this long after the task was created. */
  record After(Duration delay) implements Trigger {}

  /** Once, at this instant. */
  record At(Instant instant) implements Trigger {}

  /** On every event whose name matches. */
  record OnEvent(EventPattern pattern) implements Trigger {}

  /** Never by itself: only when asked to run now. */
  record OnDemand() implements Trigger {}
}
