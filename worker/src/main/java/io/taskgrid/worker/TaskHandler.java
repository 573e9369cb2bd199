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
}
