package io.taskgrid.client.internal;

import io.grpc.ManagedChannel;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for the results of many executions over one {@code WatchExecutions} stream. If the stream
 * breaks (a coordinator restarts), it is reopened, on the next coordinator when there are several,
 * and every id still waiting is sent again; the server answers each with its current state, so no
 * result is missed.
 */
public final class ResultWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResultWatcher.class);
  private static final int IDS_PER_MESSAGE = 1000;

  private final Coordinators coordinators;
  private final Map<String, CompletableFuture<ExecutionInfo>> pending = new ConcurrentHashMap<>();
  private final ScheduledExecutorService reconnects =
      Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("tg-client-watch-reconnect").daemon().unstarted(r));
  private final Object lock = new Object();
  private StreamObserver<WatchExecutionsRequest> stream;
  private ManagedChannel streamChannel;
  private long backoffMs = 50;
  private boolean reconnectScheduled;
  private boolean closed;

  public ResultWatcher(Coordinators coordinators) {
    this.coordinators = coordinators;
  }

  /** A future of the terminal state of {@code executionId}. */
  public CompletableFuture<ExecutionInfo> await(String executionId) {
    return awaitAll(List.of(executionId)).get(0);
  }

  /** Futures of the terminal states of {@code ids}, in order, asked for in one message. */
  public List<CompletableFuture<ExecutionInfo>> awaitAll(List<String> ids) {
    List<CompletableFuture<ExecutionInfo>> futures = new ArrayList<>(ids.size());
    List<String> fresh = new ArrayList<>(ids.size());
    for (String id : ids) {
      CompletableFuture<ExecutionInfo> created = new CompletableFuture<>();
      CompletableFuture<ExecutionInfo> existing = pending.putIfAbsent(id, created);
      futures.add(existing == null ? created : existing);
      if (existing == null) fresh.add(id);
    }
    synchronized (lock) {
      if (closed) {
        fresh.forEach(id -> fail(id, new TaskgridException("client closed", false, null)));
      } else {
        send(fresh);
      }
    }
    return futures;
  }

  /** Sends ids on the stream, opening it if needed; caller holds the lock. */
  private void send(Collection<String> ids) {
    if (ids.isEmpty() || reconnectScheduled) return; // a reconnect resends everything pending
    if (stream == null) open();
    List<String> list = new ArrayList<>(ids);
    try {
      for (int i = 0; i < list.size(); i += IDS_PER_MESSAGE) {
        stream.onNext(WatchExecutionsRequest.newBuilder().setTerminalOnly(true)
            .addAllExecutionIds(list.subList(i, Math.min(list.size(), i + IDS_PER_MESSAGE))).build());
      }
    } catch (RuntimeException e) {
      log.debug("Watch stream send failed: {}", e.toString());
      broken(streamChannel);
    }
  }

  private void open() {
    ManagedChannel channel = coordinators.current();
    streamChannel = channel;
    stream = TaskServiceGrpc.newStub(channel).watchExecutions(new StreamObserver<>() {
      @Override
      public void onNext(ExecutionUpdate update) {
        backoffMs = 50;
        String id = update.getExecution().getExecutionId();
        if (update.getNotFound()) {
          fail(id, new TaskgridNotFoundException("execution_id: no execution \"" + id + "\" is known", null));
          return;
        }
        ExecutionInfo info = Convert.fromProto(update.getExecution());
        if (info.status().isTerminal()) {
          CompletableFuture<ExecutionInfo> f = pending.remove(id);
          if (f != null) f.complete(info);
        }
      }

      @Override
      public void onError(Throwable t) {
        log.debug("Watch stream broke: {}", t.toString());
        synchronized (lock) {
          broken(channel);
        }
      }

      @Override
      public void onCompleted() {
        synchronized (lock) {
          broken(channel);
        }
      }
    });
  }

  /** The stream on {@code channel} ended; reopen it after a pause and resend what is pending. Caller holds the lock. */
  private void broken(ManagedChannel channel) {
    if (streamChannel != channel) return; // an older stream
    stream = null;
    streamChannel = null;
    if (closed || reconnectScheduled) return;
    coordinators.failed(channel);
    reconnectScheduled = true;
    long delay = backoffMs;
    backoffMs = Math.min(2000, backoffMs * 2);
    reconnects.schedule(() -> {
      synchronized (lock) {
        reconnectScheduled = false;
        if (!closed && !pending.isEmpty()) send(pending.keySet());
      }
    }, delay, TimeUnit.MILLISECONDS);
  }

  private void fail(String id, TaskgridException e) {
    CompletableFuture<ExecutionInfo> f = pending.remove(id);
    if (f != null) f.completeExceptionally(e);
  }

  /** Ids still waiting for a result. */
  public int pendingCount() {
    return pending.size();
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (closed) return;
      closed = true;
      if (stream != null) {
        try {
          stream.onCompleted();
        } catch (RuntimeException e) {
          // already broken
        }
      }
    }
    reconnects.shutdownNow();
    new ArrayList<>(pending.keySet()).forEach(id -> fail(id, new TaskgridException("client closed before execution " + id + " finished", false, null)));
  }
}
