package io.taskgrid.worker;

/**
 * A handler whose payload is JSON decoded into {@code T} (and validated) before it runs. A payload
 * that does not decode, or that the validator rejects, ends the execution FAILED with type {@code
 * taskgrid.InvalidPayload} without calling the handler.
 */
@FunctionalInterface
public interface TypedTaskHandler<T> {
  Object handle(TaskContext context, T payload) throws Exception;
}
