package io.taskgrid.client;

import java.util.Objects;

/**
 * Which statistics to read ({@link TaskgridClient#stats(StatsFilter)}). The filters combine with
 * AND; an empty one matches all.
 *
 * <ul>
 *   <li>A task: the total is that task's figures, {@link Stats#tasks()} holds only it and {@link
 *       Stats#handlers()} is empty (a handler's counters are not split by task). A task id with no
 *       executions and no registration reads as zeros (a deleted task's executions still count for
 *       a day), not as not found.
 *   <li>A handler: the total is that handler's figures, {@link Stats#handlers()} holds only it and
 *       {@link Stats#tasks()} its registered tasks.
 *   <li>Both: the task's figures when it is registered with that handler, else zeros.
 * </ul>
 *
 * @param taskId only this registered task; empty for all
 * @param handler only this handler; empty for all
 */
public record StatsFilter(String taskId, String handler) {
  public StatsFilter {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(handler, "handler");
  }

  /** Everything. */
  public static StatsFilter all() {
    return new StatsFilter("", "");
  }

  /** Only the executions and fires of registered task {@code taskId}. */
  public static StatsFilter task(String taskId) {
    return new StatsFilter(taskId, "");
  }

  /** Only the executions and fires of {@code handler}. */
  public static StatsFilter handler(String handler) {
    return new StatsFilter("", handler);
  }
}
