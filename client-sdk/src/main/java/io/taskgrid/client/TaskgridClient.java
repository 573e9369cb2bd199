package io.taskgrid.client;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.taskgrid.client.internal.Convert;
import io.taskgrid.client.internal.Coordinators;
import io.taskgrid.client.internal.Errors;
import io.taskgrid.client.internal.ResultWatcher;
import io.taskgrid.proto.v1.ExecutionUpdate;
import io.taskgrid.proto.v1.GetExecutionRequest;
import io.taskgrid.proto.v1.SubmitTaskResponse;
import io.taskgrid.proto.v1.SubmitTasksRequest;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.WatchExecutionRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The Java client of a Taskgrid cluster: submits tasks, waits for their results, reads and watches
 * executions. Thread-safe; make one per application and {@link #close()} it at shutdown.
 *
 * <pre>{@code
 * try (TaskgridClient client = TaskgridClient.builder().coordinators("127.0.0.1:7233").build()) {
 *   TaskHandle handle = client.submit(TaskRequest.builder("echo").payloadText("hi").build());
 *   ExecutionInfo done = handle.await(Duration.ofSeconds(30));
 *   System.out.println(done.status() + " " + done.result().asText());
 * }
 * }</pre>
 *
 * <p>With several coordinator addresses, a call that cannot reach one goes to the next. A
 * submission is only sent again to another coordinator when that cannot create a second task:
 * when it carries an idempotency key, or when it never reached the first one. Failures are
 * reported as {@link TaskgridException} subclasses, never as gRPC exceptions.
 */
public final class TaskgridClient implements AutoCloseable {
  private final Coordinators coordinators;
  private final Duration callDeadline;
  private final ResultWatcher results;
  private final ScheduledExecutorService retries =
      Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("tg-client-retry").daemon().unstarted(r));
  private final AtomicBoolean closed = new AtomicBoolean();

  private TaskgridClient(List<ManagedChannel> channels, Duration callDeadline) {
    this.coordinators = new Coordinators(channels);
    this.callDeadline = callDeadline;
    this.results = new ResultWatcher(coordinators);
  }

  /** Starts configuring a client. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A client over channels the caller built (for example in-process channels in tests). The
   * client shuts them down when it is closed.
   */
  public static TaskgridClient forChannels(List<ManagedChannel> channels, Duration callDeadline) {
    return new TaskgridClient(channels, callDeadline);
  }

  /**
   * Submits one task and returns once the cluster accepted it (the task is durably queued).
   *
   * @throws TaskgridInvalidArgumentException when a field is invalid (the message names it)
   * @throws TaskgridUnavailableException when no coordinator could accept it now
   */
  public TaskHandle submit(TaskRequest request) {
    return join(submitAsync(request));
  }

  /** Like {@link #submit(TaskRequest)}, without blocking. */
  public CompletableFuture<TaskHandle> submitAsync(TaskRequest request) {
    Objects.requireNonNull(request, "request");
    var proto = Convert.toProto(request);
    boolean idempotent = request.idempotencyKey() != null && !request.idempotencyKey().isEmpty();
    return call(ch -> TaskServiceGrpc.newFutureStub(ch).withDeadlineAfter(callDeadline.toMillis(), TimeUnit.MILLISECONDS).submitTask(proto), idempotent)
        .thenApply(r -> new TaskHandle(r.getExecutionId(), r.getDuplicate(), results.await(r.getExecutionId())));
  }

  /**
   * Submits many tasks, 1000 per call; each call is all or nothing. Returns the handles in the
   * order of {@code requests}.
   *
   * @throws TaskgridInvalidArgumentException naming the first invalid task as {@code tasks[i].field}
   *     (indexes count within its call of at most 1000)
   */
  public List<TaskHandle> submitAll(List<TaskRequest> requests) {
    List<TaskHandle> handles = new ArrayList<>(requests.size());
    for (int start = 0; start < requests.size(); start += 1000) {
      List<TaskRequest> chunk = requests.subList(start, Math.min(requests.size(), start + 1000));
      SubmitTasksRequest.Builder batch = SubmitTasksRequest.newBuilder();
      boolean idempotent = true;
      for (TaskRequest r : chunk) {
        batch.addTasks(Convert.toProto(r));
        idempotent &= r.idempotencyKey() != null && !r.idempotencyKey().isEmpty();
      }
      SubmitTasksRequest proto = batch.build();
      List<SubmitTaskResponse> accepted = join(call(ch -> TaskServiceGrpc.newFutureStub(ch)
          .withDeadlineAfter(callDeadline.toMillis(), TimeUnit.MILLISECONDS).submitTasks(proto), idempotent)).getResultsList();
      List<CompletableFuture<ExecutionInfo>> futures = results.awaitAll(accepted.stream().map(SubmitTaskResponse::getExecutionId).toList());
      for (int i = 0; i < accepted.size(); i++) {
        handles.add(new TaskHandle(accepted.get(i).getExecutionId(), accepted.get(i).getDuplicate(), futures.get(i)));
      }
    }
    return handles;
  }

  /**
   * The current state of an execution.
   *
   * @throws TaskgridNotFoundException when the cluster does not know it
   */
  public ExecutionInfo get(String executionId) {
    var request = GetExecutionRequest.newBuilder().setExecutionId(Objects.requireNonNull(executionId)).build();
    return Convert.fromProto(join(call(ch -> TaskServiceGrpc.newFutureStub(ch)
        .withDeadlineAfter(callDeadline.toMillis(), TimeUnit.MILLISECONDS).getExecution(request), true)));
  }

  /**
   * Calls {@code onChange} with the execution's current state and then each new status, until a
   * terminal one (or {@link Subscription#close()}). Survives a coordinator restart: the watch is
   * reopened and a status is never reported twice. {@code onChange} runs on a gRPC thread.
   */
  public Subscription watch(String executionId, Consumer<ExecutionInfo> onChange) {
    Objects.requireNonNull(onChange, "onChange");
    Watch w = new Watch(WatchExecutionRequest.newBuilder().setExecutionId(executionId).build(), onChange);
    w.open();
    return w;
  }

  /** One WatchExecution stream, reopened when it breaks before the terminal status. */
  private final class Watch implements Subscription {
    private final WatchExecutionRequest request;
    private final Consumer<ExecutionInfo> onChange;
    private volatile boolean done;
    private volatile ClientCallStreamObserver<WatchExecutionRequest> call;
    private ExecutionStatus last;

    Watch(WatchExecutionRequest request, Consumer<ExecutionInfo> onChange) {
      this.request = request;
      this.onChange = onChange;
    }

    void open() {
      if (done || closed.get()) return;
      ManagedChannel channel = coordinators.current();
      TaskServiceGrpc.newStub(channel).watchExecution(request, new ClientResponseObserver<WatchExecutionRequest, ExecutionUpdate>() {
        @Override
        public void beforeStart(ClientCallStreamObserver<WatchExecutionRequest> requestStream) {
          call = requestStream;
        }

        @Override
        public void onNext(ExecutionUpdate update) {
          ExecutionInfo info = Convert.fromProto(update.getExecution());
          synchronized (Watch.this) {
            if (done || info.status() == last) return;
            last = info.status();
            if (info.status().isTerminal()) done = true;
          }
          onChange.accept(info);
        }

        @Override
        public void onError(Throwable t) {
          if (done) return;
          if (t instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.UNAVAILABLE) {
            coordinators.failed(channel);
            retries.schedule(Watch.this::open, 200, TimeUnit.MILLISECONDS);
          } else {
            done = true;
          }
        }

        @Override
        public void onCompleted() {
          if (!done) retries.schedule(Watch.this::open, 200, TimeUnit.MILLISECONDS);
        }
      });
    }

    @Override
    public void close() {
      done = true;
      ClientCallStreamObserver<WatchExecutionRequest> c = call;
      if (c != null) c.cancel("watch closed", null);
    }
  }

  private <T> CompletableFuture<T> call(Function<ManagedChannel, ListenableFuture<T>> rpc, boolean idempotent) {
    CompletableFuture<T> result = new CompletableFuture<>();
    attempt(rpc, idempotent, 0, result);
    return result;
  }

  private <T> void attempt(Function<ManagedChannel, ListenableFuture<T>> rpc, boolean idempotent, int tries, CompletableFuture<T> result) {
    if (closed.get()) {
      result.completeExceptionally(new TaskgridException("client closed", false, null));
      return;
    }
    ManagedChannel channel = coordinators.current();
    boolean connectedBefore = Coordinators.wasConnected(channel);
    Futures.addCallback(rpc.apply(channel), new FutureCallback<T>() {
      @Override
      public void onSuccess(T value) {
        result.complete(value);
      }

      @Override
      public void onFailure(Throwable t) {
        boolean unreachable = t instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.UNAVAILABLE;
        boolean safe = idempotent || !connectedBefore;
        if (unreachable && safe && tries + 1 < Math.max(3, coordinators.size() * 2)) {
          coordinators.failed(channel);
          retries.schedule(() -> attempt(rpc, idempotent, tries + 1, result), Math.min(1000, 50L << tries), TimeUnit.MILLISECONDS);
        } else {
          result.completeExceptionally(Errors.map(t));
        }
      }
    }, MoreExecutors.directExecutor());
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (RuntimeException e) {
      throw Errors.map(e);
    }
  }

  /** Stops watching, fails results still awaited with a {@link TaskgridException}, closes connections. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    results.close();
    retries.shutdownNow();
    coordinators.close();
  }

  /** Configures a {@link TaskgridClient}. */
  public static final class Builder {
    private final List<String> addresses = new ArrayList<>();
    private Duration callDeadline = Duration.ofSeconds(30);
    private int maxInboundMessageSize = 16 * 1024 * 1024;

    private Builder() {}

    /** Coordinator addresses as {@code host:port}, in order of preference. At least one is required. */
    public Builder coordinators(String... hostPorts) {
      for (String a : hostPorts) {
        if (a == null || !a.matches("[^:\\s]+:\\d{1,5}")) throw new IllegalArgumentException("coordinator address must be host:port, got " + a);
        addresses.add(a);
      }
      return this;
    }

    /** Deadline of each call (30 s by default); waiting for results is not bounded by it. */
    public Builder callDeadline(Duration deadline) {
      if (deadline == null || deadline.isNegative() || deadline.isZero()) throw new IllegalArgumentException("deadline must be positive");
      this.callDeadline = deadline;
      return this;
    }

    /** Largest message accepted from a coordinator (16 MiB by default); large results need more. */
    public Builder maxInboundMessageSize(int bytes) {
      if (bytes < 1024) throw new IllegalArgumentException("maxInboundMessageSize too small: " + bytes);
      this.maxInboundMessageSize = bytes;
      return this;
    }

    /** Connects lazily: the first call opens the connection. */
    public TaskgridClient build() {
      if (addresses.isEmpty()) throw new IllegalStateException("at least one coordinator address is required");
      List<ManagedChannel> channels = addresses.stream()
          .map(a -> Grpc.newChannelBuilder(a, InsecureChannelCredentials.create()).maxInboundMessageSize(maxInboundMessageSize).build())
          .toList();
      return new TaskgridClient(channels, callDeadline);
    }
  }
}
