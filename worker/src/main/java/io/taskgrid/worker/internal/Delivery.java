package io.taskgrid.worker.internal;

import io.opentelemetry.api.trace.Span;
import io.taskgrid.core.Priority;
import io.taskgrid.proto.v1.TaskMessage;
import org.apache.kafka.common.TopicPartition;

/**
 * One Kafka record of a task, from poll until its offset may be committed. Deliveries are compared
 * by identity: two records of the same execution are two deliveries.
 */
public final class Delivery {
  private final TopicPartition partition;
  private final long offset;
  private final TaskMessage message;
  private final Span span;
  /** Read on first use; a handler's defaults do not change while the worker runs, so it is read once. */
  private volatile ResolvedPolicy policy;
  /** How many times its claim answered that the previous attempt was not yet recorded. */
  private int rechecks;

  /** @param span the span of processing the record ({@link Span#getInvalid()} when not tracing) */
  public Delivery(TopicPartition partition, long offset, TaskMessage message, Span span) {
    this.partition = partition;
    this.offset = offset;
    this.message = message;
    this.span = span;
  }

  public Delivery(TopicPartition partition, long offset, TaskMessage message) {
    this(partition, offset, message, Span.getInvalid());
  }

  public TopicPartition partition() {
    return partition;
  }

  public long offset() {
    return offset;
  }

  public TaskMessage message() {
    return message;
  }

  /** The span of processing the record ({@link Span#getInvalid()} when not tracing). */
  public Span span() {
    return span;
  }

  /** Counts one more recheck of its claim and returns how many came before it (claiming thread only). */
  int recheck() {
    return rechecks++;
  }

  public String executionId() {
    return message.getExecutionId();
  }

  /**
   * The policy this delivery's execution runs under: its message's over its handler's defaults in
   * {@code handlers}, parsed from the message once however many parts of the worker ask.
   */
  public ResolvedPolicy policy(HandlerRegistry handlers) {
    ResolvedPolicy p = policy;
    if (p == null) {
      p = ResolvedPolicy.of(message, handlers.options(message.getHandler()).defaults());
      policy = p; // a race computes the same value twice, harmlessly
    }
    return p;
  }

  /** The priority the message carries; unspecified (and unknown) is MEDIUM. */
  public Priority priority() {
    return switch (message.getPriority()) {
      case PRIORITY_CRITICAL -> Priority.CRITICAL;
      case PRIORITY_HIGH -> Priority.HIGH;
      case PRIORITY_LOW -> Priority.LOW;
      case PRIORITY_BACKGROUND -> Priority.BACKGROUND;
      case PRIORITY_MEDIUM, PRIORITY_UNSPECIFIED, UNRECOGNIZED -> Priority.MEDIUM;
    };
  }

  @Override
  public String toString() {
    return "Delivery[" + partition + "@" + offset + ", " + message.getExecutionId() + "]";
  }
}
