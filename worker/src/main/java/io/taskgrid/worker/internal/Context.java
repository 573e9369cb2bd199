package io.taskgrid.worker.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.taskgrid.worker.InvalidPayloadException;
import io.taskgrid.worker.TaskContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import io.taskgrid.worker.TaskEvent;

/** The {@link TaskContext} of one run. */
final class Context implements TaskContext, io.taskgrid.worker.internal.process.LiveOutput {
  private final Run run;
  private final byte[] payload;
  private final ObjectMapper json;
  private final ExecutionTracing tracing;

  private final OutputForwarder output;

  Context(Run run, ObjectMapper json, ExecutionTracing tracing, OutputForwarder output) {
    this.output = output;
    this.tracing = tracing;
    this.run = run;
    this.payload = run.message().getPayload().getData().toByteArray();
    this.json = json;
  }

  @Override
  public String executionId() {
    return run.executionId();
  }

  @Override
  public String handler() {
    return run.message().getHandler();
  }

  @Override
  public int attempt() {
    return run.attempt();
  }

  @Override
  public Instant deadline() {
    return run.deadline();
  }

  @Override
  public Optional<String> taskId() {
    String id = run.message().getTaskId();
    return id.isEmpty() ? Optional.empty() : Optional.of(id);
  }

  @Override
  public Optional<Instant> scheduledAt() {
    if (!run.message().hasScheduledAt()) return Optional.empty();
    return Optional.of(ProtoTime.instant(run.message().getScheduledAt()));
  }

  @Override
  public Optional<TaskEvent> event() {
    if (!run.message().hasEvent()) return Optional.empty();
    var e = run.message().getEvent();
    String ct = e.getData().getContentType();
    return Optional.of(new TaskEvent(e.getName(), e.getData().getData().toByteArray(), ct.isEmpty() ? io.taskgrid.core.Payload.JSON : ct,
        ProtoTime.instant(e.getPublishedAt())));
  }

  @Override
  public Map<String, String> labels() {
    return run.message().getLabelsMap();
  }

  @Override
  public String contentType() {
    String ct = run.message().getPayload().getContentType();
    return ct.isEmpty() ? io.taskgrid.core.Payload.OCTET_STREAM : ct;
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public String payloadText() {
    return new String(payload, StandardCharsets.UTF_8);
  }

  @Override
  public JsonNode payloadJson() throws InvalidPayloadException {
    try {
      return json.readTree(payload);
    } catch (IOException e) {
      throw new InvalidPayloadException("payload is not valid JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public <T> T payloadAs(Class<T> type) throws InvalidPayloadException {
    try {
      return json.readValue(payload, type);
    } catch (IOException e) {
      throw new InvalidPayloadException("payload is not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Span span() {
    return run.attemptSpan();
  }

  @Override
  public io.opentelemetry.context.Context traceContext() {
    return io.opentelemetry.context.Context.root().with(run.attemptSpan());
  }

  @Override
  public Tracer tracer() {
    return tracing.tracer();
  }

  @Override
  public boolean isCancelled() {
    return run.isFinished();
  }

  @Override
  public io.taskgrid.worker.internal.process.OutputListener outputListener() {
    return output == null ? io.taskgrid.worker.internal.process.OutputListener.NONE : output.listener(run.executionId(), run.attempt());
  }
}
