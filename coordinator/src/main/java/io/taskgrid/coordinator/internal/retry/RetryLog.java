package io.taskgrid.coordinator.internal.retry;

import io.taskgrid.proto.v1.TaskMessage;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** Where scheduled retries wait, durably, until the scheduling leader releases them. */
public interface RetryLog extends AutoCloseable {
  /** Writes the next attempts' messages; completes once every one is durable. */
  CompletionStage<Void> schedule(List<TaskMessage> retries);

  @Override
  void close();
}
