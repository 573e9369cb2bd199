package io.taskgrid.worker.internal;

import com.google.protobuf.Timestamp;
import io.taskgrid.core.Outcome;
import io.taskgrid.core.policy.RetryDecision;
import io.taskgrid.core.policy.RetryPolicy;
import io.taskgrid.proto.v1.TaskMessage;
import java.time.Instant;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * What follows an attempt that ended: the attempt's outcome as reported, and the task message of
 * the next attempt when the retry policy allows one. Pure (time and randomness are passed in), so
 * every case is tested with a table ({@code RetryPlannerTest}).
 *
 * <p>The policy is the message's policy over the handler's defaults, read once per delivery
 * ({@link ResolvedPolicy}). A message whose policy the worker cannot read ends FAILED with {@link
 * Outcome.Failed#INVALID_POLICY}, never retried: only a message written to Kafka by hand can carry
 * one, since the coordinator validates policies.
 */
public final class RetryPlanner {
  private RetryPlanner() {}

  /** The outcome to report, and the next attempt's message if there is one. */
  public record Plan(Outcome outcome, Optional<TaskMessage> retry) {
    static Plan last(Outcome outcome) {
      return new Plan(outcome, Optional.empty());
    }
  }

  /**
   * @param message the message of the attempt that ended
   * @param attempt its attempt number (as claimed)
   * @param outcome how it ended
   * @param policy the execution's policy on this worker (the message's over the handler's defaults)
   * @param nonRetryable the handler threw an exception it declared not retryable
   */
  public static Plan plan(TaskMessage message, int attempt, Outcome outcome, ResolvedPolicy policy, boolean nonRetryable,
      Instant now, DoubleSupplier random) {
    String errorType = switch (outcome) {
      case Outcome.Failed f -> f.errorType();
      case Outcome.TimedOut t -> Outcome.TimedOut.ERROR_TYPE;
      case Outcome.Succeeded s -> null;
      case Outcome.Skipped s -> null;
      case Outcome.Cancelled c -> null;
    };
    if (errorType == null) return Plan.last(outcome);
    if (policy instanceof ResolvedPolicy.Invalid(String reason)) {
      return Plan.last(new Outcome.Failed(outcome.startedAt(), outcome.finishedAt(), Outcome.Failed.INVALID_POLICY, reason));
    }
    RetryPolicy retry = ((ResolvedPolicy.Valid) policy).policy().retryOrNone();
    Instant firstAttemptAt = message.hasFirstAttemptAt() ? ProtoTime.instant(message.getFirstAttemptAt()) : outcome.startedAt();
    return switch (RetryDecision.decide(retry, attempt, errorType, nonRetryable, firstAttemptAt, now, random)) {
      case RetryDecision.GiveUp g -> Plan.last(outcome);
      case RetryDecision.Retry r -> new Plan(outcome, Optional.of(message.toBuilder()
          .setAttempt(r.nextAttempt())
          .setNotBefore(timestamp(r.at()))
          .setFirstAttemptAt(timestamp(firstAttemptAt))
          .build()));
    };
  }

  private static Timestamp timestamp(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }
}
