package io.taskgrid.core.task;

import io.taskgrid.core.Durations;
import io.taskgrid.core.ExecutionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether the dependencies of an execution are met, given the latest execution of each dependency:
 * each must have SUCCEEDED and finished within the window before {@code now}. One still pending or
 * running is waited for until {@code waitUntil}; after that, or when one ended otherwise, the
 * execution is skipped with reason {@code dependency_not_met:<task id>}. Pure: the worker reads the
 * latest executions and the clock, and calls {@link #decide} again after each wait.
 */
public final class DependencyCheck {
  /** Prefix of the SKIPPED reason; the dependency's task id follows. */
  public static final String NOT_MET = "dependency_not_met:";

  private DependencyCheck() {}

  /**
   * The latest execution of a dependency, as the execution store has it.
   *
   * @param finishedAt when it ended; empty while it has not
   */
  public record Latest(String executionId, ExecutionStatus status, Optional<Instant> finishedAt) {
    public Latest {
      Objects.requireNonNull(executionId, "executionId");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(finishedAt, "finishedAt");
    }
  }

  /** A dependency and its latest execution (empty when it never ran, or its history expired). */
  public record Dependency(TaskId task, Optional<Latest> latest) {}

  /** What to do with the execution. */
  public sealed interface Decision {
    /** Every dependency succeeded within the window: run the handler. */
    record Met() implements Decision {}

    /** A dependency's latest execution has not ended yet: look again later (before {@code waitUntil}). */
    record Wait(TaskId task) implements Decision {}

    /**
     * A dependency is not met: the execution ends SKIPPED with {@link #reason()}.
     *
     * @param detail why, for logs
     */
    record NotMet(TaskId task, String detail) implements Decision {
      public String reason() {
        return NOT_MET + task.value();
      }
    }
  }

  /**
   * Decides from {@code dependencies} (in depends_on order; the first not met is named). A
   * dependency that ended otherwise than SUCCEEDED decides at once, without waiting for the others.
   */
  public static Decision decide(List<Dependency> dependencies, Instant now, Duration window, Instant waitUntil) {
    Decision.Wait waiting = null;
    Decision.NotMet timedOut = null;
    for (Dependency d : dependencies) {
      if (d.latest().isEmpty()) return new Decision.NotMet(d.task(), "task " + d.task() + " has no execution");
      Latest l = d.latest().get();
      if (!l.status().isTerminal()) {
        if (now.isBefore(waitUntil)) {
          if (waiting == null) waiting = new Decision.Wait(d.task());
        } else if (timedOut == null) {
          timedOut = new Decision.NotMet(d.task(), "latest execution " + l.executionId() + " of task " + d.task() + " is still "
              + l.status());
        }
        continue;
      }
      if (l.status() != ExecutionStatus.SUCCEEDED) {
        return new Decision.NotMet(d.task(), "latest execution " + l.executionId() + " of task " + d.task() + " ended " + l.status());
      }
      Instant finished = l.finishedAt().orElse(Instant.EPOCH);
      if (finished.isBefore(now.minus(window))) {
        return new Decision.NotMet(d.task(), "latest execution " + l.executionId() + " of task " + d.task() + " succeeded at " + finished
            + ", more than " + Durations.format(window) + " ago");
      }
    }
    if (timedOut != null) return timedOut;
    if (waiting != null) return waiting;
    return new Decision.Met();
  }
}
