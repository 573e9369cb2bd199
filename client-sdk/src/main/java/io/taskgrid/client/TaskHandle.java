package io.taskgrid.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An accepted task: its execution id, and its result once it ends. The task runs whether or not
 * anyone waits for it.
 */
public final class TaskHandle {
  private final String id;
  private final boolean duplicate;
  private final CompletableFuture<ExecutionInfo> result;

  TaskHandle(String id, boolean duplicate, CompletableFuture<ExecutionInfo> result) {
    this.id = id;
    this.duplicate = duplicate;
    this.result = result;
  }

  /** The execution id. */
  public String id() {
    return id;
  }

  /** True when the idempotency key matched an earlier submission, whose execution this is. */
  public boolean duplicate() {
    return duplicate;
  }

  /**
   * Completes with the execution once it is terminal: SUCCEEDED, FAILED and TIMEOUT all complete
   * normally (check {@link ExecutionInfo#status()}). Completes exceptionally with a {@link
   * TaskgridException} only when the result cannot be known (the execution vanished, the client
   * was closed).
   */
  public CompletableFuture<ExecutionInfo> result() {
    return result;
  }

  /** Waits up to {@code timeout} for the terminal execution. */
  public ExecutionInfo await(Duration timeout) {
    try {
      return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof TaskgridException t ? t : new TaskgridException(String.valueOf(e.getCause()), false, e.getCause());
    } catch (TimeoutException e) {
      throw new TaskgridException("execution " + id + " did not finish within " + timeout, true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaskgridException("interrupted waiting for " + id, true, e);
    }
  }

  @Override
  public String toString() {
    return "TaskHandle[" + id + (duplicate ? ", duplicate" : "") + "]";
  }
}
