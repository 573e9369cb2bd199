package io.taskgrid.worker;

/**
 * Code that runs a task. Registered on a worker under a name with {@link
 * Worker.Builder#handler(String, TaskHandler)}.
 *
 * <p>The returned value becomes the execution's result: {@code null} is empty, a {@code byte[]} is
 * sent as {@code application/octet-stream}, a {@code String} as UTF-8 text, a {@link
 * io.taskgrid.core.Payload} as it is, and anything else is encoded as JSON. A thrown exception
 * ends the execution FAILED with the exception's type and message. The handler runs on a virtual
 * thread; it is interrupted when its deadline passes.
 */
@FunctionalInterface
public interface TaskHandler {
  Object handle(TaskContext context) throws Exception;

  /**
   * The shutdown hook of a side task's handler: called (on another thread) when its running
   * instance is stopped, because the task was paused, disabled, changed or deleted, this worker
   * lost the task's lease, or the worker is stopping. By then {@code context.isCancelled()} is true
   * and the handler's thread has been interrupted; use it to unblock what the handler waits on
   * (close a socket, a watch service). The worker then waits for {@link #handle} to return, up to
   * its drain timeout, before another worker may start the task. Not called for ordinary tasks.
   * Does nothing by default.
   */
  default void onStop(TaskContext context) throws Exception {}
}
