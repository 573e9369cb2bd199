package io.taskgrid.core;

import java.time.Instant;

/** How one attempt of an execution ended. */
public sealed interface Outcome {
  Instant startedAt();

  Instant finishedAt();

  /** The terminal status this outcome gives an execution. */
  default ExecutionStatus status() {
    return switch (this) {
      case Succeeded s -> ExecutionStatus.SUCCEEDED;
      case Failed f -> ExecutionStatus.FAILED;
      case TimedOut t -> ExecutionStatus.TIMEOUT;
      case Skipped s -> ExecutionStatus.SKIPPED;
      case Cancelled c -> ExecutionStatus.CANCELLED;
    };
  }

  /** The handler returned {@code result}. */
  record Succeeded(Instant startedAt, Instant finishedAt, Payload result) implements Outcome {}

  /** The handler threw, or could not be run; {@code errorType} is a stable kind. */
  record Failed(Instant startedAt, Instant finishedAt, String errorType, String message) implements Outcome {
    public static final String UNKNOWN_HANDLER = "taskgrid.UnknownHandler";
    public static final String INVALID_PAYLOAD = "taskgrid.InvalidPayload";
    /** The handler returned a result over the worker's limit. */
    public static final String RESULT_TOO_LARGE = "taskgrid.ResultTooLarge";
    /** The handler's circuit breaker was open: the handler was not called. Retried by the retry policy. */
    public static final String CIRCUIT_OPEN = "taskgrid.CircuitOpen";
    /** The task message carried a policy the worker cannot apply (written by hand to Kafka). */
    public static final String INVALID_POLICY = "taskgrid.InvalidPolicy";
    /** The task's run condition threw: the handler was not called. Never retried. */
    public static final String CONDITION_FAILED = "taskgrid.ConditionFailed";
    /** The task names a run condition the worker does not have. Never retried. */
    public static final String UNKNOWN_CONDITION = "taskgrid.UnknownCondition";
    /** The task's dependencies could not be read (Redis unreachable) or were malformed. Never retried. */
    public static final String DEPENDENCY_CHECK_FAILED = "taskgrid.DependencyCheckFailed";
  }

  /**
   * It was decided not to run the execution; {@code reason} is one of the constants here, {@code
   * dependency_not_met:<task id>}, or the reason a task's run condition gave. {@code
   * startedAt} and {@code finishedAt} are both the moment of the decision.
   */
  record Skipped(Instant startedAt, Instant finishedAt, String reason) implements Outcome {
    public static final String PREVIOUS_INSTANCE_RUNNING = "previous_instance_running";
    public static final String QUEUE_FULL = "queue_full";
    public static final String RATE_LIMITED = "rate_limited";
    public static final String MISFIRE = "misfire";
  }

  /** The execution was cancelled ({@code reason} "cancelled") or replaced ("replaced"); a running handler was interrupted. */
  record Cancelled(Instant startedAt, Instant finishedAt, String reason) implements Outcome {
    public static final String ERROR_TYPE = "taskgrid.Cancelled";
    public static final String CANCELLED = "cancelled";
    public static final String REPLACED = "replaced";
  }

  /** The handler ran past its deadline and was interrupted; {@code message} says which limit it broke. */
  record TimedOut(Instant startedAt, Instant finishedAt, String message) implements Outcome {
    public static final String ERROR_TYPE = "taskgrid.Timeout";

    /** The outcome of a handler stopped at {@code finishedAt} for exceeding {@code timeout}. */
    public static TimedOut after(Instant startedAt, Instant finishedAt, java.time.Duration timeout) {
      return new TimedOut(startedAt, finishedAt, "handler did not finish within its timeout of " + Durations.format(timeout));
    }
  }
}
