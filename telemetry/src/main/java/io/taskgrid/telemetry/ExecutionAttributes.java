package io.taskgrid.telemetry;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Span attributes of an execution, and the MDC keys of log lines about one. The MDC keys are
 * shared with the JSON log format: change them in both places.
 */
public final class ExecutionAttributes {
  public static final AttributeKey<String> EXECUTION_ID = AttributeKey.stringKey("taskgrid.execution.id");
  public static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("taskgrid.task.id");
  public static final AttributeKey<String> HANDLER = AttributeKey.stringKey("taskgrid.handler");
  public static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("taskgrid.attempt");
  /** SUCCEEDED, FAILED or TIMEOUT. */
  public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("taskgrid.outcome");
  /** What produced the execution: submit, cron, after, at, event or run_now. */
  public static final AttributeKey<String> TRIGGER = AttributeKey.stringKey("taskgrid.trigger");
  public static final AttributeKey<String> FIRE_TIME = AttributeKey.stringKey("taskgrid.fire_time");
  public static final AttributeKey<String> EVENT_NAME = AttributeKey.stringKey("taskgrid.event.name");
  /** The worker that reported an outcome. */
  public static final AttributeKey<String> WORKER_ID = AttributeKey.stringKey("taskgrid.worker.id");

  public static final String MDC_TRACE_ID = "trace_id";
  public static final String MDC_SPAN_ID = "span_id";
  public static final String MDC_EXECUTION_ID = "execution_id";
  public static final String MDC_TASK_ID = "task_id";
  public static final String MDC_HANDLER = "handler";

  private ExecutionAttributes() {}
}
