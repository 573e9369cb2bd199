package io.taskgrid.coordinator;

import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.SubmissionLimits;
import io.taskgrid.core.TaskTopics;
import io.taskgrid.core.config.InfraSecurity;
import io.taskgrid.core.config.KafkaEndpoint;
import io.taskgrid.core.config.RedisEndpoint;
import io.taskgrid.core.config.Setting;
import io.taskgrid.core.keyspace.Keyspace;
import io.taskgrid.security.ApiSecurity;
import io.taskgrid.telemetry.LogFormat;
import io.taskgrid.telemetry.OpsServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Everything a coordinator needs to run. Built from environment variables by {@link
 * #fromEnvironment(Map)} or in code with the {@code with*} methods; every value is checked when
 * the record is made, and a bad one is reported under its environment variable ({@code
 * TASKGRID_LEADER_LEASE must be at least 300ms, got '100ms'}), also when set in code.
 *
 * @param coordinatorId this process's id, in logs and health
 * @param grpcPort port of the gRPC API; 0 picks a free one
 * @param kafkaBootstrap Kafka bootstrap servers
 * @param redisUrl Redis URL: {@code redis://127.0.0.1:6379}, or Sentinel's {@code
 *     redis-sentinel://host1:26379,host2:26379/mymaster} (see {@link RedisEndpoint})
 * @param namespace prefix of every Redis key, so clusters sharing a Redis stay apart
 * @param tasksTopic Kafka topic of MEDIUM task messages; the other priorities' topics are named after
 *     it (see {@link TaskTopics})
 * @param tasksTopicPartitions partitions of each tasks topic when the coordinator creates them
 * @param tasksTopicReplication replication factor when the coordinator creates the tasks topics
 * @param limits what submissions may contain
 * @param executionRetention how long a finished execution is kept
 * @param idempotencyRetention how long an idempotency key is remembered
 * @param scheduling registered tasks, triggers and leadership
 * @param httpPort port of the operations endpoint (metrics, health); {@link OpsServer#OFF} for
 *     none, 0 for a free one
 * @param drainTimeout how long {@link Coordinator#close()} lets calls in flight finish
 * @param httpApi whether that port also serves the TaskService as HTTP/JSON under {@code /v1/}
 * @param apiSecurity TLS, authentication and roles of the gRPC and HTTP ports
 * @param infraSecurity TLS and credentials towards Kafka and Redis
 */
public record CoordinatorConfig(
    String coordinatorId,
    int grpcPort,
    String kafkaBootstrap,
    String redisUrl,
    String namespace,
    String tasksTopic,
    int tasksTopicPartitions,
    short tasksTopicReplication,
    SubmissionLimits limits,
    Duration executionRetention,
    Duration idempotencyRetention,
    Scheduling scheduling,
    int httpPort,
    Duration drainTimeout,
    boolean httpApi,
    ApiSecurity apiSecurity,
    InfraSecurity infraSecurity) {

  /**
   * Registered tasks, their triggers and scheduling leadership.
   *
   * @param registryTopic compacted Kafka topic of registered tasks (their source of truth)
   * @param firesTopic compacted Kafka topic of schedule progress
   * @param eventsTopic Kafka topic events are published on
   * @param eventsTopicPartitions partitions when the coordinator creates the events topic
   * @param defaultZone time zone of tasks that name none
   * @param misfireGrace a fire at most this late is run normally; later ones follow the misfire policy
   * @param leaderLease how long a leader's lease lasts without renewal: the longest a dead leader
   *     blocks scheduling
   * @param tasksFile YAML file of tasks to register at start; empty for none
   * @param fireAhead how early the leader writes a fire; workers start it at its time
   * @param lifecycleTopic Kafka topic of lifecycle events, or {@value #OFF} for none
   */
  public record Scheduling(
      String registryTopic,
      String firesTopic,
      String eventsTopic,
      int eventsTopicPartitions,
      java.time.ZoneId defaultZone,
      Duration misfireGrace,
      Duration leaderLease,
      String tasksFile,
      Duration fireAhead,
      String lifecycleTopic) {
    public Scheduling {
      topic(REGISTRY_TOPIC, registryTopic);
      topic(FIRES_TOPIC, firesTopic);
      topic(EVENTS_TOPIC, eventsTopic);
      if (eventsTopicPartitions < 1) throw EVENTS_TOPIC_PARTITIONS.invalid("must be positive", eventsTopicPartitions);
      if (defaultZone == null) throw DEFAULT_TIME_ZONE.invalid("must be set", null);
      if (misfireGrace == null || misfireGrace.isNegative()) throw MISFIRE_GRACE.invalid("must not be negative", misfireGrace);
      if (leaderLease == null || leaderLease.toMillis() < 300) throw LEADER_LEASE.invalid("must be at least 300ms", leaderLease);
      tasksFile = tasksFile == null ? "" : tasksFile;
      if (fireAhead == null || fireAhead.isNegative() || fireAhead.compareTo(Duration.ofSeconds(10)) > 0) {
        throw FIRE_AHEAD.invalid("must be between 0 and 10s", fireAhead);
      }
      if (!OFF.equals(lifecycleTopic)) topic(LIFECYCLE_TOPIC, lifecycleTopic);
    }

    /** Whether lifecycle events are written (and WatchLifecycle served). */
    public boolean lifecycleOn() {
      return !OFF.equals(lifecycleTopic);
    }

    /** With lifecycle events on {@code topic}, or {@value #OFF}. */
    public Scheduling withLifecycleTopic(String topic) {
      return new Scheduling(registryTopic, firesTopic, eventsTopic, eventsTopicPartitions, defaultZone, misfireGrace, leaderLease, tasksFile, fireAhead,
          topic);
    }

    public Scheduling withTopics(String prefix) {
      return new Scheduling(prefix + ".registry", prefix + ".fires", prefix + ".events", eventsTopicPartitions, defaultZone, misfireGrace,
          leaderLease, tasksFile, fireAhead, OFF.equals(lifecycleTopic) ? OFF : prefix + ".lifecycle");
    }

    public Scheduling withTasksFile(String file) {
      return new Scheduling(registryTopic, firesTopic, eventsTopic, eventsTopicPartitions, defaultZone, misfireGrace, leaderLease, file, fireAhead, lifecycleTopic);
    }

    public Scheduling withMisfireGrace(Duration grace) {
      return new Scheduling(registryTopic, firesTopic, eventsTopic, eventsTopicPartitions, defaultZone, grace, leaderLease, tasksFile, fireAhead, lifecycleTopic);
    }

    public Scheduling withDefaultZone(java.time.ZoneId zone) {
      return new Scheduling(registryTopic, firesTopic, eventsTopic, eventsTopicPartitions, zone, misfireGrace, leaderLease, tasksFile, fireAhead, lifecycleTopic);
    }
  }

  public static final Setting<String> COORDINATOR_ID =
      new Setting<>("TASKGRID_COORDINATOR_ID", "", "Id of this coordinator in logs; generated when empty.", s -> s);
  public static final Setting<Integer> GRPC_PORT =
      new Setting<>("TASKGRID_GRPC_PORT", "7233", "Port of the gRPC API (TaskService, ResultService, health).", Setting::integer);
  public static final Setting<String> KAFKA_BOOTSTRAP =
      new Setting<>("TASKGRID_KAFKA_BOOTSTRAP", "127.0.0.1:9092", "Kafka bootstrap servers.", s -> s);
  public static final Setting<String> REDIS_URL =
      new Setting<>("TASKGRID_REDIS_URL", "redis://127.0.0.1:6379",
          "Redis: `redis://[user:password@]host:port[/db]` (`rediss://` for TLS), or Sentinel: `redis-sentinel://host:26379,host:26379/master` (`rediss-sentinel://` for TLS).",
          s -> s);
  public static final Setting<String> NAMESPACE =
      new Setting<>("TASKGRID_NAMESPACE", "taskgrid", "Prefix of every Redis key; clusters sharing one Redis need different namespaces.", s -> s);
  public static final Setting<String> TASKS_TOPIC =
      new Setting<>("TASKGRID_TASKS_TOPIC", "taskgrid.tasks", "Kafka topic of MEDIUM task messages; each other priority has its own, named with a suffix (`.critical`, `.high`, `.low`, `.background`).", s -> s);
  public static final Setting<Integer> TASKS_TOPIC_PARTITIONS =
      new Setting<>("TASKGRID_TASKS_TOPIC_PARTITIONS", "12", "Partitions of each tasks topic (one per priority) when the coordinator creates them; the most workers that share the load.", Setting::positiveInt);
  public static final Setting<Integer> TASKS_TOPIC_REPLICATION =
      new Setting<>("TASKGRID_TASKS_TOPIC_REPLICATION", "1", "Replication factor of the tasks topics when the coordinator creates them (3 in production).", Setting::positiveInt);
  public static final Setting<Integer> MAX_PAYLOAD_BYTES =
      new Setting<>("TASKGRID_MAX_PAYLOAD_BYTES", "1048576", "Largest payload accepted, in bytes.", Setting::positiveInt);
  public static final Setting<Duration> DEFAULT_TIMEOUT =
      new Setting<>("TASKGRID_DEFAULT_TIMEOUT", "5m", "Time limit of an attempt when a submission gives none.", Setting::duration);
  public static final Setting<Duration> MAX_TIMEOUT =
      new Setting<>("TASKGRID_MAX_TIMEOUT", "24h", "Largest time limit a submission may ask for.", Setting::duration);
  public static final Setting<Duration> EXECUTION_RETENTION =
      new Setting<>("TASKGRID_EXECUTION_RETENTION", "7d", "How long an execution's record is kept.", Setting::duration);
  public static final Setting<Duration> IDEMPOTENCY_RETENTION =
      new Setting<>("TASKGRID_IDEMPOTENCY_RETENTION", "24h", "How long an idempotency key is remembered.", Setting::duration);
  public static final Setting<String> REGISTRY_TOPIC =
      new Setting<>("TASKGRID_REGISTRY_TOPIC", "taskgrid.registry", "Compacted Kafka topic of registered tasks: their source of truth.", s -> s);
  public static final Setting<String> FIRES_TOPIC =
      new Setting<>("TASKGRID_FIRES_TOPIC", "taskgrid.fires", "Compacted Kafka topic of schedule progress (last fire of each task).", s -> s);
  public static final Setting<String> EVENTS_TOPIC =
      new Setting<>("TASKGRID_EVENTS_TOPIC", "taskgrid.events", "Kafka topic events are published on (key: event name, value: data).", s -> s);
  public static final Setting<Integer> EVENTS_TOPIC_PARTITIONS =
      new Setting<>("TASKGRID_EVENTS_TOPIC_PARTITIONS", "3", "Partitions of the events topic when the coordinator creates it.", Setting::positiveInt);
  private static final String DEFAULT_TIME_ZONE_NAME = "TASKGRID_DEFAULT_TIME_ZONE";
  public static final Setting<java.time.ZoneId> DEFAULT_TIME_ZONE =
      new Setting<>(DEFAULT_TIME_ZONE_NAME, "UTC", "Time zone of tasks that name none (an IANA name).",
          CoordinatorConfig::zone);
  public static final Setting<Duration> MISFIRE_GRACE =
      new Setting<>("TASKGRID_MISFIRE_GRACE", "60s", "A fire at most this late (no coordinator led at its time) runs normally; later ones follow the task's misfire policy.", Setting::duration);
  public static final Setting<Duration> LEADER_LEASE =
      new Setting<>("TASKGRID_LEADER_LEASE", "3s", "Lease of the scheduling leader: a standby takes over at most this long after the leader dies.", Setting::duration);
  public static final Setting<Duration> FIRE_AHEAD =
      new Setting<>("TASKGRID_FIRE_AHEAD", "200ms", "How early the leader writes a scheduled fire to Kafka; workers hold it and start it at its time, so Kafka's latency does not delay it. A pause, change or delete reaches fires further ahead than this.", Setting::duration);
  /** The value of {@link #LIFECYCLE_TOPIC} that turns lifecycle events off. */
  public static final String OFF = "off";
  public static final Setting<String> LIFECYCLE_TOPIC =
      new Setting<>("TASKGRID_LIFECYCLE_TOPIC", "taskgrid.lifecycle", "Kafka topic of lifecycle events (JSON, for other systems; also what WatchLifecycle streams), the same on coordinators and workers; `off` for none.", s -> s.trim());
  public static final Setting<String> TASKS_FILE =
      new Setting<>("TASKGRID_TASKS_FILE", "", "YAML file of tasks registered (created or updated) when the coordinator starts; empty for none.", s -> s);

  public static final Setting<Duration> DRAIN_TIMEOUT =
      new Setting<>("TASKGRID_COORDINATOR_DRAIN_TIMEOUT", "10s", "How long a stopping coordinator (SIGTERM) lets API calls in flight finish; it hands scheduling to a standby first, at once.", Setting::duration);
  public static final Setting<Boolean> HTTP_API =
      new Setting<>("TASKGRID_HTTP_API", "on", "`on` or `off`: whether the HTTP port (when on) also serves the TaskService as HTTP/JSON under `/v1/` (see HTTP API); metrics and health are served either way.", CoordinatorConfig::onOff);

  /** Every setting, in README order. */
  public static final List<Setting<?>> SETTINGS = settings(
      List.of(COORDINATOR_ID, GRPC_PORT, KAFKA_BOOTSTRAP, REDIS_URL, NAMESPACE, TASKS_TOPIC, TASKS_TOPIC_PARTITIONS,
          TASKS_TOPIC_REPLICATION, MAX_PAYLOAD_BYTES, DEFAULT_TIMEOUT, MAX_TIMEOUT, EXECUTION_RETENTION, IDEMPOTENCY_RETENTION,
          REGISTRY_TOPIC, FIRES_TOPIC, EVENTS_TOPIC, EVENTS_TOPIC_PARTITIONS, DEFAULT_TIME_ZONE, MISFIRE_GRACE, LEADER_LEASE, FIRE_AHEAD, TASKS_FILE,
          LIFECYCLE_TOPIC, OpsServer.HTTP_PORT, HTTP_API, LogFormat.SETTING, DRAIN_TIMEOUT),
      ApiSecurity.SETTINGS, InfraSecurity.SETTINGS);

  @SafeVarargs
  private static List<Setting<?>> settings(List<Setting<?>>... groups) {
    return java.util.Arrays.stream(groups).flatMap(List::stream).toList();
  }

  public CoordinatorConfig {
    coordinatorId = coordinatorId == null || coordinatorId.isEmpty()
        ? "c-" + UUID.randomUUID().toString().substring(0, 8) : coordinatorId;
    if (grpcPort < 0 || grpcPort > 65535) throw GRPC_PORT.invalid("must be a port from 0 to 65535", grpcPort);
    if (drainTimeout == null || drainTimeout.isNegative()) throw DRAIN_TIMEOUT.invalid("must not be negative", drainTimeout);
    if (kafkaBootstrap == null || kafkaBootstrap.isBlank()) throw KAFKA_BOOTSTRAP.invalid("must not be empty", kafkaBootstrap);
    RedisEndpoint.parse(REDIS_URL.name(), redisUrl);
    try {
      new Keyspace(namespace);
    } catch (IllegalArgumentException e) {
      throw NAMESPACE.invalid("must be 1 to 64 letters, digits or . _ -", namespace);
    }
    topic(TASKS_TOPIC, tasksTopic);
    if (tasksTopic.length() > TaskTopics.MAX_BASE_LENGTH) {
      throw TASKS_TOPIC.invalid("must be at most " + TaskTopics.MAX_BASE_LENGTH + " characters: the priority topics add a suffix", tasksTopic);
    }
    if (tasksTopicPartitions < 1) throw TASKS_TOPIC_PARTITIONS.invalid("must be positive", tasksTopicPartitions);
    if (tasksTopicReplication < 1) throw TASKS_TOPIC_REPLICATION.invalid("must be positive", tasksTopicReplication);
    if (limits == null) throw new IllegalArgumentException("limits is required");
    if (executionRetention == null || executionRetention.toSeconds() < 1) throw EXECUTION_RETENTION.invalid("must be at least 1s", executionRetention);
    if (idempotencyRetention == null || idempotencyRetention.toSeconds() < 1) {
      throw IDEMPOTENCY_RETENTION.invalid("must be at least 1s", idempotencyRetention);
    }
    if (scheduling == null) throw new IllegalArgumentException("scheduling is required");
    apiSecurity = apiSecurity == null ? ApiSecurity.NONE : apiSecurity;
    infraSecurity = infraSecurity == null ? InfraSecurity.NONE : infraSecurity;
    if (httpPort != OpsServer.OFF && (httpPort < 0 || httpPort > 65535)) throw OpsServer.HTTP_PORT.invalid("must be off or a port from 0 to 65535", httpPort);
  }

  private static void topic(Setting<String> setting, String topic) {
    if (topic == null || !topic.matches("[A-Za-z0-9._-]{1,249}")) {
      throw setting.invalid("must be a Kafka topic name: 1 to 249 letters, digits or . _ -", topic);
    }
  }

  private static java.time.ZoneId zone(String name) {
    try {
      return io.taskgrid.core.schedule.Schedules.zone(DEFAULT_TIME_ZONE_NAME, name);
    } catch (InvalidArgumentException e) {
      throw new IllegalArgumentException("must be a time zone name such as Europe/London, UTC or Asia/Kolkata (not a fixed offset)");
    }
  }

  /** The time limits of submissions; checked here so a bad pair names the variables. */
  private static SubmissionLimits limits(Map<String, String> env) {
    Duration defaultTimeout = DEFAULT_TIMEOUT.read(env);
    Duration maxTimeout = MAX_TIMEOUT.read(env);
    if (!defaultTimeout.isPositive()) throw DEFAULT_TIMEOUT.invalid("must be positive", defaultTimeout);
    if (maxTimeout.compareTo(defaultTimeout) < 0) {
      throw MAX_TIMEOUT.invalid("must be at least " + DEFAULT_TIMEOUT.name() + " (" + io.taskgrid.core.Durations.format(defaultTimeout) + ")",
          maxTimeout);
    }
    return new SubmissionLimits(MAX_PAYLOAD_BYTES.read(env), defaultTimeout, maxTimeout, 1000);
  }

  /** Where Redis is, parsed from {@link #redisUrl}. */
  public RedisEndpoint redisEndpoint() {
    return RedisEndpoint.parse(REDIS_URL.name(), redisUrl);
  }

  /** Where Kafka is and how to connect to it: {@link #kafkaBootstrap} with the Kafka part of {@link #infraSecurity}. */
  public KafkaEndpoint kafkaEndpoint() {
    return new KafkaEndpoint(kafkaBootstrap, infraSecurity.kafka());
  }

  /** A config for the given infrastructure with every other value at its default. */
  public static CoordinatorConfig defaults(String kafkaBootstrap, String redisUrl) {
    return fromEnvironment(Map.of(KAFKA_BOOTSTRAP.name(), kafkaBootstrap, REDIS_URL.name(), redisUrl));
  }

  /** Reads every setting from {@code env} (usually {@code System.getenv()}). */
  public static CoordinatorConfig fromEnvironment(Map<String, String> env) {
    return new CoordinatorConfig(
        COORDINATOR_ID.read(env),
        GRPC_PORT.read(env),
        KAFKA_BOOTSTRAP.read(env),
        REDIS_URL.read(env),
        NAMESPACE.read(env),
        TASKS_TOPIC.read(env),
        TASKS_TOPIC_PARTITIONS.read(env),
        TASKS_TOPIC_REPLICATION.read(env).shortValue(),
        limits(env),
        EXECUTION_RETENTION.read(env),
        IDEMPOTENCY_RETENTION.read(env),
        new Scheduling(REGISTRY_TOPIC.read(env), FIRES_TOPIC.read(env), EVENTS_TOPIC.read(env), EVENTS_TOPIC_PARTITIONS.read(env),
            DEFAULT_TIME_ZONE.read(env), MISFIRE_GRACE.read(env), LEADER_LEASE.read(env), TASKS_FILE.read(env), FIRE_AHEAD.read(env),
            LIFECYCLE_TOPIC.read(env)),
        OpsServer.HTTP_PORT.read(env),
        DRAIN_TIMEOUT.read(env),
        HTTP_API.read(env),
        ApiSecurity.fromEnvironment(env),
        InfraSecurity.fromEnvironment(env));
  }

  private static Boolean onOff(String s) {
    return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "on" -> true;
      case "off" -> false;
      default -> throw new IllegalArgumentException("must be on or off");
    };
  }

  /** The tasks topics of every priority. */
  public TaskTopics taskTopics() {
    return new TaskTopics(tasksTopic);
  }

  public Keyspace keyspace() {
    return new Keyspace(namespace);
  }

  public CoordinatorConfig withGrpcPort(int port) {
    return new CoordinatorConfig(coordinatorId, port, kafkaBootstrap, redisUrl, namespace, tasksTopic, tasksTopicPartitions, tasksTopicReplication, limits, executionRetention, idempotencyRetention, scheduling, httpPort, drainTimeout, httpApi, apiSecurity, infraSecurity);
  }

  public CoordinatorConfig withCoordinatorId(String id) {
    return new CoordinatorConfig(id, grpcPort, kafkaBootstrap, redisUrl, namespace, tasksTopic, tasksTopicPartitions, tasksTopicReplication, limits, executionRetention, idempotencyRetention, scheduling, httpPort, drainTimeout, httpApi, apiSecurity, infraSecurity);
  }

  public CoordinatorConfig withNamespace(String ns) {
    return new CoordinatorConfig(coordinatorId, grpcPort, kafkaBootstrap, redisUrl, ns, tasksTopic, tasksTopicPartitions, tasksTopicReplication, limits, executionRetention, idempotencyRetention, scheduling, httpPort, drainTimeout, httpApi, apiSecurity, infraSecurity);
  }

  public CoordinatorConfig withTasksTopic(String topic, int partitions) {
    return new CoordinatorConfig(coordinatorId, grpcPort, kafkaBootstrap, redisUrl, namespace, topic, partitions, tasksTopicReplication, limits, executionRetention, idempotencyRetention, scheduling, httpPort, drainTimeout, httpApi, apiSecurity, infraSecurity);
  }

  public CoordinatorConfig withLimits(SubmissionLimits l) {
    return new CoordinatorConfig(coordinatorId, grpcPort, kafkaBootstrap, redisUrl, namespace, tasksTopic, tasksTopicPartitions, tasksTopicReplication, l, executionRetention, idempotencyRetention, scheduling, httpPort, drainTimeout, httpApi, apiSecurity, infraSecurity);
  }

  /** With the operations endpoint on {@code port} (0: a free one; {@link OpsServer#OFF}: none). */
  public CoordinatorConfig withHttpPort(int port) {
    return new CoordinatorConfig(coordinatorId, grpcPort, kafkaBootstrap, redisUrl, namespace, tasksTopic, tasksTopicPartitions, tasksTopicReplication, limits, executionRetention, idempotencyRetention, scheduling, port, drainTimeout, httpApi, apiSecurity, infraSecurity);
  }

  /** With {@code timeout} for calls in flight when the coordinator stops. */
  public CoordinatorConfig withDrainTimeout(Duration timeout) {
    return new CoordinatorConfig(coordinatorId, grpcPort, kafkaBootstrap, redisUrl, namespace, tasksTopic, tasksTopicPartitions, tasksTopicReplication, limits, executionRetention, idempotencyRetention, scheduling, httpPort, timeout, httpApi, apiSecurity, infraSecurity);
  }

  public CoordinatorConfig withScheduling(Scheduling sch) {
    return new CoordinatorConfig(coordinatorId, grpcPort, kafkaBootstrap, redisUrl, namespace, tasksTopic, tasksTopicPartitions, tasksTopicReplication, limits, executionRetention, idempotencyRetention, sch, httpPort, drainTimeout, httpApi, apiSecurity, infraSecurity);
  }

  /** With or without the HTTP/JSON API on the HTTP port. */
  public CoordinatorConfig withHttpApi(boolean on) {
    return new CoordinatorConfig(coordinatorId, grpcPort, kafkaBootstrap, redisUrl, namespace, tasksTopic, tasksTopicPartitions, tasksTopicReplication, limits, executionRetention, idempotencyRetention, scheduling, httpPort, drainTimeout, on, apiSecurity, infraSecurity);
  }

  /** With TLS, authentication and roles on the API ports as {@code security} says. */
  public CoordinatorConfig withApiSecurity(ApiSecurity security) {
    return new CoordinatorConfig(coordinatorId, grpcPort, kafkaBootstrap, redisUrl, namespace, tasksTopic, tasksTopicPartitions, tasksTopicReplication, limits, executionRetention, idempotencyRetention, scheduling, httpPort, drainTimeout, httpApi, security, infraSecurity);
  }

  /** With Kafka and Redis reached as {@code security} says. */
  public CoordinatorConfig withInfraSecurity(InfraSecurity security) {
    return new CoordinatorConfig(coordinatorId, grpcPort, kafkaBootstrap, redisUrl, namespace, tasksTopic, tasksTopicPartitions, tasksTopicReplication, limits, executionRetention, idempotencyRetention, scheduling, httpPort, drainTimeout, httpApi, apiSecurity, security);
  }
}
