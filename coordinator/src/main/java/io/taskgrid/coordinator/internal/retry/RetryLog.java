package io.taskgrid.coordinator.internal.retry;

import io.taskgrid.proto.v1.TaskMessage;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where scheduled retries wait, durably, until the scheduling leader releases them; or, for those
 * due sooner than the leader would release them, the tasks topic at once.
 */
public interface RetryLog extends AutoCloseable {
  /**
   * Writes the next attempts' messages; completes once every one is durable, with those that went
   * straight to the tasks topic (queued now). With none to write, completes at once with none.
   */
  CompletionStage<List<TaskMessage>> schedule(List<TaskMessage> retries);

  @Override
  void close();
}
