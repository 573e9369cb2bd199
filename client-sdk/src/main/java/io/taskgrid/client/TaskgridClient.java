package io.taskgrid.client;

import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;
import io.opentelemetry.instrumentation.grpc.v1_6.GrpcTelemetry;
import io.taskgrid.client.internal.Backoff;
import io.taskgrid.client.internal.Calls;
import io.taskgrid.client.internal.Channels;
import io.taskgrid.client.internal.ClientOptions;
import io.taskgrid.client.internal.ClientSecurity;
import io.taskgrid.client.internal.Convert;
import io.taskgrid.client.internal.Errors;
import io.taskgrid.client.internal.ExecutionWatch;
import io.taskgrid.client.internal.ResultStream;
import io.taskgrid.proto.v1.CircuitBreaker;
import io.taskgrid.proto.v1.GetExecutionRequest;
import io.taskgrid.proto.v1.ListCircuitBreakersRequest;
import io.taskgrid.proto.v1.SubmitTaskRequest;
import io.taskgrid.proto.v1.SubmitTaskResponse;
import io.taskgrid.proto.v1.SubmitTasksRequest;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.CancelExecutionRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Java client of a Taskgrid cluster: submits tasks, waits for their outcomes, reads and
 * watches executions; manages registered tasks ({@link #tasks()}) and publishes events ({@link
 * #events()}). Thread-safe; make one per application and {@link #close()} it at shutdown.
 *
 * <pre>{@code
 * try (TaskgridClient client = TaskgridClient.builder().coordinators("127.0.0.1:7233").build()) {
 *   TaskHandle handle = client.submit(TaskRequest.builder("echo").payloadText("hi").build());
 *   ExecutionInfo done = handle.await(Duration.ofSeconds(30));
 *   System.out.println(done.status() + " " + done.result().asText());
 * }
 * }</pre>
 *
 * <h2>Registered tasks and events</h2>
 * {@link #tasks()} registers handlers that run on a cron schedule, once at a time, on events, or
 * on demand, and manages them at runtime (pause, resume, update, run now); {@link #events()}
 * publishes the events that trigger them.
 *
 * <pre>{@code
 * client.tasks().create(TaskDefinition.builder("nightly-report", "reports.nightly")
 *     .cron("0 2 * * *").timeZone("Europe/London").build());
 * }</pre>
 *
 * <h2>Coordinators and failover</h2>
 * The client keeps one connection to each coordinator it was given and spreads calls over those
 * that are up; a coordinator that goes down is skipped until it is back. A call answered with
 * UNAVAILABLE is retried, with backoff and within the call's deadline, only when repeating it
 * cannot do anything twice: reads, submissions that carry an idempotency key, and the task calls
 * {@link Tasks} lists. Any other call fails with {@link TaskgridUnavailableException}.
 *
 * <h2>Waiting for results</h2>
 * All {@link TaskHandle#result()} futures of a client are served by one stream to the cluster,
 * opened on first use. If it breaks it is reopened (with backoff, on any coordinator) and the
 * executions still awaited are asked for again; the cluster answers with their current states,
 * so no outcome is missed.
 *
 * <h2>Tracing</h2>
 * Given an {@link OpenTelemetry} instance ({@link Builder#openTelemetry}), every call is a client
 * span (OpenTelemetry's gRPC instrumentation) and sends the current trace context in its metadata
 * ({@code traceparent}): a task submitted inside a span is executed in that span's trace, from the
 * submission through the Kafka hop to the handler's span and the recorded outcome. Not tracing by
 * default.
 *
 * <h2>Secured clusters</h2>
 * Against coordinators that require TLS and authentication, give the client the CA to trust, a
 * token (an API key or a JWT) and, for mutual TLS, a client certificate:
 *
 * <pre>{@code
 * TaskgridClient client = TaskgridClient.builder().coordinators("coordinator-1.internal:7233")
 *     .tls(Path.of("/etc/taskgrid/ca.pem"))
 *     .token(System.getenv("TASKGRID_TOKEN"))        // or .tokenSupplier(...) for a rotating token
 *     .build();
 * client.whoAmI();                                     // the identity and role the cluster sees
 * }</pre>
 *
 * A call the cluster does not authenticate fails with {@link TaskgridUnauthenticatedException};
 * one the caller's role does not permit with {@link TaskgridPermissionDeniedException}.
 *
 * <h2>Errors</h2>
 * Every failure is a {@link TaskgridException}: {@link TaskgridInvalidArgumentException}, {@link
 * TaskgridNotFoundException}, {@link TaskgridUnavailableException}, {@link
 * TaskgridAlreadyExistsException}, {@link TaskgridConflictException}, {@link
 * TaskgridUnauthenticatedException}, {@link TaskgridPermissionDeniedException}, or the root type
 * for other kinds. gRPC's own exceptions never reach the caller.
 */
public final class TaskgridClient implements AutoCloseable {
  /** The most tasks the coordinator accepts in one SubmitTasks call. */
  static final int MAX_TASKS_PER_CALL = 1000;

  private static final Pattern TASK_INDEX = Pattern.compile("^tasks\\[(\\d+)]");
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(2);
  // keys as constants: each caches its UTF-8 form, which the OTLP exporter writes for every span
  private static final AttributeKey<String> EXECUTION_ID = AttributeKey.stringKey("taskgrid.execution.id");
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("taskgrid.outcome");
  /** From the execution's end (by the worker's clock) to the result's arrival at this client. */
  private static final AttributeKey<Long> RESULT_DELAY_MS = AttributeKey.longKey("taskgrid.result.delay_ms");

  private final ManagedChannel channel;
  private final ExecutorService channelExecutor; // null when the caller supplied the channel
  private final ScheduledExecutorService scheduler;
  private final ClientOptions options;
  private final Calls calls;
  private final ResultStream results;
  private final Tasks tasks;
  private final Events events;
  private final Set<ExecutionWatch> watches = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final boolean tracing;

  private TaskgridClient(ClientOptions options, ManagedChannel suppliedChannel, ChannelCredentials credentials, ClientSecurity security,
      OpenTelemetry openTelemetry) {
    this.options = options;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("taskgrid-client-scheduler").daemon().factory());
    if (suppliedChannel == null) {
      this.channelExecutor = Executors.newCachedThreadPool(Thread.ofPlatform().name("taskgrid-client-grpc-", 0).daemon().factory());
      this.channel = Channels.forCoordinators(options, credentials, channelExecutor);
    } else {
      this.channelExecutor = null;
      this.channel = suppliedChannel;
    }
    boolean tracing = openTelemetry.getTracerProvider() != TracerProvider.noop();
    this.tracing = tracing;
    // no event per message: the results stream carries one message per execution
    Channel authenticated = security.withToken(channel);
    Channel traced = tracing
        ? ClientInterceptors.intercept(authenticated, GrpcTelemetry.builder(openTelemetry).setEmitMessageEvents(false).build().createClientInterceptor())
        : authenticated;
    this.calls = new Calls(traced, scheduler, Backoff.DEFAULT, closed::get);
    this.results = new ResultStream(traced, scheduler, Backoff.DEFAULT);
    this.tasks = new Tasks(calls, options, results::await);
    this.events = new Events(calls, options);
  }

  /**
   * Starts configuring a client.
   *
   * @return a builder with the default settings and no coordinator yet
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Submits one task and returns once the cluster has accepted it: the task is durably queued and
   * will run even if coordinators, workers or brokers restart.
   *
   * @param request the task
   * @return the handle of the accepted execution
   * @throws TaskgridInvalidArgumentException when a field is invalid (the message names it)
   * @throws TaskgridUnavailableException when no coordinator could accept it in time
   * @throws TaskgridException for other failures, and when the client is closed
   */
  public TaskHandle submit(TaskRequest request) {
    return join(submitAsync(request));
  }

  /**
   * Submits one task without blocking.
   *
   * @param request the task
   * @return a future of the handle, completed once the cluster has accepted the task; it fails
   *     only with a {@link TaskgridException}, as {@link #submit(TaskRequest)} throws
   */
  public CompletableFuture<TaskHandle> submitAsync(TaskRequest request) {
    Objects.requireNonNull(request, "request");
    if (closed.get()) return CompletableFuture.failedFuture(new TaskgridException("client closed"));
    SubmitTaskRequest proto = Convert.toProto(request);
    Context caller = Context.current();
    return calls.unary(TaskServiceGrpc.getSubmitTaskMethod(), proto, options.submitDeadline(), request.idempotencyKey().isPresent())
        .thenApply(r -> handle(r, caller));
  }

  /**
   * Submits many tasks with as few calls as possible: one SubmitTasks call per {@value
   * #MAX_TASKS_PER_CALL} tasks, sent one after the other. Each call is all or nothing.
   *
   * <p>When a call fails, the tasks of the calls before it were accepted and those of the calls
   * after it were not sent. Give the tasks idempotency keys to resubmit the whole list safely.
   *
   * @param requests the tasks
   * @return the handles, in the order of {@code requests}
   * @throws TaskgridInvalidArgumentException naming the first invalid task of the failed call as
   *     {@code tasks[i].field}, where {@code i} is its index in {@code requests}
   * @throws TaskgridUnavailableException when no coordinator could accept a call in time
   * @throws TaskgridException for other failures, and when the client is closed
   */
  public List<TaskHandle> submitAll(List<TaskRequest> requests) {
    Objects.requireNonNull(requests, "requests");
    List<TaskHandle> handles = new ArrayList<>(requests.size());
    for (int start = 0; start < requests.size(); start += MAX_TASKS_PER_CALL) {
      if (closed.get()) throw new TaskgridException("client closed");
      List<TaskRequest> chunk = requests.subList(start, Math.min(requests.size(), start + MAX_TASKS_PER_CALL));
      SubmitTasksRequest.Builder batch = SubmitTasksRequest.newBuilder();
      boolean idempotent = true;
      for (TaskRequest r : chunk) {
        batch.addTasks(Convert.toProto(Objects.requireNonNull(r, "request")));
        idempotent &= r.idempotencyKey().isPresent();
      }
      List<SubmitTaskResponse> accepted;
      Context caller = Context.current();
      try {
        accepted = join(calls.unary(TaskServiceGrpc.getSubmitTasksMethod(), batch.build(), options.submitDeadline(), idempotent))
            .getResultsList();
      } catch (TaskgridInvalidArgumentException e) {
        throw start == 0 ? e : withIndexOffset(e, start);
      }
      if (accepted.size() != chunk.size()) {
        throw new TaskgridException("the coordinator answered " + accepted.size() + " results for " + chunk.size() + " tasks");
      }
      accepted.forEach(r -> handles.add(handle(r, caller)));
    }
    return handles;
  }

  /**
   * Reads the current state of an execution. Retried on another coordinator when one is down.
   *
   * @param executionId an id returned at submission
   * @return its state now
   * @throws TaskgridNotFoundException when the cluster does not know it
   * @throws TaskgridUnavailableException when no coordinator answered in time
   */
  public ExecutionInfo get(String executionId) {
    Objects.requireNonNull(executionId, "executionId");
    if (closed.get()) throw new TaskgridException("client closed");
    var request = GetExecutionRequest.newBuilder().setExecutionId(executionId).build();
    return Convert.fromProto(join(calls.unary(TaskServiceGrpc.getGetExecutionMethod(), request, options.defaultDeadline(), true)));
  }

  /**
   * Cancels an execution. A PENDING, RETRY_SCHEDULED or QUEUED execution ends CANCELLED at once and
   * never runs. A RUNNING one has its handler interrupted on its worker and then ends CANCELLED:
   * the state returned may still be RUNNING; {@link TaskHandle#result()} or {@link #watch} show the
   * end (a handler that returned or failed just before the interrupt keeps that outcome).
   * Cancelling an execution that is already CANCELLED returns its state. Retried on another
   * coordinator when one is down (cancelling twice is harmless).
   *
   * @param executionId an id returned at submission
   * @return its state after the cancel: CANCELLED, or RUNNING while its handler is being
   *     interrupted
   * @throws TaskgridExecutionEndedException when it had already ended otherwise
   * @throws TaskgridNotFoundException when the cluster does not know it
   * @throws TaskgridUnavailableException when no coordinator answered in time
   */
  public ExecutionInfo cancel(String executionId) {
    Objects.requireNonNull(executionId, "executionId");
    if (closed.get()) throw new TaskgridException("client closed");
    return cancel(calls, options, executionId);
  }

  static ExecutionInfo cancel(Calls calls, ClientOptions options, String executionId) {
    var request = CancelExecutionRequest.newBuilder().setExecutionId(executionId).build();
    try {
      return Convert.fromProto(calls.call(TaskServiceGrpc.getCancelExecutionMethod(), request, options.defaultDeadline(), true));
    } catch (TaskgridConflictException e) {
      throw new TaskgridExecutionEndedException(e.getMessage(), e.getCause());
    }
  }

  /**
   * Reads one page of the execution history, newest first (by submission time). Executions are
   * kept for the cluster's retention (7 days by default).
   *
   * @param query the filters, page size and page token; {@link ExecutionQuery#all()} for every
   *     execution
   * @return the page, with the token of the next one unless it is the last; a page may be short,
   *     or empty, and still have a next token
   * @throws TaskgridInvalidArgumentException when a filter, the page size or the token is invalid
   *     (the message names the field)
   * @throws TaskgridUnavailableException when no coordinator answered in time
   */
  public ExecutionPage listExecutions(ExecutionQuery query) {
    Objects.requireNonNull(query, "query");
    if (closed.get()) throw new TaskgridException("client closed");
    return Convert.fromProto(calls.call(TaskServiceGrpc.getListExecutionsMethod(), Convert.toProto(query), options.defaultDeadline(), true));
  }

  /**
   * Every execution that matches, newest first, read page by page as the stream is consumed: a
   * page is asked for only when the previous one is used up. Executions submitted meanwhile do not
   * appear (they are newer than the first page).
   *
   * @param query the filters and page size, starting at its page token if it has one
   * @return a sequential, lazy stream; a failed page read throws from the stream operation that
   *     needed it, as {@link #listExecutions} throws
   */
  public java.util.stream.Stream<ExecutionInfo> listAllExecutions(ExecutionQuery query) {
    Objects.requireNonNull(query, "query");
    java.util.Iterator<ExecutionInfo> all = new java.util.Iterator<>() {
      private java.util.Iterator<ExecutionInfo> page = java.util.Collections.emptyIterator();
      private String nextToken = query.pageToken().orElse(""); // null once the last page was read

      @Override
      public boolean hasNext() {
        while (!page.hasNext() && nextToken != null) {
          ExecutionPage read = listExecutions(query.withPageToken(nextToken));
          page = read.executions().iterator();
          nextToken = read.nextPageToken().orElse(null);
        }
        return page.hasNext();
      }

      @Override
      public ExecutionInfo next() {
        if (!hasNext()) throw new java.util.NoSuchElementException();
        return page.next();
      }
    };
    return java.util.stream.StreamSupport.stream(
        java.util.Spliterators.spliteratorUnknownSize(all, java.util.Spliterator.ORDERED | java.util.Spliterator.NONNULL), false);
  }

  /**
   * Watches every status change of one execution: {@code onChange} receives its current state,
   * then each new status, and the watch ends after the terminal one. A status is delivered at most
   * once, in order. If the connection breaks the watch is reopened and reports the state the
   * execution reached meanwhile (intermediate statuses may then be skipped).
   *
   * <p>{@code onChange} runs on a client thread, one call at a time; an exception it throws is
   * logged and the watch goes on. Use this for progress displays; to wait for outcomes, {@link
   * TaskHandle#result()} is cheaper (this opens one stream per watch).
   *
   * @param executionId an id returned at submission
   * @param onChange receives each state
   * @return the running watch: close it to stop early; its {@link Subscription#completion()} tells
   *     how it ended (for example {@link TaskgridNotFoundException} for an unknown id)
   * @throws TaskgridException when the client is closed
   */
  public Subscription watch(String executionId, Consumer<ExecutionInfo> onChange) {
    return watch(executionId, onChange, line -> {});
  }

  /**
   * Watches every status change of one execution, as {@link #watch(String, Consumer)} does, and
   * also receives the output lines of its running program (process tasks) as they are produced,
   * on the same client thread, in order, between the RUNNING state and the terminal one. Live
   * output is best effort (see {@link OutputLine}); the result carries the whole output.
   *
   * <pre>{@code
   * client.watch(handle.id(), info -> System.out.println(info.status()),
   *     line -> System.out.println(line.stream() + ": " + line.text()));
   * }</pre>
   *
   * @param executionId an id returned at submission
   * @param onChange receives each state
   * @param onOutput receives each output line
   * @return the running watch: close it to stop early
   * @throws TaskgridException when the client is closed
   */
  public Subscription watch(String executionId, Consumer<ExecutionInfo> onChange, Consumer<OutputLine> onOutput) {
    Objects.requireNonNull(executionId, "executionId");
    Objects.requireNonNull(onChange, "onChange");
    Objects.requireNonNull(onOutput, "onOutput");
    if (closed.get()) throw new TaskgridException("client closed");
    ExecutionWatch[] self = new ExecutionWatch[1];
    ExecutionWatch watch = new ExecutionWatch(channel, scheduler, Backoff.DEFAULT, executionId, onChange, onOutput,
        () -> watches.remove(self[0]));
    self[0] = watch;
    watches.add(watch);
    if (closed.get()) { // raced with close()
      watch.close();
      throw new TaskgridException("client closed");
    }
    watch.open();
    return watch;
  }

  /**
   * The cluster's circuit breakers, as the workers last reported them.
   *
   * @return every breaker, ordered by handler, then key; empty when none was ever used
   * @throws TaskgridUnavailableException when no coordinator answered in time
   */
  public List<CircuitBreakerInfo> listCircuitBreakers() {
    return listBreakers("");
  }

  /**
   * The circuit breakers of one handler (its own and one per key), as the workers last reported them.
   *
   * @param handler a handler name
   * @return its breakers, ordered by key
   * @throws TaskgridInvalidArgumentException when {@code handler} is no valid handler name
   * @throws TaskgridUnavailableException when no coordinator answered in time
   */
  public List<CircuitBreakerInfo> listCircuitBreakers(String handler) {
    Objects.requireNonNull(handler, "handler");
    if (handler.isEmpty()) throw new TaskgridInvalidArgumentException("handler: must not be empty", null);
    return listBreakers(handler);
  }

  private List<CircuitBreakerInfo> listBreakers(String handler) {
    if (closed.get()) throw new TaskgridException("client closed");
    var request = ListCircuitBreakersRequest.newBuilder().setHandler(handler).build();
    return join(calls.unary(TaskServiceGrpc.getListCircuitBreakersMethod(), request, options.defaultDeadline(), true))
        .getCircuitBreakersList().stream().map(TaskgridClient::breaker).toList();
  }

  /**
   * The workers that reported in within the last 30 seconds.
   *
   * @return every worker, ordered by id
   * @throws TaskgridUnavailableException when no coordinator answered in time
   */
  public List<WorkerInfo> workers() {
    return listWorkers("");
  }

  /**
   * The workers that run one handler, as {@link #workers()}.
   *
   * @param handler a handler name
   * @return its workers, ordered by id
   * @throws TaskgridInvalidArgumentException when {@code handler} is empty or no valid handler name
   * @throws TaskgridUnavailableException when no coordinator answered in time
   */
  public List<WorkerInfo> workers(String handler) {
    Objects.requireNonNull(handler, "handler");
    if (handler.isEmpty()) throw new TaskgridInvalidArgumentException("handler: must not be empty", null);
    return listWorkers(handler);
  }

  /**
   * Who the coordinator takes this client to be, and what it may do: the identity its token or
   * client certificate maps to, with its role and allow-lists. Any authenticated caller may ask.
   * With authentication off on the coordinator: {@code anonymous}, authenticated by {@code none}.
   *
   * @return the caller's identity
   * @throws TaskgridUnauthenticatedException when the coordinator does not accept the client's
   *     credentials (none sent, unknown, expired)
   * @throws TaskgridUnavailableException when no coordinator answered in time, or the TLS
   *     handshake failed (the message says why)
   */
  public CallerIdentity whoAmI() {
    if (closed.get()) throw new TaskgridException("client closed");
    var reply = join(calls.unary(TaskServiceGrpc.getWhoAmIMethod(), io.taskgrid.proto.v1.WhoAmIRequest.getDefaultInstance(),
        options.defaultDeadline(), true));
    return new CallerIdentity(reply.getName(), reply.getRole(), reply.getAuthenticatedBy(), reply.getAllowedHandlersList(),
        reply.getAllowedTaskPrefixesList(), reply.getAuthenticationEnabled());
  }

  private List<WorkerInfo> listWorkers(String handler) {
    if (closed.get()) throw new TaskgridException("client closed");
    var request = io.taskgrid.proto.v1.ListWorkersRequest.newBuilder().setHandler(handler).build();
    return join(calls.unary(TaskServiceGrpc.getListWorkersMethod(), request, options.defaultDeadline(), true))
        .getWorkersList().stream().map(TaskgridClient::worker).toList();
  }

  private static WorkerInfo worker(io.taskgrid.proto.v1.WorkerInfo w) {
    WorkerInfo.State state = switch (w.getState()) {
      case WORKER_STATE_DRAINING -> WorkerInfo.State.DRAINING;
      // a state a newer coordinator may add reads as running
      case WORKER_STATE_RUNNING, WORKER_STATE_UNSPECIFIED, UNRECOGNIZED -> WorkerInfo.State.RUNNING;
    };
    return new WorkerInfo(w.getWorkerId(), w.getHost(), w.getPid(), w.getHandlersList(), w.getConcurrency(), w.getRunning(),
        Convert.instant(w.getStarted()), Convert.instant(w.getLastSeen()), state, w.getVersion());
  }

  private static CircuitBreakerInfo breaker(CircuitBreaker b) {
    CircuitBreakerInfo.State state = switch (b.getState()) {
      case CIRCUIT_BREAKER_STATE_OPEN -> CircuitBreakerInfo.State.OPEN;
      case CIRCUIT_BREAKER_STATE_HALF_OPEN -> CircuitBreakerInfo.State.HALF_OPEN;
      // a state a newer coordinator may add reads as closed: calls go through
      case CIRCUIT_BREAKER_STATE_CLOSED, CIRCUIT_BREAKER_STATE_UNSPECIFIED, UNRECOGNIZED -> CircuitBreakerInfo.State.CLOSED;
    };
    return new CircuitBreakerInfo(b.getHandler(), b.getKey(), state, Convert.instant(b.getSince()), b.getWorkerId(), rate(b.getFailureRate()),
        rate(b.getSlowCallRate()), b.getTimesOpened(), b.getNotPermittedCalls());
  }

  /**
   * The statistics of the whole cluster: totals, one group per handler and one per task. See
   * {@link Stats} for what each figure means.
   *
   * @return the figures as a coordinator read them now
   * @throws TaskgridUnavailableException when no coordinator (or its Redis) answered in time
   */
  public Stats stats() {
    return stats(StatsFilter.all());
  }

  /**
   * The statistics of one task, one handler or both; see {@link StatsFilter} for how filters apply.
   *
   * @param filter which figures to read
   * @return the figures as a coordinator read them now
   * @throws TaskgridInvalidArgumentException when the task id or handler is malformed
   * @throws TaskgridUnavailableException when no coordinator (or its Redis) answered in time
   */
  public Stats stats(StatsFilter filter) {
    Objects.requireNonNull(filter, "filter");
    if (closed.get()) throw new TaskgridException("client closed");
    var request = io.taskgrid.proto.v1.GetStatsRequest.newBuilder().setTaskId(filter.taskId()).setHandler(filter.handler()).build();
    var reply = join(calls.unary(TaskServiceGrpc.getGetStatsMethod(), request, options.defaultDeadline(), true));
    return new Stats(Convert.instant(reply.getAsOf()), group(reply.getTotal()), reply.getHandlersList().stream().map(TaskgridClient::group).toList(),
        reply.getTasksList().stream().map(TaskgridClient::group).toList());
  }

  private static Stats.Group group(io.taskgrid.proto.v1.StatsGroup g) {
    return new Stats.Group(g.getTaskId(), g.getHandler(), window(g.getLastHour()), window(g.getLastDay()), g.getRunning(), g.getPending(),
        g.getWaitingRetry(), g.getWaitingQueue(), g.getWaitingRateLimit(), g.getScheduledNextHour());
  }

  private static Stats.Window window(io.taskgrid.proto.v1.WindowStats w) {
    return new Stats.Window(w.getSucceeded(), w.getFailed(), w.getTimedOut(), w.getSkipped(), w.getCancelled(), w.getSuccessRate(),
        w.hasDurationP50() ? java.util.Optional.of(Convert.duration(w.getDurationP50())) : java.util.Optional.empty(),
        w.hasDurationP95() ? java.util.Optional.of(Convert.duration(w.getDurationP95())) : java.util.Optional.empty(),
        w.hasDurationP99() ? java.util.Optional.of(Convert.duration(w.getDurationP99())) : java.util.Optional.empty());
  }

  private static OptionalDouble rate(float percent) {
    return percent < 0 ? OptionalDouble.empty() : OptionalDouble.of(percent);
  }

  /**
   * Registered tasks: create, update, read, list, pause, resume, delete and run them, and preview
   * cron schedules.
   *
   * @return this client's task operations (the same object on every call)
   */
  public Tasks tasks() {
    return tasks;
  }

  /**
   * Events, which trigger the registered tasks whose event pattern matches their name.
   *
   * @return this client's event operations (the same object on every call)
   */
  public Events events() {
    return events;
  }

  private TaskHandle handle(SubmitTaskResponse r, Context caller) {
    if (!tracing) return new TaskHandle(r.getExecutionId(), r.getDuplicate(), results::await, this::cancel);
    return new TaskHandle(r.getExecutionId(), r.getDuplicate(), id -> {
      Context awaiting = Context.current(); // the first result() or await() call's
      // completed after the event is added: who awaits the result may end its span at once
      CompletableFuture<ExecutionInfo> delivered = new CompletableFuture<>();
      results.await(id).whenComplete((info, error) -> {
        if (error != null) {
          delivered.completeExceptionally(error);
          return;
        }
        try {
          resultDelivered(caller, awaiting, info);
        } finally {
          delivered.complete(info);
        }
      });
      return delivered;
    }, this::cancel);
  }

  /**
   * The delivery of a result to this client, as a {@code taskgrid.result_delivered} event of the
   * submitter's span if it is still open, else of the span that awaits the result: an event of the
   * span the result is for, not a span per task of its own. With neither span open (a task
   * submitted and awaited outside any span) there is no trace to add it to.
   */
  private static void resultDelivered(Context caller, Context awaiting, ExecutionInfo info) {
    Span span = Span.fromContext(caller);
    if (!span.isRecording()) span = Span.fromContext(awaiting);
    if (!span.isRecording()) return;
    java.time.Instant now = java.time.Instant.now();
    long delayMillis = info.finishedAtIfAny().filter(t -> t.isBefore(now)).map(t -> Duration.between(t, now).toMillis()).orElse(0L);
    span.addEvent("taskgrid.result_delivered", Attributes.of(EXECUTION_ID, info.executionId(), OUTCOME, info.status().name(),
        RESULT_DELAY_MS, delayMillis), now);
  }

  /** Renumbers {@code tasks[i]} from the failed call's index to the index in the caller's list. */
  private static TaskgridInvalidArgumentException withIndexOffset(TaskgridInvalidArgumentException e, int offset) {
    Matcher m = TASK_INDEX.matcher(e.getMessage());
    if (!m.find()) return e;
    String message = "tasks[" + (Integer.parseInt(m.group(1)) + offset) + "]" + e.getMessage().substring(m.end());
    return new TaskgridInvalidArgumentException(message, e);
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (RuntimeException e) {
      throw Errors.map(e);
    }
  }

  /**
   * Closes the client: ends the result stream and every watch, fails the {@link
   * TaskHandle#result()} futures still pending with a {@link TaskgridException} ("client
   * closed"), and closes the connections, giving calls in flight up to two seconds to finish.
   * Tasks already submitted still run. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    results.close();
    List.copyOf(watches).forEach(ExecutionWatch::close);
    channel.shutdown();
    try {
      if (!channel.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        channel.shutdownNow();
        channel.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
    scheduler.shutdownNow();
    if (channelExecutor != null) channelExecutor.shutdown();
  }

  /**
   * Configures a {@link TaskgridClient}. Settings are checked by {@link #build()}, which rejects
   * bad values with an {@link IllegalArgumentException}.
   */
  public static final class Builder {
    private final List<String> coordinators = new ArrayList<>();
    private Duration defaultDeadline = ClientOptions.DEFAULT_DEADLINE;
    private Duration submitDeadline = ClientOptions.DEFAULT_SUBMIT_DEADLINE;
    private int maxInboundMessageSize = ClientOptions.DEFAULT_MAX_INBOUND_MESSAGE_SIZE;
    private ManagedChannel channel;
    private OpenTelemetry openTelemetry = OpenTelemetry.noop();
    private boolean tls;
    private java.nio.file.Path caPem;
    private java.nio.file.Path certChainPem;
    private java.nio.file.Path privateKeyPem;
    private Supplier<String> token;

    private Builder() {}

    /**
     * Connects with TLS, trusting the JVM's default CAs (its {@code cacerts}): for coordinators
     * whose certificates a public or company CA already in the trust store issued. Plaintext by
     * default.
     *
     * @return this builder
     */
    public Builder tls() {
      this.tls = true;
      return this;
    }

    /**
     * Connects with TLS, trusting the CA certificates in {@code caPem} (and only those) for the
     * coordinators' certificates, which must be issued for the host names or IP addresses given to
     * {@link #coordinators}. The file is read by {@link #build()}.
     *
     * @param caPem a PEM file of one or more CA certificates
     * @return this builder
     */
    public Builder tls(java.nio.file.Path caPem) {
      this.tls = true;
      this.caPem = Objects.requireNonNull(caPem, "caPem");
      return this;
    }

    /**
     * Presents a client certificate (mutual TLS), for coordinators that authenticate clients by
     * certificate. Implies TLS ({@link #tls()} trust unless {@link #tls(java.nio.file.Path)} is
     * given). The files are read by {@link #build()}.
     *
     * @param certChainPem a PEM file of the client certificate, followed by its intermediate CAs
     * @param privateKeyPem a PEM file of its private key, unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY})
     * @return this builder
     */
    public Builder clientCertificate(java.nio.file.Path certChainPem, java.nio.file.Path privateKeyPem) {
      this.tls = true;
      this.certChainPem = Objects.requireNonNull(certChainPem, "certChainPem");
      this.privateKeyPem = Objects.requireNonNull(privateKeyPem, "privateKeyPem");
      return this;
    }

    /**
     * Sends {@code token} (an API key or a JWT) on every call as {@code authorization: Bearer
     * <token>}. Use it with {@link #tls} outside a trusted network: a token sent in plaintext can
     * be read on the way. Replaces a {@link #tokenSupplier}.
     *
     * @param token the token; printable ASCII without spaces
     * @return this builder
     */
    public Builder token(String token) {
      Objects.requireNonNull(token, "token");
      String t = token.strip();
      if (t.isEmpty() || !t.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException("token must be printable ASCII without spaces (an API key or a JWT)"); // never shown
      }
      this.token = () -> t;
      return this;
    }

    /**
     * Asks {@code supplier} for the token before every call (on a gRPC thread, so it may block
     * briefly, e.g. to read a file), for tokens that rotate: a JWT refreshed before it expires, a
     * key read from a mounted secret. A supplier that throws or returns an empty token fails the
     * call with {@link TaskgridUnauthenticatedException}. Replaces a {@link #token(String)}.
     *
     * @param supplier returns the current token; should cache it, as it is called for every call
     * @return this builder
     */
    public Builder tokenSupplier(Supplier<String> supplier) {
      this.token = Objects.requireNonNull(supplier, "supplier");
      return this;
    }

    /**
     * Traces calls with {@code openTelemetry}: each call is a client span, child of the caller's
     * current span, whose context the coordinator continues (W3C {@code traceparent} in the call's
     * metadata), so a submitted task's execution belongs to the caller's trace. Not tracing by
     * default ({@link OpenTelemetry#noop()}). The client never reads {@code GlobalOpenTelemetry} on
     * its own; to use the global instance (for example the one the OpenTelemetry Java agent
     * installs), pass {@code GlobalOpenTelemetry.get()}.
     *
     * @param openTelemetry the application's OpenTelemetry instance
     * @return this builder
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    /**
     * Adds coordinator addresses. Calls are spread over all of them and go to those that are up.
     *
     * @param hostPorts one or more {@code host:port}, for example {@code 127.0.0.1:7233} or {@code
     *     [::1]:7233}
     * @return this builder
     */
    public Builder coordinators(String... hostPorts) {
      for (String a : Objects.requireNonNull(hostPorts, "hostPorts")) coordinators.add(Objects.requireNonNull(a, "address"));
      return this;
    }

    /**
     * Adds coordinator addresses.
     *
     * @param hostPorts one or more {@code host:port}
     * @return this builder
     */
    public Builder coordinators(List<String> hostPorts) {
      return coordinators(hostPorts.toArray(String[]::new));
    }

    /**
     * Sets the deadline of reads ({@link TaskgridClient#get}, and {@link Tasks#get}, {@link
     * Tasks#list} and {@link Tasks#preview}), retries included. 10 seconds by default. Waiting for
     * results and watching are not bounded by it.
     *
     * @param deadline a positive duration
     * @return this builder
     */
    public Builder defaultDeadline(Duration deadline) {
      this.defaultDeadline = deadline;
      return this;
    }

    /**
     * Sets the deadline of submissions and of every change to registered tasks and events (create,
     * update, pause, resume, delete, run now, publish), retries included. 30 seconds by default: the
     * coordinator answers only once Kafka has the change on all in-sync replicas.
     *
     * @param deadline a positive duration
     * @return this builder
     */
    public Builder submitDeadline(Duration deadline) {
      this.submitDeadline = deadline;
      return this;
    }

    /**
     * Sets the largest message accepted from a coordinator. 16 MiB by default; an execution with
     * a larger result cannot be read.
     *
     * @param bytes at least 1024
     * @return this builder
     */
    public Builder maxInboundMessageSize(int bytes) {
      this.maxInboundMessageSize = bytes;
      return this;
    }

    /**
     * Uses a channel built by the caller instead of connecting to {@link #coordinators}: for
     * custom TLS, custom name resolution, or in-process channels in tests. The client owns the
     * channel and shuts it down when it is closed; {@link #maxInboundMessageSize}, {@link #tls()}
     * and {@link #clientCertificate} do not apply to it, a {@link #token} does.
     *
     * @param channel the channel
     * @return this builder
     */
    public Builder channel(ManagedChannel channel) {
      this.channel = Objects.requireNonNull(channel, "channel");
      return this;
    }

    /**
     * Builds the client. It connects lazily: the first call opens the connections.
     *
     * @return a new client
     * @throws IllegalArgumentException when a setting is invalid, when no coordinator and no
     *     channel is given, or when both are, or when a TLS file cannot be read (the message names it)
     */
    public TaskgridClient build() {
      ClientOptions options = new ClientOptions(coordinators, defaultDeadline, submitDeadline, maxInboundMessageSize);
      if (channel == null && coordinators.isEmpty()) {
        throw new IllegalArgumentException("at least one coordinator address is required");
      }
      if (channel != null && !coordinators.isEmpty()) {
        throw new IllegalArgumentException("give coordinator addresses or a channel, not both");
      }
      ClientSecurity security = new ClientSecurity(tls, caPem, certChainPem, privateKeyPem, token);
      if (channel != null && security.transportConfigured()) {
        throw new IllegalArgumentException("tls and clientCertificate apply to the client's own connections: give them to the channel you supply");
      }
      ChannelCredentials credentials = channel == null ? security.channelCredentials() : null;
      return new TaskgridClient(options, channel, credentials, security, openTelemetry);
    }
  }
}
