package io.taskgrid.core;

import io.taskgrid.core.policy.ExecutionPolicy;
import java.time.Duration;
import java.util.Optional;

/**
 * A validated request to run a handler once: what SubmitTask accepts once every field has been
 * checked. {@code timeout} is already resolved (never zero: the default is applied); {@code policy}
 * holds only the parts the request set (the others fall back to the handler's defaults on workers).
 */
public record TaskSpec(
    HandlerName handler,
    Payload payload,
    Duration timeout,
    Priority priority,
    Labels labels,
    Optional<IdempotencyKey> idempotencyKey,
    ExecutionPolicy policy) {

  public TaskSpec {
    if (handler == null || payload == null || timeout == null || priority == null || labels == null || idempotencyKey == null
        || policy == null) {
      throw new NullPointerException("TaskSpec fields must not be null");
    }
  }

  /**
   * Validates raw request values against {@code limits}; the first problem found is thrown as an
   * {@link InvalidArgumentException} naming its field.
   *
   * @param timeout the requested time limit; null or zero means the default
   */
  public static TaskSpec validate(
      String handler,
      Payload payload,
      Duration timeout,
      Priority priority,
      java.util.Map<String, String> labels,
      String idempotencyKey,
      SubmissionLimits limits) {
    HandlerName name = new HandlerName(handler);
    Payload body = (payload == null ? Payload.EMPTY : payload).requireAtMost("payload", limits.maxPayloadBytes());
    Duration resolved = resolveTimeout(timeout, limits);
    Optional<IdempotencyKey> key =
        idempotencyKey == null || idempotencyKey.isEmpty() ? Optional.empty() : Optional.of(new IdempotencyKey(idempotencyKey));
    return new TaskSpec(name, body, resolved, priority == null ? Priority.MEDIUM : priority, new Labels(labels), key, ExecutionPolicy.NONE);
  }

  /** The same spec with {@code value} as its execution policy. */
  public TaskSpec withPolicy(ExecutionPolicy value) {
    return new TaskSpec(handler, payload, timeout, priority, labels, idempotencyKey, value);
  }

  private static Duration resolveTimeout(Duration timeout, SubmissionLimits limits) {
    if (timeout == null || timeout.isZero()) {
      return limits.defaultTimeout();
    }
    if (timeout.isNegative()) {
      throw new InvalidArgumentException("timeout", "must not be negative, got " + Durations.format(timeout));
    }
    if (timeout.compareTo(limits.maxTimeout()) > 0) {
      throw new InvalidArgumentException(
          "timeout",
          "must be at most " + Durations.format(limits.maxTimeout()) + ", got " + Durations.format(timeout));
    }
    return timeout;
  }
}
