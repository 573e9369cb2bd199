package io.taskgrid.client;

import java.util.Objects;

/**
 * When a registered task runs by itself: one of {@link Cron}, {@link After}, {@link At}, {@link
 * OnEvent} or {@link OnDemand}. The values are kept as written; the cluster checks them when the
 * task is created or updated. Usually set through the {@link TaskDefinition.Builder} methods
 * ({@code cron}, {@code after}, {@code at}, {@code onEvent}).
 */
public sealed interface Trigger {
  /**
   * On a cron schedule, read in the task's time zone.
   *
   * @param expression 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds
   *     first, with names, ranges, steps, lists, {@code L} and {@code #}; or a preset ({@code
   *     @daily}, {@code @hourly}, ...) or {@code @every <duration>} ({@code "@every 90s"})
   */
  record Cron(String expression) implements Trigger {
    /** Rejects null. */
    public Cron {
      Objects.requireNonNull(expression, "expression");
    }
  }

  /**
   * Once, this long after the task is created.
   *
   * @param delay for example {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}, {@code
   *     1h30m} or {@code in 5 minutes}
   */
  record After(String delay) implements Trigger {
    /** Rejects null. */
    public After {
      Objects.requireNonNull(delay, "delay");
    }
  }

  /**
   * Once, at a time in the future.
   *
   * @param time an ISO local date-time read in the task's time zone ({@code 2026-12-24T18:00}) or
   *     an instant with an offset ({@code 2026-12-24T17:00:00Z})
   */
  record At(String time) implements Trigger {
    /** Rejects null. */
    public At {
      Objects.requireNonNull(time, "time");
    }
  }

  /**
   * On every event whose name matches a pattern (see {@link Events#publish(String, Payload)}).
   *
   * @param pattern an event name where {@code *} matches any run of characters: {@code user:*},
   *     {@code audit:*}, {@code *}
   */
  record OnEvent(String pattern) implements Trigger {
    /** Rejects null. */
    public OnEvent {
      Objects.requireNonNull(pattern, "pattern");
    }
  }

  /**
   * Each time an execution of another registered task succeeds: a workflow step. Each upstream
   * success fires this task once.
   *
   * @param taskId the id of the task whose successes trigger this one
   */
  record OnSuccess(String taskId) implements Trigger {
    /** Rejects null. */
    public OnSuccess {
      Objects.requireNonNull(taskId, "taskId");
    }
  }

  /** Never by itself: only when asked with {@link Tasks#runNow(String)}. */
  record OnDemand() implements Trigger {}
}
