package io.taskgrid.coordinator.internal.queue;

import io.taskgrid.proto.v1.TaskMessage;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** Where accepted tasks wait for workers. */
public interface TaskQueue extends AutoCloseable {
  /** Completes once every message is durably written (acknowledged by all in-sync replicas). */
  CompletionStage<Void> enqueue(List<TaskMessage> messages);

  @Override
  void close();
}
