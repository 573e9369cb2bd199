package io.taskgrid.coordinator.internal.api;

import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.taskgrid.telemetry.ExecutionAttributes;
import io.taskgrid.telemetry.Telemetry;
import io.taskgrid.telemetry.TraceContexts;
import io.taskgrid.coordinator.internal.store.ExecutionStore;
import io.taskgrid.coordinator.internal.store.ExecutionStore.ReportedOutcome;
import io.taskgrid.core.ExecutionId;
import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.ReportOutcomesRequest;
import io.taskgrid.proto.v1.ReportOutcomesResponse;
import io.taskgrid.proto.v1.ResultServiceGrpc;
import java.util.ArrayList;
import java.util.List;

/**
 * Receives outcomes from workers and records them; answers once they are durable. When tracing,
 * recording each outcome is a {@code taskgrid.record_outcome} span in its execution's trace (the
 * worker sends the context with the outcome, as a batch holds outcomes of many traces); the
 * change it publishes delivers the result to watching clients.
 */
public final class ResultServiceImpl extends ResultServiceGrpc.ResultServiceImplBase {
  private static final int MAX_BATCH = 10_000;
  private final ExecutionStore store;
  private final OpenTelemetry openTelemetry;
  private final Tracer tracer;
  private final boolean tracing;

  public ResultServiceImpl(ExecutionStore store, OpenTelemetry openTelemetry) {
    this.store = store;
    this.openTelemetry = openTelemetry;
    this.tracer = openTelemetry.getTracer("io.taskgrid.coordinator");
    this.tracing = Telemetry.isTracing(openTelemetry);
  }

  @Override
  public void reportOutcomes(ReportOutcomesRequest request, StreamObserver<ReportOutcomesResponse> out) {
    if (request.getWorkerId().isEmpty()) {
      throw new InvalidArgumentException("worker_id", "must not be empty");
    }
    if (request.getOutcomesCount() > MAX_BATCH) {
      throw new InvalidArgumentException("outcomes", "at most " + MAX_BATCH + " per batch, got " + request.getOutcomesCount());
    }
    List<ReportedOutcome> outcomes = new ArrayList<>(request.getOutcomesCount());
    for (int i = 0; i < request.getOutcomesCount(); i++) {
      Outcome o = request.getOutcomes(i);
      String field = "outcomes[" + i + "]";
      String id = ExecutionId.parse(field + ".execution_id", o.getExecutionId()).value();
      outcomes.add(new ReportedOutcome(id, Math.max(1, o.getAttempt()), o.getHandler(), request.getWorkerId(), ProtoMapping.toOutcome(o, field)));
    }
    List<Span> spans = tracing ? startSpans(request) : List.of();
    var recorded = store.recordOutcomes(outcomes);
    if (!spans.isEmpty()) {
      // each span ends when its result is recorded and published: an event saying so would repeat its end
      recorded.whenComplete((n, error) -> spans.forEach(span -> {
        if (error != null) span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
        span.end();
      }));
    }
    TaskServiceImpl.respond(recorded.thenApply(n -> ReportOutcomesResponse.newBuilder().setRecorded(n).build()), out);
  }

  private List<Span> startSpans(ReportOutcomesRequest request) {
    List<Span> spans = new ArrayList<>();
    for (Outcome o : request.getOutcomesList()) {
      if (o.getTraceContextCount() == 0) continue;
      Span span = tracer.spanBuilder("taskgrid.record_outcome")
          // the execution id is on the parent (the worker's process span), as in every span under it
          .setParent(TraceContexts.extract(openTelemetry, o.getTraceContextMap()))
          .setAttribute(ExecutionAttributes.OUTCOME, o.getStatus().name().replace("EXECUTION_STATUS_", ""))
          .setAttribute(ExecutionAttributes.WORKER_ID, request.getWorkerId())
          .startSpan();
      if (span.isRecording()) spans.add(span);
    }
    return spans;
  }
}
