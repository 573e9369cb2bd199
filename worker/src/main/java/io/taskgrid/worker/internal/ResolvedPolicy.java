package io.taskgrid.worker.internal;

import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.policy.ExecutionPolicy;
import io.taskgrid.proto.v1.TaskMessage;
import io.taskgrid.wire.PolicyMapping;

/**
 * The policy an execution runs under on this worker: its message's policy over its handler's
 * defaults, or why the message's policy cannot be read. Read once per delivery ({@link
 * Delivery#policy}) and used by admission, the circuit breaker and the retry planner alike.
 */
public sealed interface ResolvedPolicy {
  /** The policy to apply. */
  record Valid(ExecutionPolicy policy) implements ResolvedPolicy {}

  /**
   * The message's policy is invalid: the execution ends FAILED with {@code
   * taskgrid.InvalidPolicy} and this reason, never running (only a message written to Kafka by
   * hand can carry one, since the coordinator validates policies).
   */
  record Invalid(String reason) implements ResolvedPolicy {}

  /** {@code m}'s policy over {@code handlerDefaults}. */
  static ResolvedPolicy of(TaskMessage m, ExecutionPolicy handlerDefaults) {
    if (!m.hasPolicy()) return new Valid(handlerDefaults);
    try {
      return new Valid(PolicyMapping.fromProto(m.getPolicy(), m.getHandler(), m.getTaskId().isEmpty() ? null : m.getTaskId())
          .over(handlerDefaults));
    } catch (InvalidArgumentException e) {
      return new Invalid(e.getMessage());
    }
  }
}
