package io.taskgrid.worker.internal;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.taskgrid.core.Outcome;
import io.taskgrid.proto.v1.TaskMessage;
import io.taskgrid.telemetry.ExecutionAttributes;
import io.taskgrid.telemetry.MessagingAttributes;
import io.taskgrid.telemetry.Telemetry;
import io.taskgrid.telemetry.TraceContexts;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.slf4j.MDC;

/**
 * The worker's spans of an execution, all in the execution's trace:
 *
 * <ul>
 *   <li>{@code process <topic>} (consumer, messaging semantic conventions), one per delivery, child
 *       of the context in the record's headers (the producer's span), else of the one in the
 *       message; open until the outcome is recorded, with events for waits and redeliveries;
 *   <li>{@code taskgrid.wait}, when a fire written ahead of time waits for its start;
 *   <li>{@code attempt <handler>}, one per attempt of the handler: its context is current while
 *       the handler runs (handlers add their own spans under it) and the outcome is an attribute.
 * </ul>
 *
 * With tracing off every method returns at once and allocates nothing.
 */
public final class ExecutionTracing {
  private static final AttributeKey<String> NOT_BEFORE = AttributeKey.stringKey("taskgrid.not_before");
  private static final TextMapGetter<Headers> HEADERS = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Headers carrier) {
      List<String> keys = new ArrayList<>();
      for (Header h : carrier) keys.add(h.key());
      return keys;
    }

    @Override
    public String get(Headers carrier, String key) {
      Header h = carrier == null ? null : carrier.lastHeader(key);
      return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
  };

  private final OpenTelemetry openTelemetry;
  private final Tracer tracer;
  private final boolean on;

  public ExecutionTracing(OpenTelemetry openTelemetry) {
    this.openTelemetry = openTelemetry;
    this.tracer = openTelemetry.getTracer("io.taskgrid.worker");
    this.on = Telemetry.isTracing(openTelemetry);
  }

  /** Tracing that is off. */
  public static ExecutionTracing off() {
    return new ExecutionTracing(OpenTelemetry.noop());
  }

  public Tracer tracer() {
    return tracer;
  }

  /** Whether spans are recorded (an exporter is configured). */
  boolean isOn() {
    return on;
  }

  /** The span of processing one record of a task message. */
  Span process(ConsumerRecord<String, byte[]> record, TaskMessage message) {
    if (!on) return Span.getInvalid();
    Context parent = openTelemetry.getPropagators().getTextMapPropagator().extract(Context.root(), record.headers(), HEADERS);
    if (!Span.fromContext(parent).getSpanContext().isValid() && message.getTraceContextCount() > 0) {
      parent = TraceContexts.extract(openTelemetry, message.getTraceContextMap());
    }
    var b = tracer.spanBuilder("process " + record.topic())
        .setParent(parent)
        .setSpanKind(SpanKind.CONSUMER)
        .setAttribute(MessagingAttributes.SYSTEM, "kafka")
        .setAttribute(MessagingAttributes.OPERATION_TYPE, "process")
        .setAttribute(MessagingAttributes.OPERATION_NAME, "process")
        .setAttribute(MessagingAttributes.DESTINATION_NAME, record.topic())
        .setAttribute(MessagingAttributes.PARTITION_ID, Integer.toString(record.partition()))
        .setAttribute(MessagingAttributes.KAFKA_OFFSET, record.offset())
        .setAttribute(ExecutionAttributes.EXECUTION_ID, message.getExecutionId())
        .setAttribute(ExecutionAttributes.HANDLER, message.getHandler());
    if (!message.getTaskId().isEmpty()) b.setAttribute(ExecutionAttributes.TASK_ID, message.getTaskId());
    return b.startSpan();
  }

  /**
   * Records the claim of {@code d} as an event of its processing span (the claim is one Redis call
   * for a whole batch, so its own span would add a span per execution and say nothing more).
   */
  void claimed(Delivery d, ClaimResult result) {
    if (!on || !d.span().isRecording()) return;
    switch (result) {
      case ClaimResult.Claimed c -> { // the attempt is the span's attribute: the event needs none
        d.span().setAttribute(ExecutionAttributes.ATTEMPT, (long) c.attempt());
        d.span().addEvent("claimed");
      }
      case ClaimResult.AlreadyMine m -> d.span().addEvent("redelivered while this worker runs the execution");
      case ClaimResult.Finished f -> d.span().addEvent("execution already finished: " + f.status());
      case ClaimResult.HeldBy h -> d.span().addEvent("held by worker " + h.workerId() + "; waiting for it to finish or its lease to expire");
      case ClaimResult.PreviousAttemptUnrecorded w -> d.span().addEvent("previous attempt on worker " + w.workerId()
          + " not yet recorded; checking again");
    }
  }

  /** A delivery that needs nothing more: its execution finished, or its run's outcome was recorded. */
  void done(Delivery d, Outcome outcome) {
    Span span = d.span();
    if (!on || !span.isRecording()) return;
    // the span ends when the outcome is recorded: an event saying so would repeat its end
    if (outcome != null) span.setAttribute(ExecutionAttributes.OUTCOME, outcomeName(outcome));
    span.end();
  }

  /** Claiming failed (Redis unreachable); the delivery is tried again. */
  void claimFailed(Delivery d, RuntimeException e) {
    if (on && d.span().isRecording()) d.span().addEvent("claim failed, retrying: " + e);
  }

  /** The span of the wait until a fire written ahead of time may start; invalid when off. */
  Span startWait(Run run, Instant until) {
    if (!on) return Span.getInvalid();
    return tracer.spanBuilder("taskgrid.wait").setParent(Context.root().with(run.processSpan()))
        .setAttribute(NOT_BEFORE, until.toString()).startSpan();
  }

  /** Starts the span of {@code run}'s attempt and keeps it in the run. */
  void startAttempt(Run run) {
    if (!on) return;
    TaskMessage m = run.message();
    // the handler is in the name, the execution and task on the parent (the process span): every
    // attribute of every span is exported, and the execution id is the longest of them
    run.attemptSpan(tracer.spanBuilder("attempt " + m.getHandler())
        .setParent(Context.root().with(run.processSpan()))
        .setAttribute(ExecutionAttributes.ATTEMPT, (long) run.attempt())
        .startSpan());
  }

  /** Ends the attempt's span with its outcome. */
  void endAttempt(Run run, Outcome outcome) {
    Span span = run.attemptSpan();
    if (!on || !span.isRecording()) return;
    span.setAttribute(ExecutionAttributes.OUTCOME, outcomeName(outcome));
    switch (outcome) {
      case Outcome.Succeeded s -> {}
      case Outcome.Failed f -> span.setStatus(StatusCode.ERROR, f.errorType() + ": " + f.message());
      case Outcome.TimedOut t -> {
        span.addEvent("deadline passed; handler interrupted");
        span.setStatus(StatusCode.ERROR, t.message());
      }
      case Outcome.Skipped sk -> span.addEvent("skipped: " + sk.reason());
      case Outcome.Cancelled c -> span.addEvent("cancelled: " + c.reason());
    }
    span.end();
  }

  /** The context of {@code run}'s processing, for the report call when it carries only this run. */
  Context context(Run run) {
    return on ? Context.root().with(run.processSpan()) : Context.current();
  }

  /** Sets the MDC of log lines about {@code run}: trace and span of its attempt, execution, task, handler. */
  static void putMdc(Run run) {
    SpanContext sc = run.attemptSpan().getSpanContext();
    if (sc.isValid()) {
      MDC.put(ExecutionAttributes.MDC_TRACE_ID, sc.getTraceId());
      MDC.put(ExecutionAttributes.MDC_SPAN_ID, sc.getSpanId());
    }
    MDC.put(ExecutionAttributes.MDC_EXECUTION_ID, run.executionId());
    if (!run.message().getTaskId().isEmpty()) MDC.put(ExecutionAttributes.MDC_TASK_ID, run.message().getTaskId());
    MDC.put(ExecutionAttributes.MDC_HANDLER, run.message().getHandler());
  }

  static void clearMdc() {
    MDC.remove(ExecutionAttributes.MDC_TRACE_ID);
    MDC.remove(ExecutionAttributes.MDC_SPAN_ID);
    MDC.remove(ExecutionAttributes.MDC_EXECUTION_ID);
    MDC.remove(ExecutionAttributes.MDC_TASK_ID);
    MDC.remove(ExecutionAttributes.MDC_HANDLER);
  }

  static String outcomeName(Outcome o) {
    return o.status().name();
  }
}
