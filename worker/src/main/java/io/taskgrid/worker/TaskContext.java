package io.taskgrid.worker;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;

/**
 * What a handler knows about the execution it runs. Handlers never see Kafka records or Redis
 * clients.
 */
public interface TaskContext {
  /** Id of the execution. */
  String executionId();

  /** Name the handler was invoked under. */
  String handler();

  /** 1 for the first attempt; more when the execution was restarted after its worker died. */
  int attempt();

  /** When this attempt must be done; past it the handler is interrupted and the execution ends TIMEOUT. */
  Instant deadline();

  /** The registered task that produced this execution; empty for a task submitted directly. */
  java.util.Optional<String> taskId();

  /**
   * For a scheduled execution, the fire time its trigger produced it for (without jitter); for an
   * event-triggered one, when the event was published; otherwise empty.
   */
  java.util.Optional<Instant> scheduledAt();

  /** The event that triggered this execution, for event-triggered tasks. */
  java.util.Optional<TaskEvent> event();

  /** Labels given at submission. */
  Map<String, String> labels();

  /** The payload's media type. */
  String contentType();

  /** The payload (a copy). */
  byte[] payload();

  /** The payload as UTF-8 text. */
  String payloadText();

  /** The payload parsed as JSON; throws {@link InvalidPayloadException} when it is not JSON. */
  JsonNode payloadJson() throws InvalidPayloadException;

  /** The payload decoded from JSON into {@code type}. */
  <T> T payloadAs(Class<T> type) throws InvalidPayloadException;

  /**
   * The span of this attempt, in the execution's trace (from the submitter's or the trigger's span
   * to the result). Handlers add attributes and events to it, or start child spans with {@link
   * #tracer()}: the span is also current ({@code Context.current()}) on the handler's thread. A
   * non-recording span when the worker does not trace.
   */
  default io.opentelemetry.api.trace.Span span() {
    return io.opentelemetry.api.trace.Span.getInvalid();
  }

  /** The trace context of this attempt (its {@link #span()}), to hand to other threads or clients. */
  default io.opentelemetry.context.Context traceContext() {
    return io.opentelemetry.context.Context.root().with(span());
  }

  /**
   * The worker's tracer, to start child spans of {@link #span()}: {@code
   * ctx.tracer().spanBuilder("load").startSpan()}. A no-op tracer when the worker does not trace.
   */
  default io.opentelemetry.api.trace.Tracer tracer() {
    return io.opentelemetry.api.trace.TracerProvider.noop().get("io.taskgrid.worker");
  }

  /** True once the execution is cancelled: its deadline passed or the worker is stopping abruptly. */
  boolean isCancelled();

  /** Throws {@link InterruptedException} when {@link #isCancelled()}; for loops that do not block. */
  default void checkCancelled() throws InterruptedException {
    if (isCancelled() || Thread.currentThread().isInterrupted()) {
      throw new InterruptedException("execution " + executionId() + " was cancelled");
    }
  }
}
