package io.taskgrid.coordinator.internal.queue;

import java.util.concurrent.CompletionStage;

/** Where events are published for event-triggered tasks. */
public interface EventPublisher {
  /**
   * Appends one event to {@code topic}; completes with "topic-partition@offset" once all in-sync
   * replicas have it.
   */
  CompletionStage<String> publish(String topic, String name, byte[] data, String contentType);
}
