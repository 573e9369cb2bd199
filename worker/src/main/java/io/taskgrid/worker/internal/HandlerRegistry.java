package io.taskgrid.worker.internal;

import io.taskgrid.worker.TaskHandler;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The handlers a worker can run, by name. Immutable once the worker is built. */
public final class HandlerRegistry {
  private final Map<String, TaskHandler> handlers;

  public HandlerRegistry(Map<String, TaskHandler> handlers) {
    this.handlers = Map.copyOf(handlers);
  }

  public Optional<TaskHandler> find(String name) {
    return Optional.ofNullable(handlers.get(name));
  }

  /** Sorted names, for messages. */
  public String names() {
    return String.join(", ", new TreeMap<>(handlers).keySet());
  }
}
