package io.taskgrid.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.taskgrid.proto.v1.ErrorInfo;
import io.taskgrid.proto.v1.Execution;
import io.taskgrid.proto.v1.ExecutionStatus;
import io.taskgrid.proto.v1.ExecutionUpdate;
import io.taskgrid.proto.v1.GetExecutionRequest;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.SubmitTaskRequest;
import io.taskgrid.proto.v1.SubmitTaskResponse;
import io.taskgrid.proto.v1.SubmitTasksRequest;
import io.taskgrid.proto.v1.SubmitTasksResponse;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.WatchExecutionRequest;
import io.taskgrid.proto.v1.WatchExecutionsRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An in-memory TaskService: accepts every task as PENDING, keeps executions in a map, and lets the
 * test move them on and break streams. Enough of the contract for the client's unit tests.
 */
final class FakeTaskService extends TaskServiceGrpc.TaskServiceImplBase {
  final Map<String, Execution> executions = new ConcurrentHashMap<>();
  final List<SubmitTaskRequest> submitted = new CopyOnWriteArrayList<>();
  final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
  final List<WatchExecutionsRequest> watchRequests = new CopyOnWriteArrayList<>();
  final AtomicInteger submitCalls = new AtomicInteger();
  final AtomicInteger watchStreamsOpened = new AtomicInteger();
  private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
  private final Map<String, String> idsByKey = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  /** Fails every submission with this status while set. */
  volatile Status failSubmitsWith;
  private final AtomicInteger batchesBeforeFailure = new AtomicInteger(-1);
  private volatile Status batchFailure;
  /** Fails this many submissions with UNAVAILABLE, then accepts. */
  final AtomicInteger unavailableSubmits = new AtomicInteger();

  /** One open WatchExecutions or WatchExecution stream. */
  private static final class Watcher {
    final StreamObserver<ExecutionUpdate> out;
    final Map<String, Boolean> ids = new ConcurrentHashMap<>(); // id -> terminalOnly
    final boolean single;

    Watcher(StreamObserver<ExecutionUpdate> out, boolean single) {
      this.out = out;
      this.single = single;
    }

    synchronized void send(ExecutionUpdate u) {
      out.onNext(u);
    }
  }

  private String accept(SubmitTaskRequest r) {
    submitted.add(r);
    if (!r.getIdempotencyKey().isEmpty() && idsByKey.containsKey(r.getIdempotencyKey())) return idsByKey.get(r.getIdempotencyKey());
    String id = String.format("00000000-0000-7000-8000-%012d", ids.incrementAndGet());
    executions.put(id, Execution.newBuilder().setExecutionId(id).setHandler(r.getHandler())
        .setStatus(ExecutionStatus.EXECUTION_STATUS_PENDING).setPriority(r.getPriority()).putAllLabels(r.getLabelsMap())
        .setTimeout(r.getTimeout()).setIdempotencyKey(r.getIdempotencyKey())
        .setSubmittedAt(Timestamp.newBuilder().setSeconds(1_700_000_000)).build());
    if (!r.getIdempotencyKey().isEmpty()) idsByKey.put(r.getIdempotencyKey(), id);
    return id;
  }

  private boolean failSubmit(StreamObserver<?> out) {
    submitCalls.incrementAndGet();
    Status fail = failSubmitsWith;
    if (fail == null && unavailableSubmits.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      fail = Status.UNAVAILABLE.withDescription("Kafka is unreachable");
    }
    if (fail == null) return false;
    out.onError(fail.asRuntimeException());
    return true;
  }

  @Override
  public void submitTask(SubmitTaskRequest request, StreamObserver<SubmitTaskResponse> out) {
    if (failSubmit(out)) return;
    boolean duplicate = !request.getIdempotencyKey().isEmpty() && idsByKey.containsKey(request.getIdempotencyKey());
    out.onNext(SubmitTaskResponse.newBuilder().setExecutionId(accept(request)).setDuplicate(duplicate).build());
    out.onCompleted();
  }

  /** Accepts {@code accepted} SubmitTasks calls, then fails the next one with {@code status}. */
  void failBatch(int accepted, Status status) {
    batchFailure = status;
    batchesBeforeFailure.set(accepted);
  }

  @Override
  public void submitTasks(SubmitTasksRequest request, StreamObserver<SubmitTasksResponse> out) {
    if (failSubmit(out)) return;
    if (batchFailure != null && batchesBeforeFailure.getAndDecrement() == 0) {
      out.onError(batchFailure.asRuntimeException());
      return;
    }
    batchSizes.add(request.getTasksCount());
    SubmitTasksResponse.Builder b = SubmitTasksResponse.newBuilder();
    request.getTasksList().forEach(t -> b.addResults(SubmitTaskResponse.newBuilder().setExecutionId(accept(t))));
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public void getExecution(GetExecutionRequest request, StreamObserver<Execution> out) {
    Execution e = executions.get(request.getExecutionId());
    if (e == null) {
      out.onError(Status.NOT_FOUND.withDescription("execution_id: no execution \"" + request.getExecutionId() + "\"").asRuntimeException());
    } else {
      out.onNext(e);
      out.onCompleted();
    }
  }

  @Override
  public void watchExecution(WatchExecutionRequest request, StreamObserver<ExecutionUpdate> out) {
    Execution e = executions.get(request.getExecutionId());
    if (e == null) {
      out.onError(Status.NOT_FOUND.withDescription("execution_id: no execution").asRuntimeException());
      return;
    }
    Watcher w = new Watcher(out, true);
    w.ids.put(request.getExecutionId(), false);
    watchers.add(w);
    w.send(ExecutionUpdate.newBuilder().setExecution(e).build());
    if (isTerminal(e)) complete(w);
  }

  @Override
  public StreamObserver<WatchExecutionsRequest> watchExecutions(StreamObserver<ExecutionUpdate> out) {
    watchStreamsOpened.incrementAndGet();
    Watcher w = new Watcher(out, false);
    watchers.add(w);
    return new StreamObserver<>() {
      @Override
      public void onNext(WatchExecutionsRequest r) {
        watchRequests.add(r);
        for (String id : r.getExecutionIdsList()) {
          Execution e = executions.get(id);
          if (e == null) {
            w.send(ExecutionUpdate.newBuilder().setNotFound(true).setExecution(Execution.newBuilder().setExecutionId(id)).build());
          } else if (isTerminal(e) || !r.getTerminalOnly()) {
            w.send(ExecutionUpdate.newBuilder().setExecution(e).build());
          } else {
            w.ids.put(id, r.getTerminalOnly());
          }
        }
      }

      @Override
      public void onError(Throwable t) {
        watchers.remove(w);
      }

      @Override
      public void onCompleted() {
        watchers.remove(w);
        out.onCompleted();
      }
    };
  }

  private static boolean isTerminal(Execution e) {
    return e.getStatusValue() >= ExecutionStatus.EXECUTION_STATUS_SUCCEEDED_VALUE;
  }

  private void complete(Watcher w) {
    watchers.remove(w);
    w.out.onCompleted();
  }

  /** Moves an execution on and tells the watchers that asked for it. */
  void update(String id, Consumer<Execution.Builder> change) {
    Execution e = executions.compute(id, (k, old) -> {
      Execution.Builder b = old.toBuilder();
      change.accept(b);
      return b.build();
    });
    for (Watcher w : watchers) {
      Boolean terminalOnly = w.ids.get(id);
      if (terminalOnly == null || (terminalOnly && !isTerminal(e))) continue;
      w.send(ExecutionUpdate.newBuilder().setExecution(e).build());
      if (isTerminal(e)) {
        w.ids.remove(id);
        if (w.single) complete(w);
      }
    }
  }

  void start(String id) {
    update(id, b -> b.setStatus(ExecutionStatus.EXECUTION_STATUS_RUNNING).setAttempt(1).setWorkerId("worker-1")
        .setStartedAt(Timestamp.newBuilder().setSeconds(1_700_000_001)));
  }

  void succeed(String id, String result) {
    update(id, b -> b.setStatus(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED).setAttempt(1).setWorkerId("worker-1")
        .setFinishedAt(Timestamp.newBuilder().setSeconds(1_700_000_002))
        .setResult(Payload.newBuilder().setData(ByteString.copyFromUtf8(result)).setContentType("text/plain")));
  }

  void end(String id, ExecutionStatus status, String errorType, String message) {
    update(id, b -> b.setStatus(status).setAttempt(1).setWorkerId("worker-1")
        .setFinishedAt(Timestamp.newBuilder().setSeconds(1_700_000_002))
        .setError(ErrorInfo.newBuilder().setType(errorType).setMessage(message)));
  }

  /** Ids the WatchExecutions streams were asked for, repeats included. */
  List<String> watchedIds() {
    return watchRequests.stream().flatMap(r -> r.getExecutionIdsList().stream()).toList();
  }

  int openWatchers() {
    return watchers.size();
  }

  /** Ends every stream with UNAVAILABLE, as a coordinator restart would. */
  void dropWatchers() {
    for (Watcher w : watchers) {
      watchers.remove(w);
      synchronized (w) {
        w.out.onError(Status.UNAVAILABLE.withDescription("coordinator restarting").asRuntimeException());
      }
    }
  }
}
