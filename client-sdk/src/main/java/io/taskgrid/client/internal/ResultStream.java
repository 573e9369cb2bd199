package io.taskgrid.client.internal;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.taskgrid.client.ExecutionInfo;
import io.taskgrid.client.TaskgridException;
import io.taskgrid.client.TaskgridNotFoundException;
import io.taskgrid.proto.v1.ExecutionUpdate;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.WatchExecutionsRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for the terminal states of any number of executions over one {@code WatchExecutions}
 * stream per client, instead of one stream per execution.
 *
 * <p>Ids to wait for are queued and sent by the scheduler thread, so ids asked for at about the
 * same time travel in one request message (at most {@value #MAX_IDS_PER_MESSAGE} ids each). The
 * stream is opened on first use, waiting for a coordinator to be ready. When it breaks (a
 * coordinator restarts, the network fails) it is reopened after a backoff, on whichever
 * coordinator the channel picks, and every id still waiting is sent again: the server answers
 * each id with its current state, so a result reached while no stream was open is not missed.
 * An answer with {@code not_found} fails that id's future with {@link TaskgridNotFoundException}.
 * It asks for {@code batch}: results recorded together come in one message. At most {@value
 * #MAX_WATCHED} ids are watched on the stream at once; ids beyond wait in the client and are sent as
 * results come in.
 */
public final class ResultStream implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResultStream.class);
  static final int MAX_IDS_PER_MESSAGE = 1000;
  /**
   * Ids watched on the stream at once. A coordinator ends a stream that watches more than 100,000
   * with RESOURCE_EXHAUSTED; the rest wait here and are sent as results free room.
   */
  static final int MAX_WATCHED = 50_000;

  private final Channel channel;
  private final ScheduledExecutorService scheduler;
  private final Backoff backoff;
  private final Map<String, CompletableFuture<ExecutionInfo>> pending = new ConcurrentHashMap<>();
  private final Queue<String> outbox = new ConcurrentLinkedQueue<>();
  // ids sent on the current stream and not answered yet, and ids waiting for room on it; guarded by this
  private final java.util.Set<String> watching = new java.util.HashSet<>();
  private final java.util.ArrayDeque<String> waiting = new java.util.ArrayDeque<>();
  private final AtomicBoolean flushQueued = new AtomicBoolean();
  private volatile boolean closed;

  // The stream; guarded by this.
  private ClientCall<WatchExecutionsRequest, ExecutionUpdate> call;
  private StreamObserver<WatchExecutionsRequest> requests;
  private int generation;
  private int failures;
  private boolean reconnectScheduled;
  private volatile boolean answered;

  /**
   * @param channel where the stream goes
   * @param scheduler the thread that writes to the stream and schedules reconnections
   * @param backoff the pause before each reconnection after consecutive failures
   */
  public ResultStream(Channel channel, ScheduledExecutorService scheduler, Backoff backoff) {
    this.channel = channel;
    this.scheduler = scheduler;
    this.backoff = backoff;
  }

  /**
   * The future of the terminal state of an execution; the same future for repeated calls while it
   * is pending. It fails with {@link TaskgridNotFoundException} when the cluster does not know the
   * id, and with a {@link TaskgridException} when the client is closed first.
   */
  public CompletableFuture<ExecutionInfo> await(String executionId) {
    CompletableFuture<ExecutionInfo> created = new CompletableFuture<>();
    CompletableFuture<ExecutionInfo> existing = pending.putIfAbsent(executionId, created);
    if (existing != null) return existing;
    if (closed) { // close() may have swept pending before the put
      failClosed(executionId);
      return created;
    }
    outbox.add(executionId);
    if (flushQueued.compareAndSet(false, true)) {
      try {
        scheduler.execute(this::flush);
      } catch (RejectedExecutionException e) {
        failClosed(executionId);
      }
    }
    return created;
  }

  /** Ids waiting for their terminal state. */
  public int pendingCount() {
    return pending.size();
  }

  /** Sends the queued ids, opening the stream if needed. Runs on the scheduler. */
  private void flush() {
    flushQueued.set(false); // ids queued from now on schedule another flush
    synchronized (this) {
      if (closed) return;
      if (reconnectScheduled) { // the reconnection sends everything pending
        outbox.clear();
        return;
      }
      for (String id; (id = outbox.poll()) != null; ) waiting.add(id);
      sendWaiting();
    }
  }

  /** Sends the waiting ids that are still pending, as many as the stream has room for. Caller holds the lock. */
  private void sendWaiting() {
    List<String> ids = new ArrayList<>();
    while (watching.size() + ids.size() < MAX_WATCHED && !waiting.isEmpty()) {
      String id = waiting.poll();
      if (pending.containsKey(id) && !watching.contains(id)) ids.add(id);
    }
    if (ids.isEmpty()) return;
    if (call == null) open();
    watching.addAll(ids);
    send(ids);
  }

  /** Caller holds the lock. */
  private void open() {
    int gen = ++generation;
    answered = false;
    watching.clear(); // a new stream watches nothing yet
    call = channel.newCall(TaskServiceGrpc.getWatchExecutionsMethod(), CallOptions.DEFAULT.withWaitForReady());
    requests = ClientCalls.asyncBidiStreamingCall(call, new StreamObserver<>() {
      @Override
      public void onNext(ExecutionUpdate update) {
        answered = true;
        List<String> ended = new ArrayList<>(1 + update.getMoreCount());
        route(update, ended);
        for (int i = 0; i < update.getMoreCount(); i++) route(update.getMore(i), ended);
        if (!ended.isEmpty()) answered(gen, ended);
      }

      @Override
      public void onError(Throwable t) {
        ended(gen, Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        ended(gen, Status.UNAVAILABLE.withDescription("the coordinator ended the result stream"));
      }
    });
    log.debug("Result stream {} opened", gen);
  }

  /** Caller holds the lock. */
  private void send(Collection<String> ids) {
    List<String> list = ids instanceof List<String> l ? l : new ArrayList<>(ids);
    for (int i = 0; i < list.size(); i += MAX_IDS_PER_MESSAGE) {
      requests.onNext(WatchExecutionsRequest.newBuilder()
          .addAllExecutionIds(list.subList(i, Math.min(list.size(), i + MAX_IDS_PER_MESSAGE)))
          .setTerminalOnly(true)
          .setBatch(true)
          .build());
    }
  }

  /** Completes the future of the update's execution; adds its id to {@code ended} when the update was its last on the stream (terminal, not found). */
  private void route(ExecutionUpdate update, List<String> ended) {
    String id = update.getExecution().getExecutionId();
    try {
      if (update.getNotFound()) {
        ended.add(id);
        CompletableFuture<ExecutionInfo> f = pending.remove(id);
        if (f != null) f.completeExceptionally(new TaskgridNotFoundException("execution_id: no execution \"" + id + "\" is known", null));
        return;
      }
      ExecutionInfo info = Convert.fromProto(update.getExecution());
      if (!info.status().isTerminal()) return; // asked for terminal states only; ignore others defensively
      ended.add(id);
      CompletableFuture<ExecutionInfo> f = pending.remove(id);
      if (f != null) f.complete(info);
    } catch (RuntimeException e) { // a dependent stage of the future threw: it must not break the stream
      log.warn("Handling the result of execution {} failed", id, e);
    }
  }

  /** The stream of generation {@code gen} answered {@code ids} for good: their room goes to waiting ids. */
  private void answered(int gen, List<String> ids) {
    boolean more;
    synchronized (this) {
      if (gen != generation) return;
      watching.removeAll(ids);
      more = !waiting.isEmpty() && watching.size() < MAX_WATCHED; // any room: a waiting id must not wait for the next answer, which may never come
    }
    if (more && flushQueued.compareAndSet(false, true)) {
      try {
        scheduler.execute(this::flush);
      } catch (RejectedExecutionException e) {
        // closing
      }
    }
  }

  private void ended(int gen, Status status) {
    try {
      scheduler.execute(() -> reconnect(gen, status));
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  /** The stream of generation {@code gen} ended; reopens it after a backoff if ids still wait. Runs on the scheduler. */
  private void reconnect(int gen, Status status) {
    synchronized (this) {
      if (closed || gen != generation || call == null) return;
      call = null;
      requests = null;
      if (Errors.isPermanentStreamFailure(status)) {
        log.error("The result stream failed and cannot be reopened: {}", status);
        TaskgridException error = Errors.map(status, status.asRuntimeException());
        new ArrayList<>(pending.keySet()).forEach(id -> fail(id, error));
        return;
      }
      if (answered) failures = 0;
      if (pending.isEmpty()) return; // opened again by the next await
      long delay = backoff.delayMillis(failures++, ThreadLocalRandom.current().nextDouble());
      log.info("Result stream broke ({}: {}); reopening in {} ms for {} pending executions",
          status.getCode(), status.getDescription(), delay, pending.size());
      reconnectScheduled = true;
      try {
        scheduler.schedule(this::reopen, delay, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        reconnectScheduled = false; // closing
      }
    }
  }

  private void reopen() {
    synchronized (this) {
      reconnectScheduled = false;
      if (closed) return;
      outbox.clear(); // everything in it is pending, and all of pending is sent below
      watching.clear();
      waiting.clear();
      waiting.addAll(pending.keySet());
      sendWaiting();
    }
  }

  private void fail(String id, TaskgridException e) {
    CompletableFuture<ExecutionInfo> f = pending.remove(id);
    if (f != null) f.completeExceptionally(e);
  }

  private void failClosed(String id) {
    fail(id, new TaskgridException("client closed before execution " + id + " finished"));
  }

  /** Cancels the stream and fails every pending future. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) return;
      closed = true;
      if (call != null) call.cancel("client closed", null);
      call = null;
      requests = null;
    }
    new ArrayList<>(pending.keySet()).forEach(this::failClosed);
  }
}
