package io.taskgrid.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * An accepted task: its execution id, and its outcome once it ends. The task runs whether or not
 * anyone waits for it.
 *
 * <p>Waiting is cheap: the client waits for all its handles over one shared stream, and starts
 * waiting for a handle only when {@link #result()} or {@link #await(Duration)} is first called,
 * so handles nobody waits on cost nothing after submission.
 */
public final class TaskHandle {
  private final String id;
  private final boolean duplicate;
  private final Function<String, CompletableFuture<ExecutionInfo>> waiter;
  private final Function<String, ExecutionInfo> canceller;
  private CompletableFuture<ExecutionInfo> result; // guarded by this

  TaskHandle(String id, boolean duplicate, Function<String, CompletableFuture<ExecutionInfo>> waiter,
      Function<String, ExecutionInfo> canceller) {
    this.id = Objects.requireNonNull(id, "id");
    this.duplicate = duplicate;
    this.waiter = waiter;
    this.canceller = canceller;
  }

  /**
   * Cancels the execution, as {@link TaskgridClient#cancel(String)} does: a waiting one ends
   * CANCELLED at once; a running one has its handler interrupted and ends CANCELLED, which {@link
   * #result()} then reports.
   *
   * @return its state after the cancel: CANCELLED, or RUNNING while its handler is being
   *     interrupted
   * @throws TaskgridExecutionEndedException when it had already ended otherwise
   * @throws TaskgridNotFoundException when the cluster does not know it
   * @throws TaskgridUnavailableException when no coordinator answered in time
   */
  public ExecutionInfo cancel() {
    return canceller.apply(id);
  }

  /**
   * The execution id.
   *
   * @return the id the coordinator issued (a lower-case UUID)
   */
  public String id() {
    return id;
  }

  /**
   * Whether this submission matched an earlier one by idempotency key.
   *
   * @return true when nothing new was queued and this handle is of the earlier execution
   */
  public boolean duplicate() {
    return duplicate;
  }

  /**
   * The outcome of the execution. SUCCEEDED, FAILED, TIMEOUT, SKIPPED and CANCELLED all complete
   * the future normally: check {@link ExecutionInfo#status()}. It completes exceptionally only when the
   * outcome cannot be known: with {@link TaskgridNotFoundException} when the cluster does not know
   * the execution (for example its record expired), or with a {@link TaskgridException} when the
   * client was closed first.
   *
   * <p>Lost connections do not fail the future: the client reconnects and asks again. Bound the
   * wait with {@link #await(Duration)} or {@link CompletableFuture#orTimeout}. Dependent actions
   * without an executor run on a client thread that delivers other results too; keep them short,
   * or use the {@code *Async} variants.
   *
   * @return the same future on every call
   */
  public synchronized CompletableFuture<ExecutionInfo> result() {
    if (result == null) result = waiter.apply(id);
    return result;
  }

  /**
   * Waits for the outcome of the execution.
   *
   * @param timeout how long to wait at most
   * @return the terminal state (SUCCEEDED, FAILED or TIMEOUT)
   * @throws TaskgridException retryable when {@code timeout} passed first (the execution goes
   *     on), or as {@link #result()} fails
   */
  public ExecutionInfo await(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    try {
      return result().get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof TaskgridException t
          ? t
          : new TaskgridException("waiting for execution " + id + " failed: " + e.getCause(), false, e.getCause());
    } catch (TimeoutException e) {
      throw new TaskgridException("execution " + id + " did not finish within " + timeout, true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaskgridException("interrupted while waiting for execution " + id, false, e);
    }
  }

  /** The id, and whether it is a duplicate. */
  @Override
  public String toString() {
    return "TaskHandle[" + id + (duplicate ? ", duplicate" : "") + "]";
  }
}
