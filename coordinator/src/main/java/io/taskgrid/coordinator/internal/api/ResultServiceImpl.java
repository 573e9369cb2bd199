package io.taskgrid.coordinator.internal.api;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.taskgrid.telemetry.ExecutionAttributes;
import io.taskgrid.telemetry.Telemetry;
import io.taskgrid.coordinator.internal.lifecycle.ExecutionEvents;
import io.taskgrid.coordinator.internal.store.ExecutionStore;
import io.taskgrid.coordinator.internal.store.ExecutionStore.ReportedOutcome;
import io.taskgrid.core.ExecutionId;
import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.task.TaskId;
import io.taskgrid.coordinator.internal.workflow.SuccessTriggers;
import io.taskgrid.coordinator.internal.retry.RetryLog;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.TaskMessage;
import java.util.Optional;
import io.taskgrid.proto.v1.ReportOutcomesRequest;
import io.taskgrid.proto.v1.ReportOutcomesResponse;
import io.taskgrid.proto.v1.ResultServiceGrpc;
import java.util.ArrayList;
import java.util.List;

/**
 * Receives outcomes from workers and records them; answers once they are durable. When tracing,
 * the recording is an {@code outcomes recorded} event of the call's server span (a call of one
 * outcome is in its execution's trace, as the worker makes it there; it is the usual case at low
 * rates), with the count, and the execution id and outcome when there is one: not a span per
 * outcome, which would be a quarter of what tracing an execution costs and say little more than
 * the worker's {@code process} span, which ends when the outcome is recorded. The change it
 * publishes delivers the result to watching clients.
 */
public final class ResultServiceImpl extends ResultServiceGrpc.ResultServiceImplBase {
  private static final int MAX_BATCH = 10_000;
  /** Batches of one StreamOutcomes call recorded at once. */
  static final int STREAM_PENDING = 8;
  private final ExecutionStore store;
  private final RetryLog retries;
  private final SuccessTriggers successes;
  private final ExecutionEvents lifecycle;
  private static final AttributeKey<Long> OUTCOME_COUNT = AttributeKey.longKey("taskgrid.outcome.count");
  private final boolean tracing;
  private final io.taskgrid.coordinator.internal.watch.OutputFeed output;
  private static final int MAX_OUTPUT_LINES = 5000;
  private static final int MAX_LINE_CHARS = 4096;

  public ResultServiceImpl(ExecutionStore store, RetryLog retries, OpenTelemetry openTelemetry) {
    this(store, retries, openTelemetry, io.taskgrid.coordinator.internal.watch.OutputFeed.NONE);
  }

  public ResultServiceImpl(ExecutionStore store, RetryLog retries, OpenTelemetry openTelemetry,
      io.taskgrid.coordinator.internal.watch.OutputFeed output) {
    this(store, retries, openTelemetry, output, SuccessTriggers.NONE);
  }

  /** @param successes fires the on_success tasks of the executions that succeed */
  public ResultServiceImpl(ExecutionStore store, RetryLog retries, OpenTelemetry openTelemetry,
      io.taskgrid.coordinator.internal.watch.OutputFeed output, SuccessTriggers successes) {
    this(store, retries, openTelemetry, output, successes, ExecutionEvents.OFF);
  }

  /** @param lifecycle where the outcomes that changed an execution are emitted, once recorded */
  public ResultServiceImpl(ExecutionStore store, RetryLog retries, OpenTelemetry openTelemetry,
      io.taskgrid.coordinator.internal.watch.OutputFeed output, SuccessTriggers successes, ExecutionEvents lifecycle) {
    this.lifecycle = lifecycle;
    this.successes = successes;
    this.output = output;
    this.store = store;
    this.retries = retries;
    this.tracing = Telemetry.isTracing(openTelemetry);
  }

  @Override
  public void reportOutput(io.taskgrid.proto.v1.ReportOutputRequest request, StreamObserver<io.taskgrid.proto.v1.ReportOutputResponse> out) {
    if (request.getWorkerId().isEmpty()) throw new InvalidArgumentException("worker_id", "must not be empty");
    if (request.getLinesCount() > MAX_OUTPUT_LINES) {
      throw new InvalidArgumentException("lines", "at most " + MAX_OUTPUT_LINES + " per batch, got " + request.getLinesCount());
    }
    for (int i = 0; i < request.getLinesCount(); i++) {
      var line = request.getLines(i);
      ExecutionId.parse("lines[" + i + "].execution_id", line.getExecutionId());
      if (line.getText().length() > MAX_LINE_CHARS) {
        throw new InvalidArgumentException("lines[" + i + "].text", "at most " + MAX_LINE_CHARS + " characters, got " + line.getText().length());
      }
    }
    output.publish(request.getLinesList());
    out.onNext(io.taskgrid.proto.v1.ReportOutputResponse.getDefaultInstance());
    out.onCompleted();
  }

  @Override
  public void reportOutcomes(ReportOutcomesRequest request, StreamObserver<ReportOutcomesResponse> out) {
    Span call = tracing ? Span.current() : Span.getInvalid();
    TaskServiceImpl.respond(record(request, call), out);
  }

  /**
   * Batches of outcomes on one call (see the proto): each is recorded as {@link #reportOutcomes}
   * records it and acknowledged with its sequence; at most {@value #STREAM_PENDING} batches of a
   * call are recorded at once (the next is read when one is acknowledged), so a worker cannot
   * queue unbounded work here. A batch refused as invalid is answered with its reason and the call
   * goes on; any other failure ends the call with its status, and the worker resends what was not
   * acknowledged. No span events: the call lives as long as its worker, and a span holds its
   * events until it ends.
   */
  @Override
  public StreamObserver<ReportOutcomesRequest> streamOutcomes(StreamObserver<ReportOutcomesResponse> out) {
    ServerCallStreamObserver<ReportOutcomesResponse> server = (ServerCallStreamObserver<ReportOutcomesResponse>) out;
    server.disableAutoRequest();
    server.request(STREAM_PENDING);
    return new StreamObserver<>() {
      private int pending; // batches being recorded, guarded by out
      private boolean halfClosed; // guarded by out
      private boolean ended; // guarded by out

      @Override
      public void onNext(ReportOutcomesRequest request) {
        long sequence = request.getSequence();
        synchronized (out) {
          pending++;
        }
        CompletableFuture<ReportOutcomesResponse> recorded;
        try {
          recorded = record(request, Span.getInvalid()).toCompletableFuture();
        } catch (InvalidArgumentException e) {
          answer(ReportOutcomesResponse.newBuilder().setSequence(sequence).setInvalid(e.getMessage()).build());
          return;
        }
        recorded.whenComplete((response, error) -> {
          if (error == null) {
            answer(response.toBuilder().setSequence(sequence).build());
            return;
          }
          StatusRuntimeException status = GrpcErrors.toStatus(error);
          if (status.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
            answer(ReportOutcomesResponse.newBuilder().setSequence(sequence).setInvalid(status.getStatus().getDescription()).build());
            return;
          }
          synchronized (out) {
            if (ended) return;
            ended = true;
            out.onError(status);
          }
        });
      }

      private void answer(ReportOutcomesResponse response) {
        synchronized (out) {
          pending--;
          if (ended) return;
          out.onNext(response);
          if (halfClosed && pending == 0) {
            ended = true;
            out.onCompleted();
          } else {
            server.request(1);
          }
        }
      }

      @Override
      public void onError(Throwable t) {
        synchronized (out) {
          ended = true; // the worker went: what it sent and we record stays recorded; it resends the rest
        }
      }

      @Override
      public void onCompleted() {
        synchronized (out) {
          halfClosed = true;
          if (pending == 0 && !ended) {
            ended = true;
            out.onCompleted();
          }
        }
      }
    };
  }

  /**
   * Records {@code request}'s outcomes; completes once they are durable. Throws {@link
   * InvalidArgumentException} for a batch that is not valid, before anything of it is recorded.
   * {@code call}: the server span to add the {@code outcomes recorded} event to, or an invalid one.
   */
  private CompletionStage<ReportOutcomesResponse> record(ReportOutcomesRequest request, Span call) {
    if (request.getWorkerId().isEmpty()) {
      throw new InvalidArgumentException("worker_id", "must not be empty");
    }
    if (request.getOutcomesCount() > MAX_BATCH) {
      throw new InvalidArgumentException("outcomes", "at most " + MAX_BATCH + " per batch, got " + request.getOutcomesCount());
    }
    List<ReportedOutcome> outcomes = new ArrayList<>(request.getOutcomesCount());
    List<TaskMessage> next = new ArrayList<>();
    List<SuccessTriggers.Success> succeeded = new ArrayList<>();
    List<String> taskIds = new ArrayList<>(request.getOutcomesCount());
    for (int i = 0; i < request.getOutcomesCount(); i++) {
      Outcome o = request.getOutcomes(i);
      String field = "outcomes[" + i + "]";
      String id = ExecutionId.parse(field + ".execution_id", o.getExecutionId()).value();
      int attempt = Math.max(1, o.getAttempt());
      io.taskgrid.core.Outcome outcome = ProtoMapping.toOutcome(o, field);
      taskIds.add(o.getTaskId());
      if (outcome instanceof io.taskgrid.core.Outcome.Succeeded && !o.getTaskId().isEmpty()) {
        succeeded.add(new SuccessTriggers.Success(id, TaskId.parse(field + ".task_id", o.getTaskId()), outcome.finishedAt()));
      }
      if (o.hasRetry()) {
        TaskMessage retry = checkedRetry(o, id, attempt, outcome, field);
        next.add(retry);
        outcomes.add(new ReportedOutcome(id, attempt, o.getHandler(), request.getWorkerId(), outcome, retry.getAttempt(),
            Optional.of(ProtoMapping.toInstant(field + ".retry.not_before", retry.getNotBefore()))));
      } else {
        outcomes.add(new ReportedOutcome(id, attempt, o.getHandler(), request.getWorkerId(), outcome));
      }
    }
    // the next attempts are durable in Kafka before any execution is RETRY_SCHEDULED in Redis: a
    // crash in between leaves the attempt RUNNING, its worker resends, and the duplicate retry
    // record replaces the first (same key); one written straight to the tasks topic (due within
    // the release lead) is a second message of that attempt, which the claim fences by attempt
    // (and a worker that gets it before this records answers WAIT and checks again)
    var recorded = retries.schedule(next).thenCompose(queued -> store.recordEach(outcomes).thenApply(changed -> {
      lifecycle.recorded(outcomes, taskIds, changed);
      queuedEvents(queued, outcomes, changed);
      return (int) changed.stream().filter(c -> c).count();
    }));
    if (!succeeded.isEmpty()) {
      // before the answer: a worker that gets no answer reports again, and the fires repeat, idempotently
      recorded = recorded.thenCompose(n -> successes.fire(succeeded).thenApply(ignored -> n));
    }
    if (call.isRecording()) {
      // before the answer, which ends the server span (an error is its status)
      recorded = recorded.thenApply(n -> {
        call.addEvent("outcomes recorded", recordedEvent(request, outcomes));
        return n;
      });
    }
    return recorded.thenApply(n -> ReportOutcomesResponse.newBuilder().setRecorded(n).build());
  }

  /**
   * The queued events of the retries written straight to the tasks topic (due within the release
   * lead), for the outcomes that this call recorded (a resent batch's are recorded already).
   */
  private void queuedEvents(List<TaskMessage> queued, List<ReportedOutcome> outcomes, List<Boolean> changed) {
    if (queued.isEmpty()) return;
    java.util.Set<String> recorded = new java.util.HashSet<>();
    for (int i = 0; i < outcomes.size(); i++) if (changed.get(i)) recorded.add(outcomes.get(i).executionId());
    for (TaskMessage m : queued) if (recorded.contains(m.getExecutionId())) lifecycle.queued(m);
  }

  /** The next attempt's message of an outcome, checked against the outcome it comes with. */
  private static TaskMessage checkedRetry(Outcome o, String id, int attempt, io.taskgrid.core.Outcome outcome, String field) {
    TaskMessage retry = o.getRetry();
    if (!(outcome instanceof io.taskgrid.core.Outcome.Failed) && !(outcome instanceof io.taskgrid.core.Outcome.TimedOut)) {
      throw new InvalidArgumentException(field + ".retry", "is only for a FAILED or TIMEOUT attempt, got " + o.getStatus());
    }
    if (!retry.getExecutionId().equals(id)) {
      throw new InvalidArgumentException(field + ".retry.execution_id", "must be the outcome's execution id " + id + ", got "
          + retry.getExecutionId());
    }
    if (retry.getAttempt() != attempt + 1) {
      throw new InvalidArgumentException(field + ".retry.attempt", "must be " + (attempt + 1) + ", got " + retry.getAttempt());
    }
    if (!retry.hasNotBefore() || !retry.hasFirstAttemptAt()) {
      throw new InvalidArgumentException(field + ".retry", "must set not_before and first_attempt_at");
    }
    return retry;
  }

  /** The count; with one outcome, its execution and status too (the call is then in that execution's trace). */
  private static Attributes recordedEvent(ReportOutcomesRequest request, List<ReportedOutcome> outcomes) {
    if (outcomes.size() != 1) return Attributes.of(OUTCOME_COUNT, (long) outcomes.size());
    return Attributes.of(OUTCOME_COUNT, 1L, ExecutionAttributes.EXECUTION_ID, outcomes.get(0).executionId(),
        ExecutionAttributes.OUTCOME, request.getOutcomes(0).getStatus().name().replace("EXECUTION_STATUS_", ""));
  }

}
