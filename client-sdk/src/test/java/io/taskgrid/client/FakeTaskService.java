package io.taskgrid.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.taskgrid.proto.v1.CreateTaskRequest;
import io.taskgrid.proto.v1.DeleteTaskRequest;
import io.taskgrid.proto.v1.DeleteTaskResponse;
import io.taskgrid.proto.v1.ErrorInfo;
import io.taskgrid.proto.v1.Execution;
import io.taskgrid.proto.v1.ExecutionStatus;
import io.taskgrid.proto.v1.ExecutionUpdate;
import io.taskgrid.proto.v1.GetExecutionRequest;
import io.taskgrid.proto.v1.GetTaskRequest;
import io.taskgrid.proto.v1.ListTasksRequest;
import io.taskgrid.proto.v1.ListTasksResponse;
import io.taskgrid.proto.v1.PauseTaskRequest;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.PreviewScheduleRequest;
import io.taskgrid.proto.v1.PreviewScheduleResponse;
import io.taskgrid.proto.v1.PublishEventRequest;
import io.taskgrid.proto.v1.PublishEventResponse;
import io.taskgrid.proto.v1.ResumeTaskRequest;
import io.taskgrid.proto.v1.RunTaskRequest;
import io.taskgrid.proto.v1.SubmitTaskRequest;
import io.taskgrid.proto.v1.SubmitTaskResponse;
import io.taskgrid.proto.v1.SubmitTasksRequest;
import io.taskgrid.proto.v1.SubmitTasksResponse;
import io.taskgrid.proto.v1.Task;
import io.taskgrid.proto.v1.TaskDefinition;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.TaskState;
import io.taskgrid.proto.v1.UpdateTaskRequest;
import io.taskgrid.proto.v1.WatchExecutionRequest;
import io.taskgrid.proto.v1.WatchExecutionsRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An in-memory TaskService: accepts every task as PENDING, keeps executions in a map, and lets the
 * test move them on and break streams; keeps registered tasks in a map ordered by id, as the
 * contract of the task rpcs says. Enough of the contract for the client's unit tests.
 */
final class FakeTaskService extends TaskServiceGrpc.TaskServiceImplBase {
  final Map<String, Execution> executions = new ConcurrentHashMap<>();
  final List<SubmitTaskRequest> submitted = java.util.Collections.synchronizedList(new java.util.ArrayList<>()); // not copy-on-write: a test submits 120,000
  final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
  final List<WatchExecutionsRequest> watchRequests = new CopyOnWriteArrayList<>();
  final AtomicInteger submitCalls = new AtomicInteger();
  final AtomicInteger watchStreamsOpened = new AtomicInteger();
  /** Streams ended with RESOURCE_EXHAUSTED for watching more than a coordinator allows (100,000 at once). */
  final AtomicInteger watchStreamsExhausted = new AtomicInteger();
  /** The most executions one WatchExecutions stream watched at once. */
  final AtomicInteger mostWatchedAtOnce = new AtomicInteger();
  private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
  private final Map<String, String> idsByKey = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  /** Fails every submission with this status while set. */
  volatile Status failSubmitsWith;
  private final AtomicInteger batchesBeforeFailure = new AtomicInteger(-1);
  private volatile Status batchFailure;
  /** Fails this many submissions with UNAVAILABLE, then accepts. */
  final AtomicInteger unavailableSubmits = new AtomicInteger();

  /** Registered tasks by id, ordered as ListTasks returns them. */
  final Map<String, Task> tasks = new ConcurrentSkipListMap<>();
  /** Every request of a task rpc (CreateTask ... PublishEvent), in arrival order, failed ones too. */
  final List<Object> taskRequests = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> taskCalls = new ConcurrentHashMap<>();
  private final AtomicInteger eventOffsets = new AtomicInteger();
  /** Fails every task rpc with this status while set. */
  volatile Status failTasksWith;
  /** Fails this many task rpcs with UNAVAILABLE, then answers. */
  final AtomicInteger unavailableTaskCalls = new AtomicInteger();

  /** One open WatchExecutions or WatchExecution stream. */
  private static final class Watcher {
    final StreamObserver<ExecutionUpdate> out;
    final Map<String, Boolean> ids = new ConcurrentHashMap<>(); // id -> terminalOnly
    final boolean single;
    volatile boolean batch;

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
      private boolean first = true;

      @Override
      public void onNext(WatchExecutionsRequest r) {
        if (first) w.batch = r.getBatch(); // the first message decides, as on a coordinator
        first = false;
        watchRequests.add(r);
        if (w.ids.size() + r.getExecutionIdsCount() > 100_000) { // as a coordinator does
          watchStreamsExhausted.incrementAndGet();
          watchers.remove(w);
          out.onError(Status.RESOURCE_EXHAUSTED.withDescription("execution_ids: at most 100000 executions watched at once").asRuntimeException());
          return;
        }
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
        mostWatchedAtOnce.accumulateAndGet(w.ids.size(), Math::max);
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
    update(id, succeeded(result));
  }

  /** The change that ends an execution SUCCEEDED with {@code result}. */
  private static Consumer<Execution.Builder> succeeded(String result) {
    return b -> b.setStatus(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED).setAttempt(1).setWorkerId("worker-1")
        .setFinishedAt(Timestamp.newBuilder().setSeconds(1_700_000_002))
        .setResult(Payload.newBuilder().setData(ByteString.copyFromUtf8(result)).setContentType("text/plain"));
  }

  /**
   * Succeeds these executions together and, as a coordinator does for a stream that asked for
   * {@code batch}, tells each such WatchExecutions stream in one message (the first update
   * carrying the rest in {@code more}); streams that did not ask get one message each.
   */
  void succeedTogether(List<String> ids, String result) {
    Map<Watcher, List<ExecutionUpdate>> byWatcher = new java.util.LinkedHashMap<>();
    for (String id : ids) {
      Execution.Builder b = executions.get(id).toBuilder();
      succeeded(result).accept(b);
      Execution e = b.build();
      executions.put(id, e);
      for (Watcher w : watchers) {
        if (w.ids.remove(id) != null) byWatcher.computeIfAbsent(w, k -> new java.util.ArrayList<>()).add(ExecutionUpdate.newBuilder().setExecution(e).build());
      }
    }
    byWatcher.forEach((w, updates) -> {
      if (w.batch) {
        for (int i = 0; i < updates.size(); i += 1000) { // at most 1000 a message, as a coordinator sends
          List<ExecutionUpdate> part = updates.subList(i, Math.min(updates.size(), i + 1000));
          w.send(part.get(0).toBuilder().addAllMore(part.subList(1, part.size())).build());
        }
      } else {
        updates.forEach(w::send);
      }
      if (w.single) complete(w);
    });
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

  // ---- registered tasks ----

  static final long CREATED = 1_700_000_000;

  private static Timestamp at(long seconds) {
    return Timestamp.newBuilder().setSeconds(seconds).build();
  }

  /** How many calls of a task rpc arrived, failed ones included. */
  int taskCalls(String method) {
    return taskCalls.getOrDefault(method, new AtomicInteger()).get();
  }

  /** The requests of one type the task rpcs received, in order. */
  <T> List<T> taskRequests(Class<T> type) {
    return taskRequests.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private boolean failTask(String method, Object request, StreamObserver<?> out) {
    taskCalls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
    taskRequests.add(request);
    Status fail = failTasksWith;
    if (fail == null && unavailableTaskCalls.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      fail = Status.UNAVAILABLE.withDescription("Kafka is unreachable");
    }
    if (fail == null) return false;
    out.onError(fail.asRuntimeException());
    return true;
  }

  private static <T> void reply(StreamObserver<T> out, T value) {
    out.onNext(value);
    out.onCompleted();
  }

  private static void fail(StreamObserver<?> out, Status status, String description) {
    out.onError(status.withDescription(description).asRuntimeException());
  }

  /** A little of the server's validation: enough to see INVALID_ARGUMENT reach the caller. */
  private static String invalid(TaskDefinition d) {
    if (d.getHandler().isEmpty()) return "task.handler: must not be empty";
    if (d.getTrigger().hasCron()) {
      String cron = d.getTrigger().getCron();
      int fields = cron.trim().split("\\s+").length;
      if (!cron.startsWith("@") && fields != 5 && fields != 6) {
        return "task.trigger.cron: must be 5 or 6 fields or a preset, got \"" + cron + "\"";
      }
    }
    return null;
  }

  private static Task scheduled(Task.Builder t) {
    boolean paused = t.getState() == TaskState.TASK_STATE_PAUSED;
    if (!paused) t.setState(t.getDefinition().getEnabled() || !t.getDefinition().hasEnabled() ? TaskState.TASK_STATE_ACTIVE : TaskState.TASK_STATE_DISABLED);
    if (t.getState() == TaskState.TASK_STATE_ACTIVE && t.getDefinition().getTrigger().hasCron()) {
      t.setNextFireTime(at(CREATED + 3600));
    } else {
      t.clearNextFireTime();
    }
    return t.build();
  }

  @Override
  public void createTask(CreateTaskRequest request, StreamObserver<Task> out) {
    if (failTask("CreateTask", request, out)) return;
    TaskDefinition d = request.getTask();
    String problem = invalid(d);
    if (problem != null) {
      fail(out, Status.INVALID_ARGUMENT, problem);
      return;
    }
    Task existing = tasks.get(d.getId());
    if (existing != null) {
      if (existing.getDefinition().equals(d)) {
        reply(out, existing);
      } else {
        fail(out, Status.ALREADY_EXISTS, "task.id: a task \"" + d.getId() + "\" exists with another definition; use UpdateTask");
      }
      return;
    }
    Task t = scheduled(Task.newBuilder().setDefinition(d).setCreatedAt(at(CREATED)).setUpdatedAt(at(CREATED)).setRevision(1));
    tasks.put(d.getId(), t);
    reply(out, t);
  }

  @Override
  public void updateTask(UpdateTaskRequest request, StreamObserver<Task> out) {
    if (failTask("UpdateTask", request, out)) return;
    TaskDefinition d = request.getTask();
    String problem = invalid(d);
    if (problem != null) {
      fail(out, Status.INVALID_ARGUMENT, problem);
      return;
    }
    Task old = tasks.get(d.getId());
    if (old == null) {
      fail(out, Status.NOT_FOUND, "task.id: no task \"" + d.getId() + "\"");
    } else if (request.getExpectedRevision() != 0 && request.getExpectedRevision() != old.getRevision()) {
      fail(out, Status.FAILED_PRECONDITION,
          "task \"" + d.getId() + "\" is at revision " + old.getRevision() + ", not " + request.getExpectedRevision());
    } else {
      Task t = scheduled(old.toBuilder().setDefinition(d).setUpdatedAt(at(old.getUpdatedAt().getSeconds() + 1)).setRevision(old.getRevision() + 1));
      tasks.put(d.getId(), t);
      reply(out, t);
    }
  }

  private Task known(String id, StreamObserver<?> out) {
    Task t = tasks.get(id);
    if (t == null) fail(out, Status.NOT_FOUND, "task_id: no task \"" + id + "\"");
    return t;
  }

  @Override
  public void getTask(GetTaskRequest request, StreamObserver<Task> out) {
    if (failTask("GetTask", request, out)) return;
    Task t = known(request.getTaskId(), out);
    if (t != null) reply(out, t);
  }

  @Override
  public void listTasks(ListTasksRequest request, StreamObserver<ListTasksResponse> out) {
    if (failTask("ListTasks", request, out)) return;
    int size = request.getPageSize() == 0 ? 100 : request.getPageSize();
    List<Task> matching = tasks.values().stream()
        .filter(t -> request.getPageToken().isEmpty() || t.getDefinition().getId().compareTo(request.getPageToken()) > 0)
        .filter(t -> request.getState() == TaskState.TASK_STATE_UNSPECIFIED || t.getState() == request.getState())
        .filter(t -> request.getTag().isEmpty() || t.getDefinition().getTagsList().contains(request.getTag()))
        .filter(t -> request.getCategory().isEmpty() || t.getDefinition().getCategory().equals(request.getCategory()))
        .toList();
    List<Task> page = matching.subList(0, Math.min(size, matching.size()));
    ListTasksResponse.Builder b = ListTasksResponse.newBuilder().addAllTasks(page);
    if (matching.size() > page.size()) b.setNextPageToken(page.get(page.size() - 1).getDefinition().getId());
    reply(out, b.build());
  }

  private void setPaused(String method, Object request, String id, boolean paused, StreamObserver<Task> out) {
    if (failTask(method, request, out)) return;
    Task t = known(id, out);
    if (t == null) return;
    boolean isPaused = t.getState() == TaskState.TASK_STATE_PAUSED;
    if (isPaused != paused) {
      Task.Builder b = t.toBuilder().setRevision(t.getRevision() + 1);
      b.setState(paused ? TaskState.TASK_STATE_PAUSED : TaskState.TASK_STATE_ACTIVE);
      t = scheduled(b);
      tasks.put(id, t);
    }
    reply(out, t);
  }

  @Override
  public void pauseTask(PauseTaskRequest request, StreamObserver<Task> out) {
    setPaused("PauseTask", request, request.getTaskId(), true, out);
  }

  @Override
  public void resumeTask(ResumeTaskRequest request, StreamObserver<Task> out) {
    setPaused("ResumeTask", request, request.getTaskId(), false, out);
  }

  @Override
  public void deleteTask(DeleteTaskRequest request, StreamObserver<DeleteTaskResponse> out) {
    if (failTask("DeleteTask", request, out)) return;
    if (known(request.getTaskId(), out) == null) return;
    tasks.remove(request.getTaskId());
    reply(out, DeleteTaskResponse.getDefaultInstance());
  }

  @Override
  public void runTask(RunTaskRequest request, StreamObserver<SubmitTaskResponse> out) {
    if (failTask("RunTask", request, out)) return;
    Task t = known(request.getTaskId(), out);
    if (t == null) return;
    TaskDefinition d = t.getDefinition();
    SubmitTaskRequest run = SubmitTaskRequest.newBuilder()
        .setHandler(d.getHandler())
        .setPayload(request.hasPayload() ? request.getPayload() : d.getPayload())
        .setTimeout(d.getTimeout())
        .setPriority(d.getPriority())
        .putLabels("taskgrid.task", d.getId())
        .build();
    reply(out, SubmitTaskResponse.newBuilder().setExecutionId(accept(run)).build());
  }

  /** Answers hourly fire times after {@code from} (or {@link #CREATED}), whatever the expression. */
  @Override
  public void previewSchedule(PreviewScheduleRequest request, StreamObserver<PreviewScheduleResponse> out) {
    if (failTask("PreviewSchedule", request, out)) return;
    long from = request.hasFrom() ? request.getFrom().getSeconds() : CREATED;
    int count = request.getCount() == 0 ? 10 : request.getCount();
    PreviewScheduleResponse.Builder b = PreviewScheduleResponse.newBuilder();
    for (int i = 1; i <= count; i++) b.addFireTimes(at(from + 3600L * i));
    reply(out, b.build());
  }

  @Override
  public void publishEvent(PublishEventRequest request, StreamObserver<PublishEventResponse> out) {
    if (failTask("PublishEvent", request, out)) return;
    reply(out, PublishEventResponse.newBuilder().setEventId("taskgrid.events-0@" + eventOffsets.getAndIncrement()).build());
  }
}
