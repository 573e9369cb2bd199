package io.taskgrid.worker;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.grpc.v1_6.GrpcTelemetry;
import io.taskgrid.core.HandlerName;
import io.taskgrid.telemetry.Telemetry;
import io.taskgrid.worker.internal.ExecutionTracing;
import io.taskgrid.worker.internal.ConsumerLoop;
import io.taskgrid.worker.internal.Dispatcher;
import io.taskgrid.worker.internal.HandlerRegistry;
import io.taskgrid.worker.internal.HandlerRunner;
import io.taskgrid.worker.internal.InFlight;
import io.taskgrid.worker.internal.OutcomeReporter;
import io.taskgrid.worker.internal.RedisClaims;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker: consumes task messages from Kafka as part of a consumer group, claims each execution
 * in Redis, runs its handler, and reports the outcome to a coordinator over gRPC. Workers are
 * stateless; start more of them to run more tasks.
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
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  /** Lifecycle of a worker. */
  public enum State { NEW, RUNNING, STOPPING, STOPPED }

  private final WorkerConfig config;
  private final HandlerRegistry handlers;
  private final Clock clock;
  private final OpenTelemetry openTelemetry;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private RedissonClient redisson;
  private List<ManagedChannel> channels = List.of();
  private InFlight inFlight;
  private HandlerRunner runner;
  private Dispatcher dispatcher;
  private OutcomeReporter reporter;
  private ConsumerLoop consumer;
  private ScheduledExecutorService leases;

  private Worker(WorkerConfig config, HandlerRegistry handlers, Clock clock, OpenTelemetry openTelemetry) {
    this.openTelemetry = openTelemetry;
    this.config = config;
    this.handlers = handlers;
    this.clock = clock;
  }

  /** Starts building a worker with {@code config}. */
  public static Builder builder(WorkerConfig config) {
    return new Builder(config);
  }

  /** Connects to Redis, Kafka and the coordinators and starts consuming. */
  public Worker start() {
    if (!state.compareAndSet(State.NEW, State.RUNNING)) throw new IllegalStateException("worker already started");
    Config rc = new Config();
    rc.setCodec(StringCodec.INSTANCE);
    rc.setReferenceEnabled(false); // no Redisson object references in values: skips a per-argument check
    rc.useSingleServer().setAddress(config.redisUrl()).setClientName("taskgrid-" + config.workerId())
        .setConnectionMinimumIdleSize(2).setConnectionPoolSize(16).setRetryAttempts(3);
    redisson = Redisson.create(rc);
    boolean traced = Telemetry.isTracing(openTelemetry);
    channels = config.coordinators().stream()
        .map(a -> {
          var b = Grpc.newChannelBuilder(a, InsecureChannelCredentials.create()).maxInboundMessageSize(16 * 1024 * 1024);
          if (traced) b.intercept(GrpcTelemetry.builder(openTelemetry).setEmitMessageEvents(false).build().createClientInterceptor());
          return b.build();
        })
        .toList();
    ExecutionTracing tracing = new ExecutionTracing(openTelemetry);
    ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false).findAndRegisterModules();
    inFlight = new InFlight();
    RedisClaims claims = new RedisClaims(redisson, config.keyspace(), config.workerId(), config.claimLease(), clock);
    AtomicReference<Dispatcher> dispatcherRef = new AtomicReference<>();
    reporter = new OutcomeReporter(config.workerId(), config.coordinators(), channels, run -> dispatcherRef.get().acknowledged(run),
        tracing);
    runner = new HandlerRunner(handlers, config.workerId(), config.concurrency(), config.maxResultBytes(), clock, json, reporter::report, tracing);
    Duration retry = Duration.ofMillis(Math.max(100, Math.min(1000, config.claimLease().toMillis() / 4)));
    dispatcher = new Dispatcher(claims, runner, inFlight, clock, retry, tracing);
    dispatcherRef.set(dispatcher);
    consumer = new ConsumerLoop(config.kafkaBootstrap(), config.tasksTopic(), config.group(), "taskgrid-" + config.workerId(),
        config.sessionTimeout(), inFlight, dispatcher::offer, Math.max(1000, config.concurrency() * 4), tracing);
    leases = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("tg-worker-leases").daemon().unstarted(r));
    long every = config.claimLease().toMillis() / 3;
    leases.scheduleWithFixedDelay(() -> renewLeases(claims), every, every, TimeUnit.MILLISECONDS);
    reporter.start();
    dispatcher.start();
    consumer.start();
    log.info("Worker {} consuming {} as group {} with handlers [{}], concurrency {}", config.workerId(), config.tasksTopic(),
        config.group(), handlers.names(), config.concurrency());
    return this;
  }

  private void renewLeases(RedisClaims claims) {
    try {
      Set<String> lost = claims.renew(dispatcher.running().keySet());
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
   * Stops in order: no new records, running handlers finish (up to the drain timeout), their
   * outcomes are reported, offsets committed, the group left, clients closed. Idempotent.
   */
  @Override
  public void close() {
    if (!state.compareAndSet(State.RUNNING, State.STOPPING)) {
      state.compareAndSet(State.NEW, State.STOPPED);
      return;
    }
    long deadline = System.nanoTime() + config.drainTimeout().toNanos();
    consumer.drain();
    dispatcher.close();
    try {
      runner.awaitIdle(config.drainTimeout());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    reporter.drain(Duration.ofNanos(Math.max(1_000_000_000L, deadline - System.nanoTime())));
    consumer.close();
    release();
    log.info("Worker {} stopped", config.workerId());
  }

  /**
   * Stops at once without reporting or committing anything, as a crash would (but leaving the
   * group): for tests. Claims expire after the lease and other workers take the executions over.
   */
  public void halt() {
    if (!state.compareAndSet(State.RUNNING, State.STOPPING)) return;
    reporter.close();
    dispatcher.close();
    leases.shutdownNow();
    runner.close();
    consumer.drainAndAbandon();
    release();
  }

  private void release() {
    leases.shutdownNow();
    reporter.close();
    runner.close();
    channels.forEach(ManagedChannel::shutdownNow);
    redisson.shutdown(0, 2, TimeUnit.SECONDS);
    state.set(State.STOPPED);
  }

  /** Collects handlers and builds a {@link Worker}. */
  public static final class Builder {
    private final WorkerConfig config;
    private final Map<String, TaskHandler> handlers = new LinkedHashMap<>();
    private Clock clock = Clock.systemUTC();
    private OpenTelemetry openTelemetry = OpenTelemetry.noop();

    private Builder(WorkerConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /** Registers {@code handler} under {@code name}; names must be unique. */
    public Builder handler(String name, TaskHandler handler) {
      new HandlerName(name);
      Objects.requireNonNull(handler, "handler");
      if (handlers.putIfAbsent(name, handler) != null) throw new IllegalArgumentException("handler " + name + " registered twice");
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
     * Traces executions with {@code openTelemetry} (see {@code Telemetry.fromEnvironment}); by
     * default {@link OpenTelemetry#noop()}, which traces nothing at no cost. The caller closes it
     * after the worker.
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    public Worker build() {
      return new Worker(config, new HandlerRegistry(handlers), clock, openTelemetry);
    }
  }
}
