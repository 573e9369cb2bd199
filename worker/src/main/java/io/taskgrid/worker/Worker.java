package io.taskgrid.worker;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.taskgrid.worker.internal.CoordinatorChannels;
import io.opentelemetry.api.OpenTelemetry;
import io.taskgrid.core.HandlerName;
import io.taskgrid.redis.RedisBreakers;
import io.taskgrid.redis.RedisConnection;
import io.taskgrid.wire.kafka.KafkaAccess;
import io.taskgrid.telemetry.Telemetry;
import io.taskgrid.wire.lifecycle.KafkaLifecycleSink;
import io.taskgrid.wire.lifecycle.LifecycleEvents;
import io.taskgrid.worker.internal.WorkerEvents;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import io.taskgrid.worker.internal.ExecutionTracing;
import io.taskgrid.worker.internal.ConsumerLoop;
import io.taskgrid.worker.internal.CancelListener;
import io.taskgrid.worker.internal.Dispatcher;
import io.taskgrid.worker.internal.HandlerRegistry;
import io.taskgrid.telemetry.Health;
import io.taskgrid.telemetry.HealthCheck;
import io.taskgrid.telemetry.Metrics;
import io.taskgrid.telemetry.OpsServer;
import io.taskgrid.telemetry.WorkerMeters;
import io.taskgrid.worker.internal.HandlerRunner;
import io.taskgrid.worker.internal.InFlight;
import io.taskgrid.worker.internal.InfraChecks;
import io.taskgrid.worker.internal.OutcomeReporter;
import io.taskgrid.worker.internal.PresenceReporter;
import io.taskgrid.core.TaskgridVersion;
import io.taskgrid.core.worker.WorkerPresence;
import io.taskgrid.redis.RedisWorkers;
import io.taskgrid.worker.internal.RedisClaims;
import io.taskgrid.worker.internal.breaker.Breakers;
import io.taskgrid.worker.internal.CancelListener;
import io.taskgrid.worker.internal.admission.Admission;
import io.taskgrid.worker.internal.admission.Gate;
import io.taskgrid.worker.internal.admission.RedisPermits;
import io.taskgrid.worker.internal.admission.RedisQueuedStatus;
import io.taskgrid.worker.internal.admission.RedisRateBudget;
import io.taskgrid.worker.internal.admission.RedisWaitQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker: consumes task messages from Kafka as part of a consumer group, claims each execution
 * in Redis, runs its handler, and reports the outcome to a coordinator over gRPC. Workers are
 * stateless; start more of them to run more tasks. With {@code httpPort} set a worker also serves
 * its metrics (Prometheus) and liveness and readiness over HTTP ({@link OpsServer}).
 *
 * <pre>{@code
 * Worker worker = Worker.builder(WorkerConfig.fromEnvironment(System.getenv()))
 *     .handler("email.send", ctx -> mailer.send(ctx.payloadText()))
 *     .handler("report.build", ReportRequest.class, (ctx, req) -> reports.build(req))
 *     .build()
 *     .start();
 * }</pre>
 *
 * <p>Delivery: a Kafka offset is committed only after the outcomes of its record and every earlier
 * record of its partition are recorded by a coordinator. A redelivered message of an execution
 * that is running elsewhere waits for that worker; one of a finished execution is not run again.
 *
 * <p>Side tasks: the worker also reads the registry topic ({@link WorkerConfig#registryTopic()})
 * and runs, one instance in the whole cluster, each side task whose handler it has and whose
 * lease it wins in Redis (see {@link TaskHandler#onStop}); {@link #close()} hands them to other
 * workers first.
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  /** Lifecycle of a worker. */
  public enum State { NEW, RUNNING, STOPPING, STOPPED }

  private final WorkerConfig config;
  private final HandlerRegistry handlers;
  private final Clock clock;
  private final Metrics metrics;
  private final boolean ownsMetrics;
  private final OpenTelemetry openTelemetry;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private WorkerMeters meters;
  private Admin admin;
  private OpsServer ops;
  private RedissonClient redisson;
  private List<ManagedChannel> channels = List.of();
  private InFlight inFlight;
  private HandlerRunner runner;
  private Breakers breakers;
  private Dispatcher dispatcher;
  private CancelListener cancels;
  private OutcomeReporter reporter;
  private ConsumerLoop consumer;
  private ScheduledExecutorService leases;
  private Gate gate;
  private KafkaLifecycleSink lifecycleSink;
  private io.taskgrid.worker.internal.OutputForwarder output;
  private io.taskgrid.worker.internal.side.SideTasks sideTasks;
  private PresenceReporter presence;
  private RedisClaims claims;

  private Worker(WorkerConfig config, HandlerRegistry handlers, Clock clock, Metrics metrics, OpenTelemetry openTelemetry) {
    this.openTelemetry = openTelemetry;
    this.config = config;
    this.handlers = handlers;
    this.clock = clock;
    // given none, the worker keeps metrics of its own if anything reads them (its endpoint, OTLP)
    this.ownsMetrics = metrics == null;
    this.metrics = metrics != null ? metrics : Metrics.forProcess("taskgrid-worker", config.httpPort() != OpsServer.OFF, System.getenv());
  }

  /** Starts building a worker with {@code config}. */
  public static Builder builder(WorkerConfig config) {
    return new Builder(config);
  }

  /** Connects to Redis, Kafka and the coordinators and starts consuming. */
  public Worker start() {
    // first: reads the PEM and token files, so a bad one fails the start before anything is opened
    var coordinatorChannels = new CoordinatorChannels(config.coordinatorSecurity());
    if (!state.compareAndSet(State.NEW, State.RUNNING)) throw new IllegalStateException("worker already started");
    if (config.coordinatorSecurity().hasToken() && !config.coordinatorSecurity().tls()) {
      log.warn("The worker sends its token to coordinators over plaintext; set TASKGRID_CLIENT_TLS=on unless they are on this host");
    }
    try {
      redisson = new RedisConnection(config.redisEndpoint(), config.infraSecurity().redis(), "taskgrid-" + config.workerId(), 2, 16).open();
    } catch (RuntimeException e) {
      // nothing else started yet: a refused password leaves a worker that close() need not stop
      if (ownsMetrics) metrics.close();
      state.set(State.STOPPED);
      throw e;
    }
    if (config.infraSecurity().kafka().secured()) {
      try {
        KafkaAccess.verify(config.kafkaEndpoint(), "taskgrid-" + config.workerId() + "-check", Duration.ofSeconds(10));
      } catch (RuntimeException e) {
        redisson.shutdown(0, 2, TimeUnit.SECONDS);
        if (ownsMetrics) metrics.close();
        state.set(State.STOPPED);
        throw e;
      }
    }
    if (config.httpPort() != OpsServer.OFF) {
      try {
        startOps(); // first: a port in use fails the start before anything runs
      } catch (RuntimeException e) {
        redisson.shutdown(0, 2, TimeUnit.SECONDS);
        if (ownsMetrics) metrics.close();
        state.set(State.STOPPED);
        throw e;
      }
    }
    channels = coordinatorChannels.open(config.coordinators(), openTelemetry);
    ExecutionTracing tracing = new ExecutionTracing(openTelemetry);
    WorkerEvents lifecycle = startLifecycle();
    ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false).findAndRegisterModules();
    inFlight = new InFlight();
    meters = new WorkerMeters(metrics.meter());
    claims = new RedisClaims(redisson, config.keyspace(), config.workerId(), config.claimLease(), clock, meters);
    AtomicReference<Dispatcher> dispatcherRef = new AtomicReference<>();
    reporter = new OutcomeReporter(config.workerId(), config.coordinators(), channels, run -> dispatcherRef.get().acknowledged(run),
        tracing);
    breakers = new Breakers(handlers::options, new RedisBreakers(redisson, config.keyspace(), clock, config.breakerIdleExpiry()),
        config.workerId(), clock, meters, config.breakerIdleExpiry(), config.maxKeyedBreakers()).start();
    AtomicReference<Gate> gateRef = new AtomicReference<>();
    runner = new HandlerRunner(handlers, config.workerId(), config.concurrency(), config.maxResultBytes(), clock, json, meters,
        run -> {
          reporter.report(run);
          run.exited().thenRun(() -> gateRef.get().ended(run.executionId()));
        }, tracing, breakers);
    Duration retry = Duration.ofMillis(Math.max(100, Math.min(1000, config.claimLease().toMillis() / 4)));
    cancels = new CancelListener(id -> dispatcherRef.get().running().get(id), runner, clock);
    dispatcher = new Dispatcher(claims, runner, inFlight, clock, retry, meters, tracing, run -> {
      lifecycle.started(run);
      cancels.checkStarted(run);
    });
    dispatcherRef.set(dispatcher);
    cancels.start(redisson, config.keyspace().cancels());
    RedisPermits permits = new RedisPermits(redisson, config.keyspace(), clock);
    Admission admission = new Admission(permits, new RedisWaitQueue(redisson, config.keyspace()),
        new RedisRateBudget(redisson, config.keyspace(), clock, config.claimLease()), cancels::request, clock, config.claimLease());
    RedisQueuedStatus queuedStatus = new RedisQueuedStatus(redisson, config.keyspace());
    gate = new Gate(admission, permits, handlers, dispatcher::offer, (d, forRate) -> {
      queuedStatus.accept(d.executionId(), forRate);
      lifecycle.waiting(d);
    }, config.claimLease());
    gateRef.set(gate);
    dispatcher.gate(gate);
    runner.beforeHandler(gate::handlerStarting);
    runner.preconditions(new io.taskgrid.worker.internal.PreconditionCheck(handlers,
        new io.taskgrid.worker.internal.RedisDependencies(redisson, config.keyspace()), clock));
    if (config.process().enabled()) {
      output = new io.taskgrid.worker.internal.OutputForwarder(config.workerId(), channels).start();
      runner.output(output);
    }
    consumer = new ConsumerLoop(config.kafkaEndpoint(), config.taskTopics(), config.group(), "taskgrid-" + config.workerId(),
        config.sessionTimeout(), inFlight, dispatcher::offer, Math.max(1000, config.concurrency() * 4), tracing);
    leases = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("tg-worker-leases").daemon().unstarted(r));
    long every = config.claimLease().toMillis() / 3;
    leases.scheduleWithFixedDelay(() -> {
      renewLeases(claims);
      gate.renew();
    }, every, every, TimeUnit.MILLISECONDS);
    meters.observeRunning(runner::running);
    meters.observeQueueLag(consumer::lags);
    reporter.start();
    dispatcher.start();
    consumer.start();
    sideTasks = io.taskgrid.worker.internal.side.SideTasks.start(config.kafkaEndpoint(), config.registryTopic(),
        "taskgrid-" + config.workerId() + "-side", redisson, config.keyspace(), config.workerId(), handlers, config.claimLease(),
        config.drainTimeout(), clock);
    presence = new PresenceReporter(new RedisWorkers(redisson, config.keyspace()),
        new WorkerPresence(config.workerId(), hostName(), ProcessHandle.current().pid(), handlers.nameList(), config.concurrency(), 0,
            clock.instant(), clock.instant(), WorkerPresence.State.RUNNING, TaskgridVersion.current()),
        runner::running, clock).start();
    log.info("Worker {} consuming {} as group {} with handlers [{}], concurrency {}", config.workerId(), config.taskTopics().all(),
        config.group(), handlers.names(), config.concurrency());
    return this;
  }

  /** The producer of this worker's lifecycle events (started, waiting); none when they are off. */
  private WorkerEvents startLifecycle() {
    if (!config.lifecycleOn()) return new WorkerEvents(LifecycleEvents.OFF, config.workerId());
    Properties p = config.kafkaEndpoint().clientProperties();
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "taskgrid-" + config.workerId() + "-lifecycle");
    lifecycleSink = new KafkaLifecycleSink(config.lifecycleTopic(), p);
    return new WorkerEvents(new LifecycleEvents(lifecycleSink, config.workerId(), clock), config.workerId());
  }

  private static String hostName() {
    String env = System.getenv("HOSTNAME"); // set in containers and most shells; no DNS lookup needed
    if (env != null && !env.isBlank()) return env;
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private void startOps() {
    Health liveness = new Health()
        .add("consumer", () -> consumer != null && consumer.isAlive() ? HealthCheck.Result.up("") : HealthCheck.Result.down("the Kafka consumer loop is not running"))
        .add("dispatcher", () -> dispatcher != null && dispatcher.isAlive() ? HealthCheck.Result.up("") : HealthCheck.Result.down("the dispatch loop is not running"));
    admin = InfraChecks.admin(config.kafkaEndpoint(), "taskgrid-" + config.workerId() + "-health");
    Health readiness = new Health()
        .add("worker", () -> state.get() == State.RUNNING ? HealthCheck.Result.up(config.workerId()) : HealthCheck.Result.down(state.get().name()))
        .add("kafka", InfraChecks.kafka(admin).cached(Duration.ofSeconds(1)))
        .add("redis", InfraChecks.redis(redisson, config.keyspace().prefix() + "health").cached(Duration.ofSeconds(1)));
    try {
      ops = OpsServer.start(config.httpPort(), "tg-worker", metrics, liveness, readiness);
    } catch (RuntimeException e) {
      admin.close(Duration.ZERO);
      throw e;
    }
  }

  /** The port of the operations endpoint (metrics, health), when it is on. */
  public OptionalInt httpPort() {
    return ops == null ? OptionalInt.empty() : OptionalInt.of(ops.port());
  }

  private void renewLeases(RedisClaims claims) {
    try {
      RedisClaims.Renewal renewal = claims.renewAll(dispatcher.running().keySet());
      renewal.cancelRequested().forEach(cancels::requested);
      Set<String> lost = renewal.lost();
      if (!lost.isEmpty()) {
        log.warn("Lost the claim on {} unfinished executions (lease expired while Redis or this worker stalled); "
            + "another worker may run them too", lost.size());
      }
    } catch (RuntimeException e) {
      log.warn("Cannot renew claims: {}", e.toString());
    }
  }

  public String id() {
    return config.workerId();
  }

  public State state() {
    return state.get();
  }

  /** Handlers running now. */
  public int runningHandlers() {
    return runner == null ? 0 : runner.running();
  }

  /**
   * Stops in order (also on SIGTERM, from the shutdown hook of a worker's main): reports itself
   * DRAINING and hands its side tasks over; takes no new records (partitions paused) and claims
   * nothing more; lets running handlers finish up to {@link WorkerConfig#drainTimeout()}; then
   * interrupts those still running and hands their executions back (releases their claims, so
   * another worker runs them as soon as it gets their messages, and leaves their offsets
   * uncommitted); reports the outcomes of what finished, commits their offsets and leaves the
   * consumer group (its partitions move at once); removes its report and closes its clients.
   * Idempotent; no thread of the worker runs after it returns.
   */
  @Override
  public void close() {
    if (!state.compareAndSet(State.RUNNING, State.STOPPING)) {
      state.compareAndSet(State.NEW, State.STOPPED);
      return;
    }
    long deadline = System.nanoTime() + config.drainTimeout().toNanos();
    presence.draining();
    sideTasks.close(); // first: other workers take the side tasks over at once
    consumer.drain();
    dispatcher.close();
    gate.close(); // after the dispatcher: permits of admitted deliveries that never started free
    boolean idle = false;
    try {
      idle = runner.awaitIdle(config.drainTimeout());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!idle) handBackUnfinished();
    reporter.drain(Duration.ofNanos(Math.max(1_000_000_000L, deadline - System.nanoTime())));
    consumer.close();
    presence.close(); // gone from ListWorkers at once
    release();
    log.info("Worker {} stopped", config.workerId());
  }

  /** How long interrupted handlers get to stop before their executions are handed back. */
  private static final Duration INTERRUPT_GRACE = Duration.ofSeconds(5);

  /**
   * The drain deadline passed: interrupts the handlers still running and, once they stopped,
   * releases their claims. Their deliveries stay unacknowledged, so their offsets are not
   * committed and their messages go to the worker that gets the partition next. A handler that
   * ignores the interrupt keeps its claim (renewal stops when the worker closes), so nobody runs
   * it twice at the same time; it is taken over when the claim lease expires.
   */
  private void handBackUnfinished() {
    List<io.taskgrid.worker.internal.Run> handedBack = new java.util.ArrayList<>();
    for (io.taskgrid.worker.internal.Run run : List.copyOf(dispatcher.running().values())) {
      if (runner.handBack(run)) handedBack.add(run);
    }
    if (handedBack.isEmpty()) return;
    long until = System.nanoTime() + INTERRUPT_GRACE.toNanos();
    List<String> stopped = new java.util.ArrayList<>();
    for (io.taskgrid.worker.internal.Run run : handedBack) {
      try {
        run.exited().get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
        dispatcher.running().remove(run.executionId(), run); // no longer renewed
        gate.ended(run.executionId());
        stopped.add(run.executionId());
      } catch (java.util.concurrent.TimeoutException e) {
        log.warn("Execution {} did not stop within {} of its interrupt; it keeps its claim until the lease expires",
            run.executionId(), INTERRUPT_GRACE);
      } catch (java.util.concurrent.ExecutionException e) {
        stopped.add(run.executionId());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    try {
      int released = claims.release(stopped);
      log.info("Handed back {} unfinished executions after the drain timeout of {} ({} claims released)", handedBack.size(),
          config.drainTimeout(), released);
    } catch (RuntimeException e) {
      log.warn("Cannot release the claims of {} handed back executions ({}); they are taken over when their lease expires",
          stopped.size(), e.toString());
    }
  }

  /**
   * Stops at once without reporting or committing anything, as a crash would (but leaving the
   * group): for tests. Claims expire after the lease and other workers take the executions over.
   */
  public void halt() {
    if (!state.compareAndSet(State.RUNNING, State.STOPPING)) return;
    presence.halt(); // its report expires, as a dead worker's does
    sideTasks.halt();
    reporter.close();
    gate.close();
    dispatcher.close();
    leases.shutdownNow();
    runner.close();
    consumer.drainAndAbandon();
    release();
  }

  private void release() {
    if (sideTasks != null) sideTasks.close();
    if (cancels != null) cancels.close();
    if (ops != null) ops.close();
    if (admin != null) admin.close(Duration.ofSeconds(2));
    if (meters != null) meters.close();
    if (ownsMetrics) metrics.close();
    leases.shutdownNow();
    reporter.close();
    runner.close();
    if (output != null) output.close();
    breakers.close();
    if (lifecycleSink != null) lifecycleSink.close();
    channels.forEach(ManagedChannel::shutdownNow);
    redisson.shutdown(0, 2, TimeUnit.SECONDS);
    state.set(State.STOPPED);
  }

  /** Collects handlers and builds a {@link Worker}. */
  public static final class Builder {
    private final WorkerConfig config;
    private final Map<String, HandlerRegistry.Registered> handlers = new LinkedHashMap<>();
    private final Map<String, RunCondition> conditions = new LinkedHashMap<>();
    private Clock clock = Clock.systemUTC();
    private Metrics metrics;
    private OpenTelemetry openTelemetry = OpenTelemetry.noop();
    private Map<String, String> processEnvironment = System.getenv();

    private Builder(WorkerConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /** Registers {@code handler} under {@code name}; names must be unique. */
    public Builder handler(String name, TaskHandler handler) {
      return handler(name, HandlerOptions.NONE, handler);
    }

    /**
     * Registers {@code handler} under {@code name} with its defaults (retry, concurrency and rate
     * policies used when a task or submission does not set them); names must be unique.
     */
    public Builder handler(String name, HandlerOptions options, TaskHandler handler) {
      new HandlerName(name);
      Objects.requireNonNull(handler, "handler");
      Objects.requireNonNull(options, "options");
      if (handlers.putIfAbsent(name, new HandlerRegistry.Registered(handler, options)) != null) {
        throw new IllegalArgumentException("handler " + name + " registered twice");
      }
      return this;
    }

    /**
     * Registers a run condition under {@code name}, for tasks whose {@code condition} names it;
     * names must be unique among conditions. An execution naming a condition this worker does not
     * have ends FAILED ({@code taskgrid.UnknownCondition}).
     *
     * <pre>{@code
     * .condition("business-hours", ctx -> ConditionResult.of(calendar.isOpen(Instant.now()), "outside business hours"))
     * }</pre>
     */
    public Builder condition(String name, RunCondition condition) {
      new HandlerName(name);
      Objects.requireNonNull(condition, "condition");
      if (conditions.putIfAbsent(name, condition) != null) {
        throw new IllegalArgumentException("condition " + name + " registered twice");
      }
      return this;
    }

    /** Registers a handler whose JSON payload is decoded into {@code type} before it runs. */
    public <T> Builder handler(String name, Class<T> type, TypedTaskHandler<T> handler) {
      return handler(name, type, payload -> {}, handler);
    }

    /** Registers a handler whose JSON payload is decoded into {@code type} and validated before it runs. */
    public <T> Builder handler(String name, Class<T> type, PayloadValidator<T> validator, TypedTaskHandler<T> handler) {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(validator, "validator");
      Objects.requireNonNull(handler, "handler");
      return handler(name, ctx -> {
        T payload = ctx.payloadAs(type);
        if (payload == null) throw new InvalidPayloadException("payload is empty; a " + type.getSimpleName() + " is required");
        validator.validate(payload);
        return handler.handle(ctx, payload);
      });
    }

    /** The clock deadlines and timestamps are read from (tests may fix it). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /**
     * Where the worker records its metrics (the process's, shared with its coordinator in dev
     * mode). Without it the worker keeps metrics of its own when its HTTP endpoint is on or OTLP
     * is configured ({@code OTEL_EXPORTER_OTLP_ENDPOINT}), and records nothing otherwise. The
     * caller closes what it passes.
     */
    public Builder metrics(Metrics metrics) {
      this.metrics = Objects.requireNonNull(metrics);
      return this;
    }

    /**
     * Traces executions with {@code openTelemetry} (see {@code Telemetry.fromEnvironment}); by
     * default {@link OpenTelemetry#noop()}, which traces nothing at no cost. The caller closes it
     * after the worker.
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    /**
     * The environment the built-in {@code process} handler takes allow-listed variables from
     * ({@link ProcessConfig#inheritedEnvironment()}); the worker's own by default.
     */
    public Builder processEnvironment(Map<String, String> environment) {
      this.processEnvironment = Map.copyOf(environment);
      return this;
    }

    /**
     * Builds the worker. When {@link WorkerConfig#process()} is enabled the built-in {@code
     * process} handler is registered too (a handler of the application by that name is refused).
     */
    public Worker build() {
      if (config.process().enabled()) {
        handler(io.taskgrid.worker.internal.process.ProcessHandler.NAME,
            new io.taskgrid.worker.internal.process.ProcessHandler(config.process(), processEnvironment));
      }
      return new Worker(config, new HandlerRegistry(handlers, conditions), clock, metrics, openTelemetry);
    }
  }
}
