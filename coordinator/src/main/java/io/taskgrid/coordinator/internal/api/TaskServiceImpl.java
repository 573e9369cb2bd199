package io.taskgrid.coordinator.internal.api;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.taskgrid.telemetry.ExecutionAttributes;
import io.taskgrid.telemetry.Telemetry;
import io.taskgrid.telemetry.TraceContexts;
import io.grpc.stub.StreamObserver;
import io.taskgrid.coordinator.internal.queue.ExecutionMessages;
import io.taskgrid.coordinator.internal.queue.TaskQueue;
import io.taskgrid.coordinator.internal.store.ExecutionRecord;
import io.taskgrid.coordinator.internal.store.ExecutionStore;
import io.taskgrid.coordinator.internal.store.ExecutionStore.Insert;
import io.taskgrid.coordinator.internal.store.ExecutionStore.NewExecution;
import io.taskgrid.coordinator.internal.watch.WatchHub;
import io.taskgrid.coordinator.internal.lifecycle.ExecutionEvents;
import io.taskgrid.coordinator.internal.lifecycle.LifecycleFanout;
import io.taskgrid.coordinator.internal.lifecycle.LifecycleFeed;
import io.taskgrid.coordinator.internal.lifecycle.LifecycleFilter;
import io.taskgrid.proto.v1.LifecycleEvent;
import io.taskgrid.proto.v1.WatchLifecycleRequest;
import io.taskgrid.core.ExecutionId;
import io.taskgrid.core.ExecutionStatus;
import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.NotFoundException;
import io.taskgrid.core.ConflictException;
import io.taskgrid.core.Outcome;
import io.taskgrid.coordinator.internal.store.ExecutionQuery;
import io.taskgrid.proto.v1.CancelExecutionRequest;
import io.taskgrid.proto.v1.ListExecutionsRequest;
import io.taskgrid.proto.v1.ListExecutionsResponse;
import io.taskgrid.core.SubmissionLimits;
import io.taskgrid.core.TaskSpec;
import io.taskgrid.core.breaker.SharedBreakers;
import io.taskgrid.coordinator.internal.queue.EventPublisher;
import io.taskgrid.coordinator.internal.registry.TaskRegistry;
import io.taskgrid.core.Payload;
import io.taskgrid.core.task.RegisteredTask;
import io.taskgrid.proto.v1.CreateTaskRequest;
import io.taskgrid.proto.v1.DeleteTaskRequest;
import io.taskgrid.proto.v1.DeleteTaskResponse;
import io.taskgrid.proto.v1.GetTaskRequest;
import io.taskgrid.proto.v1.ListCircuitBreakersRequest;
import io.taskgrid.proto.v1.ListCircuitBreakersResponse;
import io.taskgrid.proto.v1.ListTasksRequest;
import io.taskgrid.proto.v1.ListTasksResponse;
import io.taskgrid.proto.v1.PauseTaskRequest;
import io.taskgrid.proto.v1.PreviewScheduleRequest;
import io.taskgrid.proto.v1.PreviewScheduleResponse;
import io.taskgrid.proto.v1.PublishEventRequest;
import io.taskgrid.proto.v1.PublishEventResponse;
import io.taskgrid.proto.v1.ResumeTaskRequest;
import io.taskgrid.proto.v1.RunTaskRequest;
import io.taskgrid.proto.v1.Task;
import io.taskgrid.proto.v1.UpdateTaskRequest;
import io.taskgrid.proto.v1.Execution;
import io.taskgrid.proto.v1.ExecutionUpdate;
import io.taskgrid.proto.v1.GetExecutionRequest;
import io.taskgrid.proto.v1.SubmitTaskRequest;
import io.taskgrid.proto.v1.SubmitTaskResponse;
import io.taskgrid.proto.v1.SubmitTasksRequest;
import io.taskgrid.proto.v1.SubmitTasksResponse;
import io.taskgrid.proto.v1.TaskMessage;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.WatchExecutionRequest;
import io.taskgrid.proto.v1.WatchExecutionsRequest;
import io.taskgrid.telemetry.CoordinatorMeters;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import java.util.function.Function;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The public API. A submission is validated whole, recorded as PENDING in the store, written to
 * the queue, and answered only once the queue acknowledged it; if the queue refuses, the records
 * are removed again so nothing half-written remains.
 */
public final class TaskServiceImpl extends TaskServiceGrpc.TaskServiceImplBase {
  private final ExecutionStore store;
  private final TaskQueue queue;
  private final WatchHub hub;
  private final SubmissionLimits limits;
  private final Clock clock;
  private final RegistryApi tasks;
  private final EventPublisher events;
  private final String eventsTopic;
  private final OpenTelemetry openTelemetry;
  private final boolean tracing;

  private final CoordinatorMeters meters;
  private final CircuitBreakersApi breakers;
  private final ExecutionEvents lifecycle;
  private final LifecycleFeed lifecycleFeed;
  private final StatsApi stats;
  private final WorkersApi workers;

  public TaskServiceImpl(ExecutionStore store, TaskQueue queue, EventPublisher events, WatchHub hub, SubmissionLimits limits, Clock clock,
      CoordinatorMeters meters,
      TaskRegistry registry, ZoneId defaultZone, String eventsTopic, OpenTelemetry openTelemetry, SharedBreakers breakers,
      io.taskgrid.core.worker.WorkerDirectory workers) {
    this(store, queue, events, hub, limits, clock, meters, registry, defaultZone, eventsTopic, openTelemetry, breakers, workers,
        ExecutionEvents.OFF, null);
  }

  /**
   * @param lifecycle where queued and cancelled executions are emitted, once recorded
   * @param lifecycleFeed what WatchLifecycle streams read; null when lifecycle events are off
   */
  public TaskServiceImpl(ExecutionStore store, TaskQueue queue, EventPublisher events, WatchHub hub, SubmissionLimits limits, Clock clock,
      CoordinatorMeters meters,
      TaskRegistry registry, ZoneId defaultZone, String eventsTopic, OpenTelemetry openTelemetry, SharedBreakers breakers,
      io.taskgrid.core.worker.WorkerDirectory workers, ExecutionEvents lifecycle, LifecycleFeed lifecycleFeed) {
    this.workers = new WorkersApi(workers, clock);
    this.lifecycle = lifecycle;
    this.lifecycleFeed = lifecycleFeed;
    this.openTelemetry = openTelemetry;
    this.breakers = new CircuitBreakersApi(breakers);
    this.tracing = Telemetry.isTracing(openTelemetry);
    this.store = store;
    this.queue = queue;
    this.events = events;
    this.hub = hub;
    this.limits = limits;
    this.clock = clock;
    this.meters = meters;
    this.tasks = new RegistryApi(registry, limits, defaultZone, clock, store::sideTaskStatus);
    this.eventsTopic = eventsTopic;
    this.stats = new StatsApi(store, registry.view(), defaultZone, clock);
  }

  @Override
  public void createTask(CreateTaskRequest request, StreamObserver<Task> out) {
    reply(tasks.create(request.getTask()), out);
  }

  @Override
  public void updateTask(UpdateTaskRequest request, StreamObserver<Task> out) {
    reply(tasks.update(request.getTask(), request.getExpectedRevision()), out);
  }

  @Override
  public void getTask(GetTaskRequest request, StreamObserver<Task> out) {
    reply(tasks.get(request.getTaskId()), out);
  }

  @Override
  public void listTasks(ListTasksRequest request, StreamObserver<ListTasksResponse> out) {
    reply(tasks.list(request), out);
  }

  @Override
  public void pauseTask(PauseTaskRequest request, StreamObserver<Task> out) {
    reply(tasks.pause(request.getTaskId()), out);
  }

  @Override
  public void resumeTask(ResumeTaskRequest request, StreamObserver<Task> out) {
    reply(tasks.resume(request.getTaskId()), out);
  }

  @Override
  public void deleteTask(DeleteTaskRequest request, StreamObserver<DeleteTaskResponse> out) {
    tasks.delete(request.getTaskId());
    reply(DeleteTaskResponse.getDefaultInstance(), out);
  }

  @Override
  public void runTask(RunTaskRequest request, StreamObserver<SubmitTaskResponse> out) {
    RegisteredTask task = tasks.task(request.getTaskId());
    if (task.definition().isSide()) {
      throw new io.taskgrid.core.InvalidArgumentException("task_id", "\"" + task.id().value() + "\" is a side task: it runs all the time "
          + "while it is enabled and not paused, and cannot be run with RunTask");
    }
    Payload payload = request.hasPayload()
        ? ProtoMapping.toPayload(request.getPayload()).requireAtMost("payload", limits.maxPayloadBytes())
        : task.definition().payload();
    Instant now = clock.instant();
    NewExecution e = ExecutionMessages.execution(ExecutionId.generate(clock).value(), task, payload, "run_now", Optional.empty(),
        Optional.empty(), limits, now);
    respond(submit(List.of(e), "run_now", x -> ExecutionMessages.toMessage(x, task, Optional.empty(), Optional.empty()))
        .thenApply(r -> r.get(0))
        .thenCompose(r -> tasks.recordRun(task, now, r.getExecutionId()).thenApply(recorded -> r)), out);
  }

  @Override
  public void previewSchedule(PreviewScheduleRequest request, StreamObserver<PreviewScheduleResponse> out) {
    reply(tasks.preview(request), out);
  }

  @Override
  public void listCircuitBreakers(ListCircuitBreakersRequest request, StreamObserver<ListCircuitBreakersResponse> out) {
    reply(breakers.list(request), out);
  }

  @Override
  public void listWorkers(io.taskgrid.proto.v1.ListWorkersRequest request,
      StreamObserver<io.taskgrid.proto.v1.ListWorkersResponse> out) {
    reply(workers.list(request), out);
  }

  @Override
  public void whoAmI(io.taskgrid.proto.v1.WhoAmIRequest request, StreamObserver<io.taskgrid.proto.v1.WhoAmIResponse> out) {
    io.taskgrid.security.Identity id = io.taskgrid.security.Identity.current();
    reply(io.taskgrid.proto.v1.WhoAmIResponse.newBuilder().setName(id.name()).setRole(id.role().label())
        .setAuthenticatedBy(id.authenticatedBy()).addAllAllowedHandlers(id.allowedHandlers())
        .addAllAllowedTaskPrefixes(id.allowedTaskPrefixes()).setAuthenticationEnabled(!"none".equals(id.authenticatedBy())).build(), out);
  }

  @Override
  public void publishEvent(PublishEventRequest request, StreamObserver<PublishEventResponse> out) {
    String name = RegistryApi.eventName(request.getName()).value();
    Payload data = tasks.eventData(request.getData());
    respond(events.publish(eventsTopic, name, data.unsafeData(), data.contentType())
        .thenApply(id -> PublishEventResponse.newBuilder().setEventId(id).build()), out);
  }

  @Override
  public void getStats(io.taskgrid.proto.v1.GetStatsRequest request, StreamObserver<io.taskgrid.proto.v1.GetStatsResponse> out) {
    respond(stats.get(request), out);
  }

  private static <T> void reply(T value, StreamObserver<T> out) {
    out.onNext(value);
    out.onCompleted();
  }

  @Override
  public void submitTask(SubmitTaskRequest request, StreamObserver<SubmitTaskResponse> out) {
    TaskSpec spec = ProtoMapping.toSpec(request, limits);
    respond(submit(List.of(spec)).thenApply(r -> r.get(0)), out);
  }

  @Override
  public void submitTasks(SubmitTasksRequest request, StreamObserver<SubmitTasksResponse> out) {
    int n = request.getTasksCount();
    if (n == 0) {
      throw new InvalidArgumentException("tasks", "must contain at least one task");
    }
    if (n > limits.maxBatchSize()) {
      throw new InvalidArgumentException("tasks", "at most " + limits.maxBatchSize() + " tasks per batch, got " + n);
    }
    List<TaskSpec> specs = new ArrayList<>(n);
    long totalBytes = 0;
    for (int i = 0; i < n; i++) {
      try {
        TaskSpec spec = ProtoMapping.toSpec(request.getTasks(i), limits);
        totalBytes += spec.payload().size();
        specs.add(spec);
      } catch (InvalidArgumentException e) {
        throw e.under("tasks[" + i + "]");
      }
    }
    respond(submit(specs).thenApply(r -> SubmitTasksResponse.newBuilder().addAllResults(r).build()), out);
  }

  private CompletionStage<List<SubmitTaskResponse>> submit(List<TaskSpec> specs) {
    Instant now = clock.instant();
    List<NewExecution> executions = new ArrayList<>(specs.size());
    for (TaskSpec spec : specs) {
      executions.add(new NewExecution(ExecutionId.generate(clock).value(), spec, now));
    }
    return submit(executions, "api", ExecutionMessages::toMessage);
  }

  private CompletionStage<List<SubmitTaskResponse>> submit(List<NewExecution> executions, String trigger,
      Function<NewExecution, TaskMessage> toMessage) {
    // the call's context (its server span, child of the caller's span) is the parent of each
    // execution's trace; it travels in the message, past the store's threads and the Kafka hop
    Map<String, String> traceContext = tracing ? TraceContexts.inject(openTelemetry, Context.current()) : Map.of();
    if (tracing && executions.size() == 1) {
      Span span = Span.current();
      if (span.isRecording()) span.setAttribute(ExecutionAttributes.EXECUTION_ID, executions.get(0).executionId());
    }
    return store.insert(executions).thenCompose(inserts -> {
      List<NewExecution> created = new ArrayList<>();
      List<TaskMessage> messages = new ArrayList<>();
      List<SubmitTaskResponse> responses = new ArrayList<>(inserts.size());
      for (int i = 0; i < inserts.size(); i++) {
        switch (inserts.get(i)) {
          case Insert.Created c -> {
            created.add(executions.get(i));
            TaskMessage m = toMessage.apply(executions.get(i));
            messages.add(traceContext.isEmpty() ? m : m.toBuilder().putAllTraceContext(traceContext).build());
            responses.add(SubmitTaskResponse.newBuilder().setExecutionId(c.executionId()).build());
          }
          case Insert.Duplicate d -> responses.add(SubmitTaskResponse.newBuilder().setExecutionId(d.existingId()).setDuplicate(true).build());
        }
      }
      return queue.enqueue(messages).handle((ok, error) -> error).thenCompose(error -> {
        if (error == null) {
          lifecycle.queued(messages);
          for (NewExecution c : created) meters.created(c.spec().handler().value(), trigger, 1);
          return CompletableFuture.completedFuture(responses);
        }
        return store.remove(created).handle((r, e) -> {
          throw GrpcErrors.toStatus(error);
        });
      });
    });
  }

  @Override
  public void getExecution(GetExecutionRequest request, StreamObserver<Execution> out) {
    String id = ExecutionId.parse("execution_id", request.getExecutionId()).value();
    respond(store.get(id).thenApply(r -> ProtoMapping.toProto(r.orElseThrow(() -> notFound(id)))), out);
  }

  @Override
  public void cancelExecution(CancelExecutionRequest request, StreamObserver<Execution> out) {
    String id = ExecutionId.parse("execution_id", request.getExecutionId()).value();
    respond(store.cancel(id, Outcome.Cancelled.CANCELLED).thenApply(c -> switch (c) {
      case ExecutionStore.Cancel.Cancelled done -> {
        lifecycle.cancelled(done.record());
        yield ProtoMapping.toProto(done.record());
      }
      case ExecutionStore.Cancel.Requested asked -> ProtoMapping.toProto(asked.record());
      case ExecutionStore.Cancel.AlreadyEnded ended -> throw new ConflictException("execution_id: execution \"" + id + "\" already ended "
          + ended.record().status() + "; only a pending, waiting or running execution can be cancelled");
      case ExecutionStore.Cancel.NotFound nf -> throw notFound(id);
    }), out);
  }

  @Override
  public void listExecutions(ListExecutionsRequest request, StreamObserver<ListExecutionsResponse> out) {
    ExecutionQuery query = ExecutionQueries.fromProto(request);
    respond(store.list(query).thenApply(page -> {
      ListExecutionsResponse.Builder b = ListExecutionsResponse.newBuilder();
      page.executions().forEach(r -> b.addExecutions(ProtoMapping.toProto(r)));
      page.next().ifPresent(t -> b.setNextPageToken(t.encode()));
      return b.build();
    }), out);
  }

  private static NotFoundException notFound(String id) {
    return new NotFoundException("execution_id: no execution \"" + id + "\" is known");
  }

  @Override
  public void watchExecution(WatchExecutionRequest request, StreamObserver<ExecutionUpdate> responseObserver) {
    String id = ExecutionId.parse("execution_id", request.getExecutionId()).value();
    ServerCallStreamObserver<ExecutionUpdate> out = (ServerCallStreamObserver<ExecutionUpdate>) responseObserver;
    WatchHub.Watcher watcher = new WatchHub.Watcher() {
      private ExecutionStatus last;
      /** The stream was ended (terminal state sent, or not found): the hub may still call once more. */
      private boolean ended;

      @Override
      public synchronized boolean onState(ExecutionRecord record) {
        // the terminal state can come twice (the change feed and a re-read racing): the stream ended with the first
        if (out.isCancelled() || ended) return true;
        if (record.status() != last) {
          last = record.status();
          out.onNext(ExecutionUpdate.newBuilder().setExecution(ProtoMapping.toProto(record)).build());
        }
        if (record.status().isTerminal()) {
          ended = true;
          out.onCompleted();
          return true;
        }
        return false;
      }

      @Override
      public synchronized void onNotFound(String executionId) {
        if (out.isCancelled() || ended) return;
        ended = true;
        out.onError(GrpcErrors.toStatus(notFound(executionId)));
      }

      @Override
      public synchronized void onOutput(List<io.taskgrid.proto.v1.OutputLine> lines) {
        // before the first state or after the last, a line has no place in the stream
        if (out.isCancelled() || last == null || ended) return;
        out.onNext(ExecutionUpdate.newBuilder()
            .setExecution(io.taskgrid.proto.v1.Execution.newBuilder().setExecutionId(id))
            .addAllOutput(lines).build());
      }
    };
    out.setOnCancelHandler(() -> hub.unwatch(id, watcher));
    hub.watch(id, watcher);
  }

  @Override
  public StreamObserver<WatchExecutionsRequest> watchExecutions(StreamObserver<ExecutionUpdate> responseObserver) {
    ServerCallStreamObserver<ExecutionUpdate> out = (ServerCallStreamObserver<ExecutionUpdate>) responseObserver;
    MultiWatch watch = new MultiWatch(out);
    out.setOnCancelHandler(watch::closed);
    // closed without this handler hearing of it (GrpcErrors answered a request it could not parse): nothing more may be sent
    out.setOnCloseHandler(watch::closed);
    return watch;
  }

  /** Ids one WatchExecutions message may carry. */
  static final int MAX_WATCH_IDS_PER_MESSAGE = 10_000;
  /** Executions one WatchExecutions stream may watch at once (the Java SDK watches every result it waits for on one stream). */
  static final int MAX_WATCHED_PER_STREAM = 100_000;

  /** Updates one message of a batching WatchExecutions stream carries at most. */
  static final int MAX_UPDATES_PER_MESSAGE = 1000;
  /**
   * Serialized bytes of updates gathered into one message before it is sent (a single larger
   * update still goes alone); well under the 4 MiB a gRPC client accepts by default.
   */
  static final int MAX_BATCH_BYTES = 1 << 20;

  /**
   * One WatchExecutions stream: many ids, one response stream. When its first request asks for
   * {@code batch}, the updates the hub hands over in one round (a batch of recorded outcomes, one
   * read) are gathered and sent as one message, the first update carrying the others in {@code
   * more}.
   */
  private final class MultiWatch implements StreamObserver<WatchExecutionsRequest>, WatchHub.Batch {
    private final ServerCallStreamObserver<ExecutionUpdate> out;
    private final Map<String, WatchHub.Watcher> watched = new ConcurrentHashMap<>();
    private volatile boolean finished;
    /** Set by the first request. */
    private volatile boolean batched;
    private boolean first = true;
    // the updates gathered for the next message (batched only); guarded by this
    private final List<ExecutionUpdate> gathered = new ArrayList<>();
    private int gatheredBytes;

    MultiWatch(ServerCallStreamObserver<ExecutionUpdate> out) {
      this.out = out;
    }

    @Override
    public void onNext(WatchExecutionsRequest request) {
      if (finished) return;
      if (first) {
        first = false;
        batched = request.getBatch();
      }
      try {
        watch(request);
      } finally {
        flush(); // answers to malformed ids
      }
    }

    private void watch(WatchExecutionsRequest request) {
      // each id costs a watcher here and, malformed or unknown, an answer queued for the client: a stream holds a bounded number
      if (request.getExecutionIdsCount() > MAX_WATCH_IDS_PER_MESSAGE) {
        end(Status.INVALID_ARGUMENT.withDescription("execution_ids: at most " + MAX_WATCH_IDS_PER_MESSAGE + " per message, got "
            + request.getExecutionIdsCount()));
        return;
      }
      if (watched.size() + request.getExecutionIdsCount() > MAX_WATCHED_PER_STREAM) {
        end(Status.RESOURCE_EXHAUSTED.withDescription("execution_ids: at most " + MAX_WATCHED_PER_STREAM
            + " executions watched at once on one stream; watch the rest on another stream or when these have ended"));
        return;
      }
      List<String> ids = new ArrayList<>(request.getExecutionIdsCount());
      for (int i = 0; i < request.getExecutionIdsCount(); i++) {
        try {
          ids.add(ExecutionId.parse("execution_ids[" + i + "]", request.getExecutionIds(i)).value());
        } catch (InvalidArgumentException e) {
          send(ExecutionUpdate.newBuilder().setNotFound(true).setExecution(Execution.newBuilder().setExecutionId(request.getExecutionIds(i))).build());
        }
      }
      boolean terminalOnly = request.getTerminalOnly();
      Map<String, WatchHub.Watcher> added = new HashMap<>();
      for (String id : ids) {
        WatchHub.Watcher w = new WatchHub.Watcher() {
          private ExecutionStatus last;

          @Override
          public boolean terminalOnly() {
            return terminalOnly;
          }

          @Override
          public boolean onState(ExecutionRecord record) {
            synchronized (this) {
              if (record.status() == last) return false;
              last = record.status();
            }
            boolean terminal = record.status().isTerminal();
            if (terminal || !terminalOnly) {
              send(ExecutionUpdate.newBuilder().setExecution(ProtoMapping.toProto(record)).build());
            }
            if (terminal) watched.remove(id, this);
            return terminal;
          }

          @Override
          public void onNotFound(String executionId) {
            watched.remove(executionId, this);
            send(ExecutionUpdate.newBuilder().setNotFound(true).setExecution(Execution.newBuilder().setExecutionId(executionId)).build());
          }

          @Override
          public WatchHub.Batch batch() {
            return batched ? MultiWatch.this : null;
          }
        };
        if (watched.putIfAbsent(id, w) == null) added.put(id, w);
      }
      hub.watchAll(added, terminalOnly);
    }

    private synchronized void send(ExecutionUpdate update) {
      if (finished || out.isCancelled()) return;
      if (!batched) {
        emit(update);
        return;
      }
      int size = update.getSerializedSize();
      if (!gathered.isEmpty() && gatheredBytes + size > MAX_BATCH_BYTES) flush();
      gathered.add(update);
      gatheredBytes += size;
      if (gathered.size() >= MAX_UPDATES_PER_MESSAGE) flush();
    }

    /** Sends the gathered updates as one message. */
    @Override
    public synchronized void flush() {
      if (gathered.isEmpty()) return;
      ExecutionUpdate message = gathered.size() == 1 ? gathered.get(0)
          : gathered.get(0).toBuilder().addAllMore(gathered.subList(1, gathered.size())).build();
      gathered.clear();
      gatheredBytes = 0;
      if (!finished && !out.isCancelled()) emit(message);
    }

    /** Sends one message; caller holds the lock. */
    private void emit(ExecutionUpdate message) {
      try {
        out.onNext(message);
      } catch (IllegalStateException e) {
        closed(); // closed meanwhile by GrpcErrors (a request it could not parse), before its close handler ran
      }
    }

    /** Ends the stream with {@code status}: nothing more is sent, nothing stays watched. */
    private synchronized void end(Status status) {
      unwatchAll();
      if (!finished) {
        finished = true;
        out.onError(status.asRuntimeException());
      }
    }

    void unwatchAll() {
      watched.forEach(hub::unwatch);
      watched.clear();
    }

    /** The call is over (cancelled by the client, or closed): nothing more is sent, nothing stays watched. */
    void closed() {
      synchronized (this) {
        finished = true;
        gathered.clear();
      }
      unwatchAll();
    }

    @Override
    public void onError(Throwable t) {
      unwatchAll();
    }

    @Override
    public synchronized void onCompleted() {
      unwatchAll();
      flush();
      if (!finished) {
        finished = true;
        out.onCompleted();
      }
    }
  }

  @Override
  public void watchLifecycle(WatchLifecycleRequest request, StreamObserver<LifecycleEvent> responseObserver) {
    LifecycleFilter filter = LifecycleFilter.of(request);
    if (lifecycleFeed == null) {
      throw new ConflictException("lifecycle events are off on this coordinator (TASKGRID_LIFECYCLE_TOPIC=off)");
    }
    ServerCallStreamObserver<LifecycleEvent> out = (ServerCallStreamObserver<LifecycleEvent>) responseObserver;
    // the handlers are set before the stream opens: events may flow from the feed's thread at once
    var subscription = new java.util.concurrent.atomic.AtomicReference<LifecycleFanout.Subscription>();
    out.setOnReadyHandler(() -> {
      LifecycleFanout.Subscription s = subscription.get();
      if (s != null) s.drain();
    });
    out.setOnCancelHandler(() -> {
      LifecycleFanout.Subscription s = subscription.get();
      if (s != null) s.cancel();
    });
    LifecycleFanout.Subscription s = lifecycleFeed.fanout().open(filter, new LifecycleStream(out));
    subscription.set(s);
    if (out.isCancelled()) s.cancel(); // the client left before the stream was registered
  }

  /** One WatchLifecycle response stream, as the fan-out sees it. */
  private record LifecycleStream(ServerCallStreamObserver<LifecycleEvent> out) implements LifecycleFanout.Sink {
    @Override
    public boolean isReady() {
      return out.isReady() && !out.isCancelled();
    }

    @Override
    public void send(LifecycleEvent event) {
      out.onNext(event);
    }

    @Override
    public void overflowed() {
      out.onError(io.grpc.Status.RESOURCE_EXHAUSTED.withDescription("the client read lifecycle events too slowly: more than "
          + LifecycleFeed.STREAM_BUFFER + " waited for it; watch again (with narrower filters)").asRuntimeException());
    }

    @Override
    public void completed() {
      out.onCompleted();
    }

    @Override
    public void unavailable() {
      out.onError(io.grpc.Status.UNAVAILABLE.withDescription("the coordinator cannot read the lifecycle topic now; watch again")
          .asRuntimeException());
    }
  }

  static <T> void respond(CompletionStage<T> result, StreamObserver<T> out) {
    result.whenComplete((value, error) -> {
      if (error != null) {
        out.onError(GrpcErrors.toStatus(error));
      } else {
        out.onNext(value);
        out.onCompleted();
      }
    });
  }

}
