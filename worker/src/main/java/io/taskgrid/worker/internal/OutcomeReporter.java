package io.taskgrid.worker.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.taskgrid.core.Outcome;
import io.taskgrid.proto.v1.ErrorInfo;
import io.taskgrid.proto.v1.ExecutionStatus;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.ReportOutcomesRequest;
import io.taskgrid.proto.v1.ResultServiceGrpc;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends outcomes to a coordinator in batches, and tells {@code onAcknowledged} once a coordinator
 * recorded them. A batch that fails goes, unchanged, to the next coordinator in the list, again
 * and again until one records it: an outcome is never dropped while the worker lives, unless a
 * coordinator refuses it as invalid (INVALID_ARGUMENT), which no resend can change: then the
 * others of its batch are sent one at a time and the refused one is logged and dropped. (Recording
 * is idempotent, so resending a batch that was in fact recorded is harmless.) A coordinator that
 * refuses the worker's credentials (UNAUTHENTICATED, PERMISSION_DENIED) is retried like one that
 * is down, and logged once per streak of refusals with what to fix ({@link CredentialRefusals}).
 */
public final class OutcomeReporter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutcomeReporter.class);
  private static final int MAX_BATCH = 1000;
  /** Bytes of outcomes per call, well under the coordinator's message limit (16 MiB at least). */
  static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(10);

  private final String workerId;
  private final List<ManagedChannel> channels;
  private final List<String> addresses;
  private final Consumer<Run> onAcknowledged;
  private final LinkedBlockingQueue<Run> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final ExecutionTracing tracing;
  private final CredentialRefusals refusals = new CredentialRefusals();
  private volatile boolean stopping;
  private volatile boolean abandoned;
  private int current;

  public OutcomeReporter(String workerId, List<String> addresses, List<ManagedChannel> channels, Consumer<Run> onAcknowledged) {
    this(workerId, addresses, channels, onAcknowledged, ExecutionTracing.off());
  }

  public OutcomeReporter(String workerId, List<String> addresses, List<ManagedChannel> channels, Consumer<Run> onAcknowledged,
      ExecutionTracing tracing) {
    this.tracing = tracing;
    this.workerId = workerId;
    this.addresses = addresses;
    this.channels = channels;
    this.onAcknowledged = onAcknowledged;
    this.thread = Thread.ofPlatform().name("tg-worker-reporter").daemon().unstarted(this::loop);
  }

  public void start() {
    thread.start();
  }

  public void report(Run run) {
    queue.add(run);
  }

  public int backlog() {
    return queue.size();
  }

  private void loop() {
    List<Run> batch = new ArrayList<>();
    long backoffMs = 50;
    while (!abandoned) {
      try {
        if (batch.isEmpty()) {
          Run first = queue.poll(100, TimeUnit.MILLISECONDS);
          if (first == null) {
            if (stopping) return;
            continue;
          }
          batch.add(first);
          queue.drainTo(batch, MAX_BATCH - 1);
        }
        if (sendAll(batch)) {
          backoffMs = 50;
        } else {
          current = (current + 1) % channels.size();
          Thread.sleep(backoffMs); // pacing between retries of a coordinator that is down
          backoffMs = Math.min(2000, backoffMs * 2);
        }
      } catch (InterruptedException e) {
        if (abandoned) return;
      } catch (RuntimeException e) {
        log.error("Unexpected error reporting outcomes; retrying", e);
      }
    }
  }

  /**
   * Sends {@code batch} in calls of at most {@link #MAX_REQUEST_BYTES} (one outcome per call when
   * it is larger alone), removing and acknowledging what each call recorded. False when a call
   * failed; what it carried and what follows stays in {@code batch}.
   */
  private boolean sendAll(List<Run> batch) {
    List<io.taskgrid.proto.v1.Outcome> outcomes = new ArrayList<>(batch.size());
    for (Run r : batch) outcomes.add(toProto(r));
    int from = 0;
    boolean oneByOne = false;
    while (from < outcomes.size()) {
      ReportOutcomesRequest.Builder request = ReportOutcomesRequest.newBuilder().setWorkerId(workerId);
      int bytes = 0;
      int to = from;
      while (to < outcomes.size() && (to == from || !oneByOne && bytes + outcomes.get(to).getSerializedSize() <= MAX_REQUEST_BYTES)) {
        bytes += outcomes.get(to).getSerializedSize();
        request.addOutcomes(outcomes.get(to++));
      }
      // a call that carries one outcome is part of its execution's trace; a batch of many traces
      // is a trace of its own (each execution's process span ends when the call recorded its outcome)
      Status.Code answer;
      try (io.opentelemetry.context.Scope scope = to - from == 1 ? tracing.context(batch.get(from)).makeCurrent()
          : io.opentelemetry.context.Context.root().makeCurrent()) {
        answer = send(request.build(), to - from);
      }
      if (answer == Status.Code.INVALID_ARGUMENT && to - from > 1) {
        // one bad outcome must not hold back the others: find it by sending the rest one at a time
        oneByOne = true;
        continue;
      }
      if (answer == Status.Code.INVALID_ARGUMENT) {
        // the coordinator can never record it (e.g. a message another producer wrote with an id
        // that is not an execution's): resending would block every outcome behind it forever
        log.error("Dropping the outcome of execution {}: the coordinator refuses it as invalid", outcomes.get(from).getExecutionId());
      } else if (answer != Status.Code.OK) {
        batch.subList(0, from).clear();
        return false;
      }
      batch.subList(from, to).forEach(onAcknowledged);
      from = to;
    }
    batch.clear();
    return true;
  }

  /** OK when the coordinator recorded {@code request}, else the status it failed with. */
  private Status.Code send(ReportOutcomesRequest request, int count) {
    try {
      ResultServiceGrpc.newBlockingStub(channels.get(current))
          .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
          .reportOutcomes(request);
      String again = refusals.accepted(addresses.get(current));
      if (again != null) log.info(again);
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      if (CredentialRefusals.isRefusal(e.getStatus().getCode())) {
        String refused = refusals.refused(addresses.get(current), e.getStatus());
        if (refused != null) log.error(refused);
        return e.getStatus().getCode();
      }
      log.warn("Coordinator {} did not record {} outcomes ({}){}", addresses.get(current), count, describe(e.getStatus()),
          e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT ? "" : "; trying the next one");
      return e.getStatus().getCode();
    }
  }

  /**
   * The status in one line: its code, description and the root cause's message (a refused TLS
   * certificate says why there), not the cause's stack trace on every retry.
   */
  static String describe(Status status) {
    StringBuilder s = new StringBuilder(status.getCode().toString());
    if (status.getDescription() != null) s.append(": ").append(status.getDescription().lines().findFirst().orElse(""));
    Throwable root = status.getCause();
    while (root != null && root.getCause() != null && root.getCause() != root) root = root.getCause();
    if (root != null) {
      s.append("; ").append(root.getClass().getSimpleName()).append(root.getMessage() == null ? "" : ": " + root.getMessage());
      if (root instanceof java.security.cert.CertificateException || root instanceof java.security.GeneralSecurityException
          || root instanceof javax.net.ssl.SSLException) {
        s.append(" (is the coordinator's certificate issued by a CA in TASKGRID_CLIENT_TLS_CA, for the address the worker calls?)");
      }
    }
    return s.toString();
  }

  private io.taskgrid.proto.v1.Outcome toProto(Run run) {
    Outcome o = run.outcome();
    io.taskgrid.proto.v1.Outcome.Builder b = io.taskgrid.proto.v1.Outcome.newBuilder()
        .setExecutionId(run.executionId())
        .setAttempt(run.attempt())
        .setHandler(run.message().getHandler())
        .setTaskId(run.message().getTaskId())
        .setStartedAt(ts(o.startedAt()))
        .setFinishedAt(ts(o.finishedAt()));
    run.retry().ifPresent(b::setRetry);
    switch (o) {
      case Outcome.Succeeded s -> b.setStatus(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED)
          .setResult(Payload.newBuilder().setData(ByteString.copyFrom(s.result().unsafeData())).setContentType(s.result().contentType()));
      case Outcome.Failed f -> b.setStatus(ExecutionStatus.EXECUTION_STATUS_FAILED)
          .setError(ErrorInfo.newBuilder().setType(f.errorType()).setMessage(f.message() == null ? "" : f.message()));
      case Outcome.TimedOut t -> b.setStatus(ExecutionStatus.EXECUTION_STATUS_TIMEOUT)
          .setError(ErrorInfo.newBuilder().setType(Outcome.TimedOut.ERROR_TYPE).setMessage(t.message()));
      case Outcome.Skipped sk -> b.setStatus(ExecutionStatus.EXECUTION_STATUS_SKIPPED).setReason(sk.reason());
      case Outcome.Cancelled c -> b.setStatus(ExecutionStatus.EXECUTION_STATUS_CANCELLED).setReason(c.reason())
          .setError(ErrorInfo.newBuilder().setType(Outcome.Cancelled.ERROR_TYPE).setMessage("execution " + c.reason()));
    }
    return b.build();
  }

  private static Timestamp ts(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  /** Reports what is queued (up to {@code timeout}), then stops. */
  public void drain(Duration timeout) {
    stopping = true;
    try {
      thread.join(Math.max(1, timeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    close();
  }

  /** Stops at once; unreported outcomes are left for redelivery. */
  @Override
  public void close() {
    abandoned = true;
    thread.interrupt();
  }
}
