package io.taskgrid.client;

import java.util.concurrent.CompletableFuture;

/**
 * A running watch of one execution, from {@link TaskgridClient#watch(String,
 * java.util.function.Consumer)}. It ends by itself after the terminal state has been delivered;
 * {@link #close()} ends it earlier.
 */
public interface Subscription extends AutoCloseable {
  /**
   * How the watch ended.
   *
   * @return a future that completes with the terminal state once it has been delivered, fails
   *     with {@link TaskgridNotFoundException} when the execution is unknown (or another {@link
   *     TaskgridException} when the watch cannot go on), and is cancelled by {@link #close()}
   */
  CompletableFuture<ExecutionInfo> completion();

  /** Stops the watch; no update is delivered after this returns. Idempotent. */
  @Override
  void close();
}
