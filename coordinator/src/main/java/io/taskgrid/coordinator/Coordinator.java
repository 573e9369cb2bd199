package io.taskgrid.coordinator;

import io.grpc.Channel;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.grpc.v1_6.GrpcTelemetry;
import io.taskgrid.telemetry.Telemetry;
import io.grpc.protobuf.services.HealthStatusManager;
import io.taskgrid.coordinator.internal.api.CallPlacement;
import io.taskgrid.coordinator.internal.api.GrpcErrors;
import io.taskgrid.coordinator.internal.api.ResultServiceImpl;
import io.taskgrid.coordinator.internal.api.TaskServiceImpl;
import io.taskgrid.coordinator.internal.config.TasksFileLoader;
import io.taskgrid.coordinator.internal.health.InfraChecks;
import io.taskgrid.coordinator.internal.lifecycle.ExecutionEvents;
import io.taskgrid.coordinator.internal.lifecycle.LifecycleFeed;
import io.taskgrid.coordinator.internal.queue.KafkaSetup;
import io.taskgrid.coordinator.internal.http.HttpApi;
import io.taskgrid.coordinator.internal.queue.KafkaTaskQueue;
import io.taskgrid.wire.lifecycle.KafkaLifecycleSink;
import io.taskgrid.wire.lifecycle.LifecycleEvents;
import io.taskgrid.coordinator.internal.registry.KafkaRegistryLog;
import io.taskgrid.coordinator.internal.registry.RedisTaskLocks;
import io.taskgrid.coordinator.internal.registry.RegistryView;
import io.taskgrid.coordinator.internal.registry.TaskRegistry;
import io.taskgrid.coordinator.internal.schedule.RedisLeaderLease;
import io.taskgrid.coordinator.internal.retry.KafkaRetryLog;
import io.taskgrid.coordinator.internal.retry.RetryReleaser;
import io.taskgrid.coordinator.internal.schedule.ScheduleLoop;
import java.nio.file.Path;
import io.taskgrid.coordinator.internal.store.RedisExecutionStore;
import io.taskgrid.telemetry.CoordinatorMeters;
import io.taskgrid.telemetry.Health;
import io.taskgrid.telemetry.HealthCheck;
import io.taskgrid.telemetry.Metrics;
import io.taskgrid.telemetry.OpsServer;
import io.taskgrid.coordinator.internal.watch.WatchHub;
import io.taskgrid.redis.RedisBreakers;
import io.taskgrid.redis.RedisConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalInt;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.taskgrid.coordinator.internal.auth.ApiAccess;
import io.taskgrid.security.ApiSecurity;
import io.taskgrid.security.auth.AccessRule;
import io.taskgrid.security.auth.AuthInterceptor;
import io.taskgrid.security.auth.Authenticator;
import io.taskgrid.security.tls.ServerTls;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A coordinator process: serves the public {@code TaskService}, the workers' {@code
 * ResultService} and the standard gRPC health service. Any number may run against the same Kafka
 * and Redis; each answers for every execution. With {@code httpPort} set it also serves its
 * metrics (Prometheus) and liveness and readiness over HTTP ({@link OpsServer}).
 *
 * <p>Lifecycle: {@link #start()} connects to Redis and Kafka, makes sure the tasks topic exists,
 * and opens the port; {@link #close()} stops intake, lets calls in flight finish (up to a
 * deadline), then closes Kafka and Redis. Both are safe to call more than once.
 */
public final class Coordinator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Coordinator.class);

  /** Lifecycle of a coordinator. */
  public enum State { NEW, RUNNING, STOPPED }

  private final CoordinatorConfig config;
  private final ServerBuilder<?> serverBuilder;
  private final Clock clock;
  private final Metrics metrics;
  private final boolean ownsMetrics;
  private CoordinatorMeters meters;
  private Admin admin;
  private OpsServer ops;
  private final OpenTelemetry openTelemetry;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private RedissonClient redisson;
  private KafkaTaskQueue queue;
  private WatchHub hub;
  private Server server;
  private Server localServer;
  private java.util.concurrent.ExecutorService callExecutor;
  private ManagedChannel localChannel;
  private HealthStatusManager health;
  private Optional<ServerTls> tls = Optional.empty();
  private KafkaRegistryLog registryLog;
  private ScheduleLoop scheduler;
  private KafkaRetryLog retryLog;
  private RetryReleaser retryReleaser;
  private KafkaLifecycleSink lifecycleSink;
  private LifecycleFeed lifecycleFeed;

  /** A coordinator listening on {@code config.grpcPort()} (with TLS and on the address its {@link ApiSecurity} says). */
  public Coordinator(CoordinatorConfig config) {
    this(config, null, Clock.systemUTC());
  }

  /**
   * A coordinator served by {@code serverBuilder} (tests pass an in-process one; its transport
   * security is the builder's); null listens on {@code config.grpcPort()} as the other constructors do.
   * Authentication and roles apply either way when {@link ApiSecurity#auth()} is on.
   */
  public Coordinator(CoordinatorConfig config, ServerBuilder<?> serverBuilder, Clock clock) {
    this(config, serverBuilder, clock, null, OpenTelemetry.noop());
  }

  /**
   * A coordinator recording its metrics in {@code metrics} (the process's; the caller closes it).
   * With {@code null} it keeps metrics of its own when its HTTP endpoint is on or OTLP is
   * configured, and records nothing otherwise.
   */
  public Coordinator(CoordinatorConfig config, ServerBuilder<?> serverBuilder, Clock clock, Metrics metrics) {
    this(config, serverBuilder, clock, metrics, OpenTelemetry.noop());
  }

  /** A coordinator on {@code config.grpcPort()} recording its metrics in {@code metrics} (the caller closes it). */
  public Coordinator(CoordinatorConfig config, Metrics metrics) {
    this(config, null, Clock.systemUTC(), metrics, OpenTelemetry.noop());
  }

  /** A coordinator served by {@code serverBuilder} that traces with {@code openTelemetry}. */
  public Coordinator(CoordinatorConfig config, ServerBuilder<?> serverBuilder, Clock clock, OpenTelemetry openTelemetry) {
    this(config, serverBuilder, clock, null, openTelemetry);
  }

  /** A coordinator listening on {@code config.grpcPort()} that traces with {@code openTelemetry}. */
  public Coordinator(CoordinatorConfig config, OpenTelemetry openTelemetry) {
    this(config, null, Clock.systemUTC(), null, openTelemetry);
  }

  /**
   * A coordinator that records metrics in {@code metrics} (null: its own, as above) and traces
   * with {@code openTelemetry} (see {@link Telemetry}); {@link OpenTelemetry#noop()} traces nothing
   * at no cost. The caller closes what it passed, after the coordinator. A null {@code serverBuilder}
   * listens on {@code config.grpcPort()}, with TLS when configured.
   */
  public Coordinator(CoordinatorConfig config, ServerBuilder<?> serverBuilder, Clock clock, Metrics metrics, OpenTelemetry openTelemetry) {
    this.config = config;
    this.serverBuilder = serverBuilder;
    this.clock = clock;
    this.ownsMetrics = metrics == null;
    this.metrics = metrics != null ? metrics : Metrics.forProcess("taskgrid-coordinator", config.httpPort() != OpsServer.OFF, System.getenv());
    this.openTelemetry = openTelemetry;
  }

  public Coordinator start() {
    if (!state.compareAndSet(State.NEW, State.RUNNING)) {
      throw new IllegalStateException("coordinator already started");
    }
    try {
      // the TLS, identities and JWKS files first: a bad one stops the start, naming its variable, before anything connects
      tls = config.apiSecurity().serverTls();
      Optional<Authenticator> authenticator = config.apiSecurity().authenticator(java.time.InstantSource.system());
      redisson = new RedisConnection(config.redisEndpoint(), config.infraSecurity().redis(), "taskgrid-" + config.coordinatorId(), 4, 32).open();
      meters = new CoordinatorMeters(metrics.meter());
      KafkaTaskQueue.ensureTopics(config.kafkaEndpoint(), config.taskTopics().all(), config.tasksTopicPartitions(),
          config.tasksTopicReplication(), config.limits().maxPayloadBytes(), Duration.ofSeconds(30));
      queue = new KafkaTaskQueue(config.kafkaEndpoint(), config.taskTopics(), "taskgrid-" + config.coordinatorId(),
          config.limits().maxPayloadBytes(), meters, openTelemetry);
      RedisExecutionStore store = new RedisExecutionStore(redisson, config.keyspace(), config.executionRetention(), config.idempotencyRetention(),
          meters);
      CoordinatorConfig.Scheduling sch = config.scheduling();
      KafkaRegistryLog.ensureTopics(config.kafkaEndpoint(), config.tasksTopicReplication(), Duration.ofSeconds(30), sch.registryTopic(), sch.firesTopic());
      ExecutionEvents lifecycle = startLifecycle(sch);
      KafkaTaskQueue.ensureTopics(config.kafkaEndpoint(), List.of(sch.eventsTopic()), sch.eventsTopicPartitions(), config.tasksTopicReplication(),
          config.limits().maxPayloadBytes(), Duration.ofSeconds(30));
      RegistryView view = new RegistryView();
      registryLog = new KafkaRegistryLog(config.kafkaEndpoint(), sch.registryTopic(), sch.firesTopic(), "taskgrid-" + config.coordinatorId(),
          sch.defaultZone(), view).start();
      registryLog.awaitSync(Duration.ofMinutes(5));
      TaskRegistry registry = new TaskRegistry(registryLog, view, new RedisTaskLocks(redisson, config.keyspace()), clock, lifecycle.events());
      if (!sch.tasksFile().isEmpty()) {
        TasksFileLoader.load(Path.of(sch.tasksFile()), System.getenv(), registry, config.limits(), sch.defaultZone());
      }
      scheduler = new ScheduleLoop(
          new ScheduleLoop.Settings(config.kafkaEndpoint(), "taskgrid-" + config.coordinatorId(), config.taskTopics(), sch.eventsTopic(),
              config.namespace() + "-event-router", "taskgrid-scheduler-" + config.namespace(), sch.defaultZone(), sch.misfireGrace(),
              sch.fireAhead(), config.limits()),
          view, registryLog, store,
          new RedisLeaderLease(redisson, config.keyspace().prefix() + "scheduler-leader", config.coordinatorId(), sch.leaderLease()),
          clock, meters, openTelemetry, lifecycle).start();
      String retriesTopic = KafkaRetryLog.topicOf(config.tasksTopic());
      KafkaRetryLog.ensureTopic(config.kafkaEndpoint(), retriesTopic, config.tasksTopicPartitions(), config.tasksTopicReplication(),
          config.limits().maxPayloadBytes() + 64 * 1024, Duration.ofSeconds(30));
      retryLog = new KafkaRetryLog(config.kafkaEndpoint(), retriesTopic, config.taskTopics(),
          sch.fireAhead(), clock, "taskgrid-" + config.coordinatorId(), config.limits().maxPayloadBytes() + 64 * 1024);
      retryReleaser = new RetryReleaser(new RetryReleaser.Settings(config.kafkaEndpoint(), "taskgrid-" + config.coordinatorId(),
          retriesTopic, config.tasksTopic(), "taskgrid-retries-" + config.namespace(), sch.fireAhead(),
          config.limits().maxPayloadBytes() + 64 * 1024), scheduler.election(), clock, lifecycle).start();
      hub = new WatchHub(store, Duration.ofSeconds(5)); // a safety net: lost changes are re-read on resubscription
      var outputFeed = new io.taskgrid.coordinator.internal.watch.RedisOutputFeed(redisson, config.keyspace().output());
      hub.output(outputFeed);
      meters.observeLeader(scheduler::isLeading);
      meters.observeWatched(hub::watchedCount);
      health = new HealthStatusManager();
      GrpcErrors errors = new GrpcErrors();
      // a batch may carry many payloads; each is checked against the payload limit
      int maxMessage = Math.max(16 * 1024 * 1024, config.limits().maxPayloadBytes() * 4);
      // the tracing interceptor is outermost (listed last), so its server spans see the mapped status; no
      // event per stream message: a watch stream carries one per execution for as long as it lives
      ServerInterceptor[] tracing = Telemetry.isTracing(openTelemetry)
          ? new ServerInterceptor[] {GrpcTelemetry.builder(openTelemetry).setEmitMessageEvents(false).build().createServerInterceptor()}
          : new ServerInterceptor[0];
      ServerServiceDefinition taskService = errors.guard(new TaskServiceImpl(store, queue, queue, hub, config.limits(), clock, meters, registry,
          sch.defaultZone(), sch.eventsTopic(), openTelemetry, RedisBreakers.reader(redisson, config.keyspace(), clock),
          new io.taskgrid.redis.RedisWorkers(redisson, config.keyspace()), lifecycle, lifecycleFeed), tracing);
      ServerServiceDefinition resultService = errors.guard(new ResultServiceImpl(store, retryLog, openTelemetry, outputFeed,
          new io.taskgrid.coordinator.internal.workflow.SuccessTriggers(view, store, queue, config.limits(), clock, lifecycle), lifecycle),
          tracing);
      ServerServiceDefinition localTaskService = taskService;
      if (authenticator.isPresent()) {
        // outermost: nothing runs for a call before it is authenticated and authorized
        Map<String, AccessRule> rules = ApiAccess.rules(id -> owner(store, id));
        taskService = ServerInterceptors.intercept(localTaskService, new AuthInterceptor(authenticator.get(), rules, false));
        resultService = ServerInterceptors.intercept(resultService, new AuthInterceptor(authenticator.get(), rules, false));
        // the in-process server's only callers are this process's HTTPS handlers, which forward the client certificate they verified
        localTaskService = ServerInterceptors.intercept(localTaskService, new AuthInterceptor(authenticator.get(), rules, true));
      }
      // calls start on the transport threads; all but GetExecution move to the call executor (see CallPlacement)
      callExecutor = Executors.newCachedThreadPool(Thread.ofPlatform().name("taskgrid-grpc-call-", 0).daemon().factory());
      Set<String> inline = authenticator.isPresent() ? Set.of() : Set.of(io.taskgrid.proto.v1.TaskServiceGrpc.getGetExecutionMethod().getFullMethodName());
      server = (serverBuilder != null ? serverBuilder : networkServer())
          .directExecutor()
          .addService(CallPlacement.place(taskService, inline, callExecutor))
          .addService(CallPlacement.place(resultService, inline, callExecutor))
          .addService(CallPlacement.place(health.getHealthService().bindService(), inline, callExecutor))
          .maxInboundMessageSize(maxMessage)
          .build()
          .start();
      // the HTTP API and the dashboard call the same TaskService, with the same checks and errors, in process
      String localName = "taskgrid-coordinator-" + config.coordinatorId() + "-" + java.util.UUID.randomUUID();
      localServer = InProcessServerBuilder.forName(localName).addService(localTaskService).maxInboundMessageSize(maxMessage).build().start();
      localChannel = InProcessChannelBuilder.forName(localName).maxInboundMessageSize(maxMessage).build();
      health.setStatus("", ServingStatus.SERVING);
      if (config.httpPort() != OpsServer.OFF) startOps();
      log.info("Coordinator {} serving on port {} (Kafka {}, topic {}, Redis {}, namespace {}; {}, authentication {})", config.coordinatorId(),
          server.getPort(), config.kafkaEndpoint(), config.taskTopics().all(), config.redisEndpoint().display(), config.namespace(),
          tls.map(t -> "TLS, client certificates " + t.clientAuth().label()).orElse("plaintext"), config.apiSecurity().auth() ? "on" : "off");
      warnIfExposed();
      return this;
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("cannot open gRPC port " + config.grpcPort(), e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The gRPC port of the port-based constructors: on the configured address, with TLS when configured. */
  private ServerBuilder<?> networkServer() {
    ServerCredentials credentials = tls.map(ServerTls::grpcCredentials).orElseGet(InsecureServerCredentials::create);
    String address = config.apiSecurity().bindAddress();
    if (address.isEmpty()) return Grpc.newServerBuilderForPort(config.grpcPort(), credentials);
    return NettyServerBuilder.forAddress(new InetSocketAddress(address, config.grpcPort()), credentials);
  }

  /** Says so when the gRPC port can be reached from other hosts without TLS or without authentication. */
  private void warnIfExposed() {
    for (SocketAddress a : server.getListenSockets()) {
      if (!(a instanceof InetSocketAddress inet) || (inet.getAddress() != null && inet.getAddress().isLoopbackAddress())) continue;
      if (tls.isEmpty()) {
        log.warn("The gRPC port listens on {} without TLS: anyone on the network can read and alter calls. Set {} and {} (or {}=127.0.0.1)",
            inet, ApiSecurity.TLS_CERT.name(), ApiSecurity.TLS_KEY.name(), ApiSecurity.BIND_ADDRESS.name());
      }
      if (!config.apiSecurity().auth()) {
        log.warn("The gRPC port listens on {} without authentication: anyone who reaches it may submit, read and delete. Set {}=on",
            inet, ApiSecurity.AUTH.name());
      }
      return;
    }
  }

  /** The handler and task of an execution, for the allow-lists of restricted identities. */
  private static Optional<ApiAccess.ExecutionOwner> owner(RedisExecutionStore store, String executionId) {
    try {
      return store.get(executionId).toCompletableFuture().get(10, TimeUnit.SECONDS)
          .map(r -> new ApiAccess.ExecutionOwner(r.handler(), r.taskId() == null ? "" : r.taskId()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while looking up execution " + executionId);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot look up execution " + executionId, e);
    }
  }

  /**
   * The TLS of this coordinator's ports, when configured: the gRPC port's, and the one the HTTP
   * port serves HTTPS with. Read at {@link #start()}.
   */
  Optional<ServerTls> serverTls() {
    return tls;
  }

  /**
   * The lifecycle topic (created like the others), the producer every event of this process goes
   * through, and the reader that WatchLifecycle streams start; nothing when the topic is off.
   */
  private ExecutionEvents startLifecycle(CoordinatorConfig.Scheduling sch) {
    if (!sch.lifecycleOn()) return ExecutionEvents.OFF;
    KafkaTaskQueue.ensureTopics(config.kafkaEndpoint(), List.of(sch.lifecycleTopic()), config.tasksTopicPartitions(),
        config.tasksTopicReplication(), 1024 * 1024, Duration.ofSeconds(30));
    lifecycleSink = new KafkaLifecycleSink(sch.lifecycleTopic(),
        KafkaSetup.reliableProducer(config.kafkaEndpoint(), "taskgrid-" + config.coordinatorId() + "-lifecycle", 1024 * 1024));
    lifecycleFeed = new LifecycleFeed(config.kafkaEndpoint(), sch.lifecycleTopic(), "taskgrid-" + config.coordinatorId());
    return new ExecutionEvents(new LifecycleEvents(lifecycleSink, config.coordinatorId(), clock));
  }

  private void startOps() {
    admin = InfraChecks.admin(config.kafkaEndpoint(), "taskgrid-" + config.coordinatorId() + "-health");
    Health liveness = new Health()
        .add("scheduler", () -> scheduler.isAlive() ? HealthCheck.Result.up("") : HealthCheck.Result.down("the scheduling loop stopped"))
        .add("retries", () -> retryReleaser.isAlive() ? HealthCheck.Result.up(retryReleaser.pending() + " pending")
            : HealthCheck.Result.down("the retry releaser stopped"))
        .add("watch", () -> hub.isAlive() ? HealthCheck.Result.up("") : HealthCheck.Result.down("the watch loop stopped"));
    Health readiness = new Health()
        .add("grpc", () -> state.get() == State.RUNNING && !server.isShutdown()
            ? HealthCheck.Result.up("port " + server.getPort()) : HealthCheck.Result.down(state.get().name()))
        .add("kafka", InfraChecks.kafka(admin).cached(Duration.ofSeconds(1)))
        .add("redis", InfraChecks.redis(redisson, config.keyspace().prefix() + "health").cached(Duration.ofSeconds(1)))
        // a standby is as ready as the leader (both serve the API); the leader shows its lease
        .add("scheduling", () -> scheduler.election().leaseRemaining()
            .map(left -> HealthCheck.Result.up("leader, lease held " + left.toMillis() + " ms more without renewal"))
            .orElseGet(() -> HealthCheck.Result.up("standby")));
    ops = OpsServer.start(config.apiSecurity().bindAddress(), config.httpPort(), "tg-coordinator", metrics, liveness, readiness, httpRoutes(localChannel), tls.map(Coordinator::https));
    if (ops.listensOnLoopbackOnly()) return; // dev mode: 127.0.0.1
    if (tls.isEmpty()) {
      log.warn("The HTTP port {} serves the HTTP API and the dashboard to the network without TLS: tokens and data cross it "
          + "in clear. Set {} and {} (or {}=127.0.0.1)", ops.port(), ApiSecurity.TLS_CERT.name(), ApiSecurity.TLS_KEY.name(),
          ApiSecurity.BIND_ADDRESS.name());
    }
    if (!config.apiSecurity().auth()) {
      log.warn("The HTTP port {} serves the HTTP API and the dashboard without authentication: anyone who reaches it may submit, read "
          + "and delete. Set {}=on", ops.port(), ApiSecurity.AUTH.name());
    }
  }

  /** HTTPS for the HTTP port: the gRPC port's reloading certificate and its client-certificate mode. */
  private static OpsServer.Tls https(ServerTls tls) {
    return new OpsServer.Tls(tls.sslContext(), switch (tls.clientAuth()) {
      case NONE -> OpsServer.ClientAuth.NONE;
      case OPTIONAL -> OpsServer.ClientAuth.WANT;
      case REQUIRE -> OpsServer.ClientAuth.NEED;
    });
  }

  /** What the HTTP port serves besides metrics and health: the JSON API and the dashboard, over {@code api}. */
  private List<OpsServer.Route> httpRoutes(Channel api) {
    List<OpsServer.Route> routes = new java.util.ArrayList<>();
    if (config.httpApi()) {
      routes.add(new OpsServer.Route(HttpApi.PREFIX, new HttpApi(api, HttpApi.maxBodyBytes(config.limits().maxPayloadBytes()), Duration.ofSeconds(60))));
    }
    routes.addAll(io.taskgrid.coordinator.internal.dashboard.Dashboard.routes(api, clock));
    return routes;
  }

  /** The port of the operations endpoint (metrics, health), when it is on. */
  public OptionalInt httpPort() {
    return ops == null ? OptionalInt.empty() : OptionalInt.of(ops.port());
  }

  /** The port the API listens on (useful when configured with 0). */
  public int port() {
    return server.getPort();
  }

  public String id() {
    return config.coordinatorId();
  }

  /** Whether this coordinator leads scheduling right now. */
  public boolean isLeading() {
    return scheduler != null && scheduler.isLeading();
  }

  public State state() {
    return state.get();
  }

  /**
   * Stops in order (also on SIGTERM, from the shutdown hook of its main): reports NOT_SERVING and
   * takes no new calls (gRPC and HTTP); gives up scheduling leadership at once (the loop ends its
   * term, its lease is deleted, so a standby leads within half a second rather than after the
   * lease); lets calls in flight finish for up to {@link CoordinatorConfig#drainTimeout()}; then closes its Kafka producers (flushing
   * what they hold) and consumers, and Redis. Idempotent.
   */
  @Override
  public void close() {
    State previous = state.getAndSet(State.STOPPED);
    if (previous == State.STOPPED) return;
    if (health != null) health.enterTerminalState();
    if (ops != null) ops.close();
    if (server != null) server.shutdown(); // no new calls; those in flight go on while leadership is handed over
    if (retryReleaser != null) retryReleaser.close();
    if (scheduler != null) scheduler.close(); // releases the leader lease
    if (server != null) {
      if (lifecycleFeed != null) lifecycleFeed.close(); // its streams end now, not at the drain deadline
      try {
        if (!server.awaitTermination(config.drainTimeout().toMillis(), TimeUnit.MILLISECONDS)) server.shutdownNow();
      } catch (InterruptedException e) {
        server.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    if (callExecutor != null) callExecutor.shutdown(); // what still runs there ends; nothing new is taken
    if (localChannel != null) localChannel.shutdownNow();
    if (localServer != null) localServer.shutdownNow();
    if (retryLog != null) retryLog.close();
    if (registryLog != null) registryLog.close();
    if (hub != null) hub.close();
    if (queue != null) queue.close();
    if (lifecycleSink != null) lifecycleSink.close(); // after everything that emits
    if (admin != null) admin.close(Duration.ofSeconds(2));
    if (meters != null) meters.close();
    if (ownsMetrics) metrics.close();
    if (redisson != null) redisson.shutdown(0, 5, TimeUnit.SECONDS);
    log.info("Coordinator {} stopped", config.coordinatorId());
  }

  /** Stops at once, without draining: for tests that simulate a crash of this process. */
  public void halt() {
    if (server != null) server.shutdownNow();
    close();
  }
}
