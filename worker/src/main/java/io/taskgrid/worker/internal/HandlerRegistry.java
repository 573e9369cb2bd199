package io.taskgrid.worker.internal;

import io.taskgrid.worker.HandlerOptions;
import io.taskgrid.worker.RunCondition;
import io.taskgrid.worker.TaskHandler;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The handlers a worker can run, by name, with their defaults, and its run conditions. Immutable once the worker is built. */
public final class HandlerRegistry {
  /** A handler and its defaults. */
  public record Registered(TaskHandler handler, HandlerOptions options) {}

  private final Map<String, Registered> handlers;
  private final Map<String, RunCondition> conditions;

  public HandlerRegistry(Map<String, Registered> handlers) {
    this(handlers, Map.of());
  }

  public HandlerRegistry(Map<String, Registered> handlers, Map<String, RunCondition> conditions) {
    this.handlers = Map.copyOf(handlers);
    this.conditions = Map.copyOf(conditions);
  }

  /** The run condition registered under {@code name}. */
  public Optional<RunCondition> condition(String name) {
    return Optional.ofNullable(conditions.get(name));
  }

  /** Sorted names of the run conditions, for messages. */
  public String conditionNames() {
    return String.join(", ", new TreeMap<>(conditions).keySet());
  }

  public Optional<TaskHandler> find(String name) {
    return Optional.ofNullable(handlers.get(name)).map(Registered::handler);
  }

  /** The handler's defaults; {@link HandlerOptions#NONE} for a handler this worker does not have. */
  public HandlerOptions options(String name) {
    Registered r = handlers.get(name);
    return r == null ? HandlerOptions.NONE : r.options();
  }

  /** The names of the handlers, sorted. */
  public java.util.List<String> nameList() {
    return java.util.List.copyOf(new TreeMap<>(handlers).keySet());
  }

  /** Sorted names, for messages. */
  public String names() {
    return String.join(", ", new TreeMap<>(handlers).keySet());
  }
}
