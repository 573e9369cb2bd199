package io.taskgrid.worker;

import java.util.Objects;

/**
 * What a {@link RunCondition} decided: run the task's handler, or skip this execution with a
 * reason (the execution ends SKIPPED and its record shows the reason).
 */
public sealed interface ConditionResult {
  /** Most characters of a skip reason; a longer one is cut, so a record stays small. */
  int MAX_REASON = 1000;

  /** Run the handler. */
  static ConditionResult run() {
    return Run.INSTANCE;
  }

  /** Skip this execution; {@code reason} (not blank) is recorded as the SKIPPED reason. */
  static ConditionResult skip(String reason) {
    return new Skip(reason);
  }

  /** Run when {@code run} is true, otherwise skip with {@code reason}. */
  static ConditionResult of(boolean run, String reason) {
    return run ? run() : skip(reason);
  }

  /** The handler runs. */
  record Run() implements ConditionResult {
    static final Run INSTANCE = new Run();
  }

  /** The execution is skipped with {@code reason}. */
  record Skip(String reason) implements ConditionResult {
    public Skip {
      Objects.requireNonNull(reason, "reason");
      if (reason.isBlank()) throw new IllegalArgumentException("a skip reason must not be blank");
      if (reason.length() > MAX_REASON) reason = reason.substring(0, MAX_REASON);
    }
  }
}
