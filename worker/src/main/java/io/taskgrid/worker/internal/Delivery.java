package io.taskgrid.worker.internal;

import io.opentelemetry.api.trace.Span;
import io.taskgrid.core.Priority;
import io.taskgrid.proto.v1.TaskMessage;
import org.apache.kafka.common.TopicPartition;

/**
 * One Kafka record of a task, from poll until its offset may be committed.
 *
 * @param span the span of processing the record ({@link Span#getInvalid()} when not tracing)
 */
public record Delivery(TopicPartition partition, long offset, TaskMessage message, Span span) {
  public Delivery(TopicPartition partition, long offset, TaskMessage message) {
    this(partition, offset, message, Span.getInvalid());
  }

  public String executionId() {
    return message.getExecutionId();
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
}
