package io.taskgrid.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The cluster's statistics as a coordinator read them ({@link TaskgridClient#stats}): counts of
 * executions by how they ended over the last hour and day, run-time percentiles, how many run or
 * wait now, and how many fires are due in the next hour. The coordinators keep these as counters
 * updated where executions change status, so reading them costs the same whatever the history
 * holds.
 *
 * @param asOf when the figures were read
 * @param total everything the filter matched
 * @param handlers one group per handler (with executions in the last day, running or waiting, or
 *     registered tasks), ordered by handler; empty when the filter names a task
 * @param tasks one group per registered task and per task with executions in the last day, ordered
 *     by task id (at most 10,000; the total counts them all)
 */
public record Stats(Instant asOf, Group total, List<Group> handlers, List<Group> tasks) {
  public Stats {
    Objects.requireNonNull(asOf, "asOf");
    Objects.requireNonNull(total, "total");
    handlers = List.copyOf(handlers);
    tasks = List.copyOf(tasks);
  }

  /**
   * The statistics of one handler, one task, or of everything.
   *
   * @param taskId the task these are of; empty for a handler's group and for the total
   * @param handler the handler these are of; empty for a task's group and for the total
   * @param lastHour the executions that ended in the last hour (59 to 60 minutes, by the minute)
   * @param lastDay the executions that ended in the last day (23 to 24 hours, by the hour)
   * @param running executions whose handler runs now
   * @param pending executions accepted and queued, not started yet
   * @param waitingRetry executions waiting for their next attempt (RETRY_SCHEDULED)
   * @param waitingQueue executions waiting for a concurrency permit (overlap policy QUEUE)
   * @param waitingRateLimit executions waiting for rate budget (rate limit DELAY)
   * @param scheduledNextHour fires of active cron and one-off triggers due in the next hour
   */
  public record Group(
      String taskId,
      String handler,
      Window lastHour,
      Window lastDay,
      long running,
      long pending,
      long waitingRetry,
      long waitingQueue,
      long waitingRateLimit,
      long scheduledNextHour) {
    public Group {
      Objects.requireNonNull(taskId, "taskId");
      Objects.requireNonNull(handler, "handler");
      Objects.requireNonNull(lastHour, "lastHour");
      Objects.requireNonNull(lastDay, "lastDay");
    }
  }

  /**
   * The executions that ended within a window, by how they ended.
   *
   * @param succeeded ended SUCCEEDED
   * @param failed ended FAILED
   * @param timedOut ended TIMEOUT
   * @param skipped ended SKIPPED
   * @param cancelled ended CANCELLED
   * @param successRate succeeded / (succeeded + failed + timed out), 0 to 1; 1 when none of those
   *     ended
   * @param p50 median handler run time (start of the last attempt to its end) of the executions
   *     that succeeded, failed or timed out, within 5%; empty when none did
   * @param p95 95th percentile of the same
   * @param p99 99th percentile of the same
   */
  public record Window(
      long succeeded,
      long failed,
      long timedOut,
      long skipped,
      long cancelled,
      double successRate,
      Optional<Duration> p50,
      Optional<Duration> p95,
      Optional<Duration> p99) {
    public Window {
      Objects.requireNonNull(p50, "p50");
      Objects.requireNonNull(p95, "p95");
      Objects.requireNonNull(p99, "p99");
    }

    /** Executions that ended in the window, however they ended. */
    public long ended() {
      return succeeded + failed + timedOut + skipped + cancelled;
    }
  }
}
