package io.taskgrid.coordinator.internal.registry;

import io.taskgrid.core.task.TaskId;
import java.util.function.Supplier;

/** Serializes changes to one task across coordinators (read, decide, write as one step). */
public interface TaskLocks {
  <T> T withLock(TaskId id, Supplier<T> change);
}
