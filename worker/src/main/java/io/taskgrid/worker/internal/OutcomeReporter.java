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
 * recorded them. Batches go as messages on one long-lived {@code StreamOutcomes} call, which
 * costs both sides a fraction of a unary call per batch. One batch is unacknowledged at a time
 * ({@link #STREAM_PENDING}): what ends meanwhile forms the next batch, so batches grow with the
 * rate (with four in flight, each was a quarter the size, and the no-op benchmark paid for four
 * times the recording calls); {@code ReportOutcomes} calls are used for a coordinator that answers
 * UNIMPLEMENTED (an older version, tried again after {@link #UNARY_FOR}), for a batch the stream
 * refused as invalid (sent one by one, below), and, when tracing, for a batch of one outcome, so
 * that the call is part of its execution's trace. When the stream fails or a batch is not
 * acknowledged within the call deadline, every unacknowledged batch is sent again, to the next
 * coordinator. A batch that fails goes, unchanged, to the next coordinator in the list, again
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
  /** Batches sent on the stream and not yet acknowledged, at most (by default). */
  static final int STREAM_PENDING = 1;
  /** How long a coordinator that answered UNIMPLEMENTED to the stream gets unary calls. */
  static final Duration UNARY_FOR = Duration.ofMinutes(5);

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
  /** Guards the stream state below; the reporter thread waits on it for acknowledgements. */
  private final Object lock = new Object();
  private OutcomeStream stream;
  /** Runs of batches a failed stream left unacknowledged, to send again before anything new. */
  private final List<Run> returned = new ArrayList<>();
  /** Batches the stream refused as invalid, to go one outcome per unary call. */
  private final List<List<Run>> refused = new ArrayList<>();
  /** A stream failed since the reporter thread last looked: move to the next coordinator, after a pause. */
  private boolean streamFailed;
  /** Per coordinator: until when (nanoTime) it gets unary calls; 0 for none. */
  private final long[] unaryUntil;
  private long sequence;
  private int streamPending;

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
    this.unaryUntil = new long[channels.size()];
    this.streamPending = STREAM_PENDING;
    this.thread = Thread.ofPlatform().name("tg-worker-reporter").daemon().unstarted(this::loop);
  }

  /** Lets up to {@code n} batches be unacknowledged on the stream at once (tests of out-of-order acknowledgements). */
  OutcomeReporter streamPending(int n) {
    this.streamPending = n;
    return this;
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
        expireUnacknowledged();
        List<List<Run>> invalid = List.of();
        boolean failed;
        synchronized (lock) {
          failed = streamFailed;
          streamFailed = false;
          if (!returned.isEmpty()) {
            batch.addAll(0, returned);
            returned.clear();
          }
          if (!refused.isEmpty()) {
            invalid = new ArrayList<>(refused);
            refused.clear();
          }
        }
        for (List<Run> one : invalid) sendOneByOne(one);
        if (failed) backoffMs = nextCoordinator(backoffMs);
        if (batch.isEmpty()) {
          Run first = queue.poll(100, TimeUnit.MILLISECONDS);
          if (first == null) {
            if (stopping && allAcknowledged()) return;
            continue;
          }
          batch.add(first);
          queue.drainTo(batch, MAX_BATCH - 1);
        }
        boolean unary = unaryUntil[current] - System.nanoTime() > 0 || batch.size() == 1 && tracing.isOn();
        if (unary ? sendAll(batch) : streamAll(batch)) {
          if (unary) backoffMs = 50;
        } else if (unary) {
          backoffMs = nextCoordinator(backoffMs);
        }
        synchronized (lock) {
          if (acknowledgedSinceFailure) backoffMs = 50;
          acknowledgedSinceFailure = false;
        }
      } catch (InterruptedException e) {
        if (abandoned) return;
      } catch (RuntimeException e) {
        log.error("Unexpected error reporting outcomes; retrying", e);
      }
    }
  }

  /**
   * Moves to the next coordinator after a pause of {@code backoffMs} (pacing between retries of a
   * coordinator that is down); the pause before the next such move.
   */
  private long nextCoordinator(long backoffMs) throws InterruptedException {
    current = (current + 1) % channels.size();
    Thread.sleep(backoffMs);
    return Math.min(2000, backoffMs * 2);
  }

  /** An acknowledgement came since the reporter thread last looked (guarded by lock). */
  private boolean acknowledgedSinceFailure;

  /** Whether nothing is left to send or to be acknowledged. */
  private boolean allAcknowledged() {
    synchronized (lock) {
      return queue.isEmpty() && returned.isEmpty() && refused.isEmpty() && (stream == null || stream.pending.isEmpty());
    }
  }

  /**
   * Sends {@code batch} on the stream to the current coordinator (opening it when there is none),
   * as messages of at most {@link #MAX_REQUEST_BYTES}, waiting while {@code streamPending} are
   * unacknowledged. True when all of it was sent; false when the stream failed first (what was not
   * sent is back at the head of {@code batch}; what was sent is in {@link #returned}).
   */
  private boolean streamAll(List<Run> batch) throws InterruptedException {
    List<io.taskgrid.proto.v1.Outcome> outcomes = outcomes(batch);
    int from = 0;
    while (from < outcomes.size()) {
      ReportOutcomesRequest.Builder request = ReportOutcomesRequest.newBuilder().setWorkerId(workerId);
      int to = fill(request, outcomes, from, false);
      OutcomeStream s;
      synchronized (lock) {
        while ((s = stream) != null && s.pending.size() >= streamPending && !abandoned) {
          lock.wait(100);
          if (expiredLocked() != null) break;
        }
        if (abandoned) return false;
        if (s == null || s.failed) {
          s = null;
        }
      }
      if (s == null) {
        s = open();
        if (s == null) { // UNIMPLEMENTED at once: send the rest as unary calls
          batch.subList(0, from).clear();
          return sendAll(batch);
        }
      }
      List<Run> runs = new ArrayList<>(batch.subList(from, to));
      synchronized (lock) {
        if (s.failed) {
          batch.subList(0, from).clear();
          return false;
        }
        long seq = ++sequence;
        request.setSequence(seq);
        s.pending.put(seq, new Pending(runs, System.nanoTime()));
      }
      try {
        s.requests.onNext(request.build());
      } catch (RuntimeException e) { // the call was cancelled meanwhile: its onError returns the runs
        log.debug("Could not send outcomes on the stream: {}", e.toString());
      }
      from = to;
    }
    batch.clear();
    return true;
  }

  /** Opens the stream to the current coordinator; null when it answered UNIMPLEMENTED before (it gets unary calls). */
  private OutcomeStream open() {
    OutcomeStream s = new OutcomeStream(current);
    ResultServiceGrpc.newStub(channels.get(current)).streamOutcomes(s);
    synchronized (lock) {
      if (s.failed) return unaryUntil[s.channel] - System.nanoTime() > 0 ? null : s;
      stream = s;
    }
    return s;
  }

  /** Fails the stream when its oldest batch has waited longer than the call deadline for its acknowledgement. */
  private void expireUnacknowledged() {
    OutcomeStream s;
    synchronized (lock) {
      s = expiredLocked();
      if (s == null) return;
      failLocked(s, Status.DEADLINE_EXCEEDED.withDescription("no acknowledgement within " + CALL_DEADLINE.toSeconds() + " s"));
    }
    log.warn("Coordinator {} did not acknowledge outcomes within {} s; sending them again to the next one", addresses.get(s.channel),
        CALL_DEADLINE.toSeconds());
    s.requests.cancel("no acknowledgement within the deadline", null);
  }

  private OutcomeStream expiredLocked() {
    OutcomeStream s = stream;
    if (s == null) return null;
    long now = System.nanoTime();
    for (Pending p : s.pending.values()) {
      if (now - p.sentAt() > CALL_DEADLINE.toNanos()) return s;
    }
    return null;
  }

  /** Marks {@code s} failed and returns its unacknowledged runs for sending again; the caller holds lock. */
  private void failLocked(OutcomeStream s, Status status) {
    if (s.failed) return;
    s.failed = true;
    if (stream == s) stream = null;
    for (Pending p : s.pending.values()) returned.addAll(p.runs());
    s.pending.clear();
    if (status.getCode() == Status.Code.UNIMPLEMENTED) {
      unaryUntil[s.channel] = System.nanoTime() + UNARY_FOR.toNanos();
    } else {
      streamFailed = true;
    }
    lock.notifyAll();
  }

  private void acknowledged(OutcomeStream s, io.taskgrid.proto.v1.ReportOutcomesResponse response) {
    Pending p;
    synchronized (lock) {
      if (s.failed) return; // its batches are being sent again; recording is idempotent
      p = s.pending.remove(response.getSequence());
      if (p == null) return;
      if (!response.getInvalid().isEmpty()) {
        refused.add(p.runs());
        p = null;
      }
      acknowledgedSinceFailure = true;
      lock.notifyAll();
    }
    String again = refusals.accepted(addresses.get(s.channel));
    if (again != null) log.info(again);
    if (p != null) p.runs().forEach(onAcknowledged);
  }

  private void failed(OutcomeStream s, Status status) {
    synchronized (lock) {
      if (s.failed) return;
      failLocked(s, status);
    }
    if (status.getCode() == Status.Code.UNIMPLEMENTED) {
      log.info("Coordinator {} has no StreamOutcomes (an older version?): reporting to it with ReportOutcomes calls for {} min",
          addresses.get(s.channel), UNARY_FOR.toMinutes());
    } else if (CredentialRefusals.isRefusal(status.getCode())) {
      String refusedLog = refusals.refused(addresses.get(s.channel), status);
      if (refusedLog != null) log.error(refusedLog);
    } else if (!abandoned) {
      log.warn("Outcome stream to coordinator {} ended ({}); sending what it did not acknowledge to the next one", addresses.get(s.channel),
          describe(status));
    }
  }

  /** A batch the stream refused as invalid: each outcome on its own unary call, so that only the invalid one is dropped. */
  private void sendOneByOne(List<Run> runs) throws InterruptedException {
    List<Run> left = new ArrayList<>(runs);
    long backoffMs = 50;
    while (!left.isEmpty() && !abandoned) {
      if (sendAll(left, true)) return;
      backoffMs = nextCoordinator(backoffMs);
    }
  }

  /** A batch on the stream: its runs and when it was sent. */
  private record Pending(List<Run> runs, long sentAt) {}

  /** One StreamOutcomes call; its state guarded by lock. */
  private final class OutcomeStream
      implements io.grpc.stub.ClientResponseObserver<ReportOutcomesRequest, io.taskgrid.proto.v1.ReportOutcomesResponse> {
    final int channel;
    final java.util.Map<Long, Pending> pending = new java.util.LinkedHashMap<>();
    boolean failed;
    io.grpc.stub.ClientCallStreamObserver<ReportOutcomesRequest> requests;

    OutcomeStream(int channel) {
      this.channel = channel;
    }

    @Override
    public void beforeStart(io.grpc.stub.ClientCallStreamObserver<ReportOutcomesRequest> requestStream) {
      this.requests = requestStream;
    }

    @Override
    public void onNext(io.taskgrid.proto.v1.ReportOutcomesResponse response) {
      acknowledged(this, response);
    }

    @Override
    public void onError(Throwable t) {
      failed(this, Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      failed(this, Status.UNAVAILABLE.withDescription("the coordinator ended the outcome stream"));
    }
  }

  /**
   * Sends {@code batch} in calls of at most {@link #MAX_REQUEST_BYTES} (one outcome per call when
   * it is larger alone), removing and acknowledging what each call recorded. False when a call
   * failed; what it carried and what follows stays in {@code batch}.
   */
  private boolean sendAll(List<Run> batch) {
    return sendAll(batch, false);
  }

  private boolean sendAll(List<Run> batch, boolean oneByOne) {
    List<io.taskgrid.proto.v1.Outcome> outcomes = outcomes(batch);
    int from = 0;
    while (from < outcomes.size()) {
      ReportOutcomesRequest.Builder request = ReportOutcomesRequest.newBuilder().setWorkerId(workerId);
      int to = fill(request, outcomes, from, oneByOne);
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

  private List<io.taskgrid.proto.v1.Outcome> outcomes(List<Run> batch) {
    List<io.taskgrid.proto.v1.Outcome> outcomes = new ArrayList<>(batch.size());
    for (Run r : batch) outcomes.add(toProto(r));
    return outcomes;
  }

  /**
   * Adds {@code outcomes} from {@code from} on to {@code request} while it stays under {@link
   * #MAX_REQUEST_BYTES} (one outcome at least; only one with {@code oneByOne}); returns the index
   * after the last one added.
   */
  private static int fill(ReportOutcomesRequest.Builder request, List<io.taskgrid.proto.v1.Outcome> outcomes, int from, boolean oneByOne) {
    int bytes = 0;
    int to = from;
    while (to < outcomes.size() && (to == from || !oneByOne && bytes + outcomes.get(to).getSerializedSize() <= MAX_REQUEST_BYTES)) {
      bytes += outcomes.get(to).getSerializedSize();
      request.addOutcomes(outcomes.get(to++));
    }
    return to;
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
    OutcomeStream s;
    boolean done;
    synchronized (lock) {
      s = stream;
      stream = null;
      done = s != null && s.pending.isEmpty();
      lock.notifyAll();
    }
    if (s != null && s.requests != null) {
      if (done) s.requests.onCompleted(); // half-close: the coordinator ends the call
      else s.requests.cancel("the worker stops", null);
    }
  }
}
