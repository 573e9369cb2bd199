package io.taskgrid.worker.internal;

import io.taskgrid.proto.v1.TaskMessage;
import org.apache.kafka.common.TopicPartition;

/** One Kafka record of a task, from poll until its offset may be committed. */
public record Delivery(TopicPartition partition, long offset, TaskMessage message) {
  public String executionId() {
    return message.getExecutionId();
  }
}
