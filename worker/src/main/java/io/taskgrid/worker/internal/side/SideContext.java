package io.taskgrid.worker.internal.side;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskgrid.worker.InvalidPayloadException;
import io.taskgrid.worker.TaskContext;
import io.taskgrid.worker.TaskEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link TaskContext} of one run of a side task's handler. It has no deadline; it is cancelled
 * when the task is paused, disabled or deleted, when this worker loses the lease, and when the
 * worker stops.
 */
final class SideContext implements TaskContext {
  private final SideSpec spec;
  private final int attempt;
  private final Instant startedAt;
  private final ObjectMapper json;
  private volatile boolean cancelled;

  SideContext(SideSpec spec, int attempt, Instant startedAt, ObjectMapper json) {
    this.spec = spec;
    this.attempt = attempt;
    this.startedAt = startedAt;
    this.json = json;
  }

  void cancel() {
    cancelled = true;
  }

  /** {@code side:<task id>:<start, epoch ms>}: a side task's runs are not executions. */
  @Override
  public String executionId() {
    return "side:" + spec.taskId() + ":" + startedAt.toEpochMilli();
  }

  @Override
  public String handler() {
    return spec.handler();
  }

  /** 1 for the first run on this worker, one more for each restart after an error. */
  @Override
  public int attempt() {
    return attempt;
  }

  /** A side task runs until cancelled: {@link Instant#MAX}. */
  @Override
  public Instant deadline() {
    return Instant.MAX;
  }

  @Override
  public Optional<String> taskId() {
    return Optional.of(spec.taskId());
  }

  @Override
  public Optional<Instant> scheduledAt() {
    return Optional.empty();
  }

  @Override
  public Optional<TaskEvent> event() {
    return Optional.empty();
  }

  @Override
  public Map<String, String> labels() {
    return Map.of();
  }

  @Override
  public String contentType() {
    return spec.contentType();
  }

  @Override
  public byte[] payload() {
    return spec.payload().clone();
  }

  @Override
  public String payloadText() {
    return new String(spec.payload(), StandardCharsets.UTF_8);
  }

  @Override
  public JsonNode payloadJson() throws InvalidPayloadException {
    try {
      return json.readTree(spec.payload());
    } catch (IOException e) {
      throw new InvalidPayloadException("payload is not valid JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public <T> T payloadAs(Class<T> type) throws InvalidPayloadException {
    try {
      return json.readValue(spec.payload(), type);
    } catch (IOException e) {
      throw new InvalidPayloadException("payload is not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }
}
