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

  /** True once the execution is cancelled: its deadline passed or the worker is stopping abruptly. */
  boolean isCancelled();

  /** Throws {@link InterruptedException} when {@link #isCancelled()}; for loops that do not block. */
  default void checkCancelled() throws InterruptedException {
    if (isCancelled() || Thread.currentThread().isInterrupted()) {
      throw new InterruptedException("execution " + executionId() + " was cancelled");
    }
  }
}
