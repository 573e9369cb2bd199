package io.taskgrid.coordinator.internal.lifecycle;

import io.taskgrid.core.ExecutionId;
import io.taskgrid.core.HandlerName;
import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.task.TaskId;
import io.taskgrid.proto.v1.LifecycleEvent;
import io.taskgrid.proto.v1.LifecycleEventKind;
import io.taskgrid.proto.v1.WatchLifecycleRequest;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which lifecycle events a stream wants: all of its conditions hold (AND), an empty one holds for
 * every event.
 *
 * @param kinds the kinds wanted; empty for all
 * @param taskId the registered task; empty for any
 * @param handler the handler; empty for any
 * @param executionId the execution; empty for any
 */
public record LifecycleFilter(Set<LifecycleEventKind> kinds, String taskId, String handler, String executionId) {
  /** Every event. */
  public static final LifecycleFilter ALL = new LifecycleFilter(Set.of(), "", "", "");

  public LifecycleFilter {
    kinds = kinds.isEmpty() ? Set.of() : Set.copyOf(kinds);
  }

  /** The filter a request asks for; a bad value is an {@link InvalidArgumentException} naming its field. */
  public static LifecycleFilter of(WatchLifecycleRequest request) {
    Set<LifecycleEventKind> kinds = EnumSet.noneOf(LifecycleEventKind.class);
    for (int i = 0; i < request.getKindsCount(); i++) {
      int number = request.getKindsValue(i);
      LifecycleEventKind kind = LifecycleEventKind.forNumber(number);
      if (kind == null || kind == LifecycleEventKind.LIFECYCLE_EVENT_KIND_UNSPECIFIED) {
        throw new InvalidArgumentException("kinds[" + i + "]", "must be a lifecycle event kind (" + known() + "), got " + number);
      }
      kinds.add(kind);
    }
    String taskId = request.getTaskId().isEmpty() ? "" : TaskId.parse("task_id", request.getTaskId()).value();
    String handler = request.getHandler().isEmpty() ? "" : new HandlerName(request.getHandler()).value();
    String executionId = request.getExecutionId().isEmpty() ? "" : ExecutionId.parse("execution_id", request.getExecutionId()).value();
    return new LifecycleFilter(kinds, taskId, handler, executionId);
  }

  private static String known() {
    return Arrays.stream(LifecycleEventKind.values())
        .filter(k -> k != LifecycleEventKind.UNRECOGNIZED && k != LifecycleEventKind.LIFECYCLE_EVENT_KIND_UNSPECIFIED)
        .map(k -> k.name() + "=" + k.getNumber())
        .collect(Collectors.joining(", "));
  }

  /** Whether {@code event} passes. */
  public boolean matches(LifecycleEvent event) {
    return (kinds.isEmpty() || kinds.contains(event.getKind()))
        && (taskId.isEmpty() || taskId.equals(event.getTaskId()))
        && (handler.isEmpty() || handler.equals(event.getHandler()))
        && (executionId.isEmpty() || executionId.equals(event.getExecutionId()));
  }
}
