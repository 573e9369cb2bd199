package io.taskgrid.worker;

/**
 * Decides, when a registered task fires, whether its handler runs this time ("only on business
 * days", "only while the upstream API is up"). Registered on workers with {@link
 * Worker.Builder#condition(String, RunCondition)} and named by a task's {@code condition}.
 *
 * <p>It runs on the worker that claimed the execution, just before the task's handler, on the
 * first attempt only (retries of an execution that passed do not ask again), with the context the
 * handler would get. {@link ConditionResult#skip} ends the execution SKIPPED with the reason given.
 * A thrown exception ends it FAILED with error type {@code taskgrid.ConditionFailed} and the
 * exception's type and message, without retries: the condition decides about this fire, and a
 * retry later would ask about another moment. Its time counts toward the attempt's timeout.
 */
@FunctionalInterface
public interface RunCondition {
  ConditionResult evaluate(TaskContext context) throws Exception;
}
