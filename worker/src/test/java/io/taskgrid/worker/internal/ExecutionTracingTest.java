package io.taskgrid.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.taskgrid.core.Outcome;
import io.taskgrid.proto.v1.TaskMessage;
import io.taskgrid.telemetry.ExecutionAttributes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExecutionTracingTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT_ID = "00f067aa0ba902b7";
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();
  private final ExecutionTracing tracing = new ExecutionTracing(sdk);

  @AfterEach
  void close() {
    sdk.close();
  }

  private static TaskMessage message() {
    return TaskMessage.newBuilder().setExecutionId("0193a000-0000-7000-8000-000000000001").setHandler("email.send").setTaskId("nightly").build();
  }

  private static ConsumerRecord<String, byte[]> record(TaskMessage m, String traceparent) {
    ConsumerRecord<String, byte[]> r = new ConsumerRecord<>("tasks", 2, 41L, m.getExecutionId(), m.toByteArray());
    if (traceparent != null) r.headers().add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
    return r;
  }

  private Run run(Span process) {
    Instant now = Instant.now();
    return new Run(new Delivery(new TopicPartition("tasks", 2), 41L, message(), process), 1, now, now.plusSeconds(60));
  }

  private SpanData named(String name) {
    return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void theTraceparentHeaderOfTheRecordIsTheParentOfItsProcessingSpan() {
    Span process = tracing.process(record(message(), "00-" + TRACE_ID + "-" + PARENT_ID + "-01"), message());
    process.end();

    SpanData s = named("process tasks");
    assertThat(s.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(s.getParentSpanId()).isEqualTo(PARENT_ID);
    assertThat(s.getKind()).isEqualTo(io.opentelemetry.api.trace.SpanKind.CONSUMER);
    assertThat(s.getAttributes().get(ExecutionAttributes.EXECUTION_ID)).isEqualTo(message().getExecutionId());
    assertThat(s.getAttributes().get(ExecutionAttributes.TASK_ID)).isEqualTo("nightly");
    assertThat(s.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("messaging.destination.name"))).isEqualTo("tasks");
  }

  @Test
  void withoutAHeaderTheContextInTheMessageIsTheParent() {
    TaskMessage m = message().toBuilder().putTraceContext("traceparent", "00-" + TRACE_ID + "-" + PARENT_ID + "-01").build();
    tracing.process(record(m, null), m).end();

    assertThat(named("process tasks").getParentSpanId()).isEqualTo(PARENT_ID);
  }

  @Test
  void anAttemptIsAChildOfTheProcessingSpanAndCarriesItsOutcome() {
    Span process = tracing.process(record(message(), "00-" + TRACE_ID + "-" + PARENT_ID + "-01"), message());
    Delivery d = new Delivery(new TopicPartition("tasks", 2), 41L, message(), process);
    tracing.claimed(d, new ClaimResult.Claimed(1));
    Run run = run(process);
    tracing.startAttempt(run);
    Instant now = Instant.now();
    Outcome failed = new Outcome.Failed(now, now, "java.lang.IllegalStateException", "boom");
    tracing.endAttempt(run, failed);
    tracing.done(d, failed);

    SpanData attempt = named("attempt email.send");
    SpanData processed = named("process tasks");
    assertThat(attempt.getParentSpanId()).isEqualTo(processed.getSpanId());
    assertThat(attempt.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(attempt.getAttributes().get(ExecutionAttributes.OUTCOME)).isEqualTo("FAILED");
    assertThat(attempt.getAttributes().get(ExecutionAttributes.ATTEMPT)).isEqualTo(1L);
    assertThat(attempt.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(processed.getEvents()).extracting(e -> e.getName()).containsExactly("claimed");
    assertThat(processed.getAttributes().get(ExecutionAttributes.OUTCOME)).isEqualTo("FAILED");
    // a report call of this run alone is made in the process span's context
    assertThat(Span.fromContext(tracing.context(run)).getSpanContext().getSpanId()).isEqualTo(processed.getSpanId());
  }

  @Test
  void offRecordsNothingAndHandsOutTheInvalidSpan() {
    ExecutionTracing off = new ExecutionTracing(OpenTelemetry.noop());
    Span process = off.process(record(message(), "00-" + TRACE_ID + "-" + PARENT_ID + "-01"), message());
    assertThat(process).isSameAs(Span.getInvalid());
    Run run = run(process);
    off.startAttempt(run);
    assertThat(run.attemptSpan()).isSameAs(Span.getInvalid());
    assertThat(Span.fromContext(off.context(run)).getSpanContext().isValid()).isFalse();
    assertThat(spans.getFinishedSpanItems()).isEmpty();
  }
}
