package io.taskgrid.coordinator.internal.registry;

import io.taskgrid.core.task.FireProgress;
import io.taskgrid.core.task.RegisteredTask;
import io.taskgrid.core.task.TaskId;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Where registered tasks are written, and the view read back from it: what {@link TaskRegistry}
 * needs of the registry topics ({@link KafkaRegistryLog} in a coordinator).
 */
public interface RegistryLog {
  /**
   * Returns once the view holds everything written before this call (on any coordinator); an
   * {@link io.taskgrid.core.UnavailableException} if that takes longer than {@code timeout}.
   */
  void awaitSync(Duration timeout);

  /** Writes a task record and returns once this coordinator's view holds it. */
  void write(RegisteredTask task);

  /**
   * Records a RunTask of task {@code id}; completes once this coordinator's view holds it. It never
   * moves the task's schedule.
   */
  CompletableFuture<Void> recordRun(TaskId id, FireProgress run);

  /** Deletes a task (and its progress) and returns once this coordinator's view no longer holds it. */
  void delete(TaskId id);
}
