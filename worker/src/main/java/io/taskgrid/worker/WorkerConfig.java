package io.taskgrid.worker;

import io.taskgrid.core.TaskTopics;
import io.taskgrid.core.config.ApiClientSecurity;
import io.taskgrid.core.config.InfraSecurity;
import io.taskgrid.core.config.KafkaEndpoint;
import io.taskgrid.core.config.RedisEndpoint;
import io.taskgrid.core.config.Setting;
import io.taskgrid.core.keyspace.Keyspace;
import io.taskgrid.telemetry.LogFormat;
import io.taskgrid.telemetry.OpsServer;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Everything a worker needs to run. Built from environment variables by {@link
 * #fromEnvironment(Map)} or in code with {@link #defaults} and the {@code with*} methods; checked
 * when made, and a bad value is reported under its environment variable ({@code
 * TASKGRID_CLAIM_LEASE must be at least 1s, got '500ms'}), also when set in code.
 *
 * @param workerId this process's id, recorded on the executions it runs; unique per process start
 * @param coordinators gRPC addresses ({@code host:port}) that outcomes are reported to, in order of
 *     preference; the next one is used when one is down
 * @param kafkaBootstrap Kafka bootstrap servers
 * @param redisUrl Redis URL: one server or Sentinel, as for the coordinators (see {@link RedisEndpoint})
 * @param namespace prefix of Redis keys; the same as the coordinators'
 * @param tasksTopic Kafka topic of MEDIUM task messages; the other priorities' topics are named after
 *     it (see {@link TaskTopics})
 * @param group Kafka consumer group; workers of one group share the tasks
 * @param concurrency handlers running at once in this worker
 * @param claimLease how long a claim on an execution outlives a silent worker; renewed every
 *     third of it while the execution runs
 * @param sessionTimeout Kafka group session timeout: how soon a dead worker's partitions move
 * @param drainTimeout how long {@link Worker#close()} waits for running handlers before it hands them back
 * @param maxResultBytes the largest result a handler may return; a larger one ends the execution
 *     FAILED ({@code taskgrid.ResultTooLarge}) instead of being reported
 * @param httpPort port of the operations endpoint (metrics, health); {@link OpsServer#OFF} for
 *     none, 0 for a free one
 * @param process the built-in {@code process} handler: off, or which programs it may run and how
 * @param breakerIdleExpiry how long a keyed circuit breaker ({@code circuit_breaker_key}) that is
 *     closed and unused stays in this worker's memory, and how long its shared state stays in Redis
 *     after its last use
 * @param maxKeyedBreakers most keyed circuit breakers this worker keeps; over it, the least
 *     recently used closed ones are dropped
 * @param registryTopic the coordinators' compacted topic of registered tasks, which the worker reads
 *     to learn of side tasks; the same as the coordinators'
 * @param lifecycleTopic Kafka topic the worker writes its lifecycle events to (started, waiting);
 *     the same as the coordinators'; {@value #OFF} for none
 * @param coordinatorSecurity TLS and the token the worker reports outcomes to coordinators with
 * @param infraSecurity TLS and credentials towards Kafka and Redis
 */
public record WorkerConfig(
    String workerId,
    List<String> coordinators,
    String kafkaBootstrap,
    String redisUrl,
    String namespace,
    String tasksTopic,
    String group,
    int concurrency,
    Duration claimLease,
    Duration sessionTimeout,
    Duration drainTimeout,
    int maxResultBytes,
    int httpPort,
    ProcessConfig process,
    Duration breakerIdleExpiry,
    int maxKeyedBreakers,
    String registryTopic,
    String lifecycleTopic,
    ApiClientSecurity coordinatorSecurity,
    InfraSecurity infraSecurity) {

  public static final Setting<String> WORKER_ID =
      new Setting<>("TASKGRID_WORKER_ID", "", "Id of this worker; generated (host, pid, random) when empty.", s -> s);
  public static final Setting<List<String>> COORDINATORS =
      new Setting<>("TASKGRID_COORDINATORS", "127.0.0.1:7233", "Comma-separated coordinator addresses that workers report outcomes to.",
          s -> Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList());
  public static final Setting<String> KAFKA_BOOTSTRAP =
      new Setting<>("TASKGRID_KAFKA_BOOTSTRAP", "127.0.0.1:9092", "Kafka bootstrap servers.", s -> s);
  public static final Setting<String> REDIS_URL =
      new Setting<>("TASKGRID_REDIS_URL", "redis://127.0.0.1:6379", "Redis, as for the coordinators (one server or Sentinel).", s -> s);
  public static final Setting<String> NAMESPACE =
      new Setting<>("TASKGRID_NAMESPACE", "taskgrid", "Prefix of every Redis key; the same on coordinators and workers.", s -> s);
  public static final Setting<String> TASKS_TOPIC =
      new Setting<>("TASKGRID_TASKS_TOPIC", "taskgrid.tasks", "Kafka topic of MEDIUM task messages; each other priority has its own, named with a suffix (`.critical`, `.high`, `.low`, `.background`).", s -> s);
  public static final Setting<String> GROUP =
      new Setting<>("TASKGRID_WORKER_GROUP", "taskgrid-workers", "Kafka consumer group of the workers.", s -> s);
  public static final Setting<Integer> CONCURRENCY =
      new Setting<>("TASKGRID_WORKER_CONCURRENCY", "64", "Handlers one worker runs at once (virtual threads; may exceed the partition count).", Setting::positiveInt);
  public static final Setting<Duration> CLAIM_LEASE =
      new Setting<>("TASKGRID_CLAIM_LEASE", "10s", "How long a dead worker's claim on an execution blocks another worker from restarting it.", Setting::duration);
  public static final Setting<Duration> SESSION_TIMEOUT =
      new Setting<>("TASKGRID_SESSION_TIMEOUT", "10s", "Kafka session timeout: how soon the partitions of a dead worker move to others.", Setting::duration);
  public static final Setting<Duration> DRAIN_TIMEOUT =
      new Setting<>("TASKGRID_DRAIN_TIMEOUT", "30s", "How long a stopping worker (SIGTERM) waits for running handlers; then it interrupts them and hands their executions back to other workers.", Setting::duration);

  public static final Setting<String> REGISTRY_TOPIC =
      new Setting<>("TASKGRID_REGISTRY_TOPIC", "taskgrid.registry", "Compacted Kafka topic of registered tasks, as on the coordinators: workers read it to run side tasks.", s -> s);
  /** The value of {@link #LIFECYCLE_TOPIC} that turns lifecycle events off. */
  public static final String OFF = "off";
  public static final Setting<String> LIFECYCLE_TOPIC =
      new Setting<>("TASKGRID_LIFECYCLE_TOPIC", "taskgrid.lifecycle", "Kafka topic the worker writes lifecycle events to (executions started, waiting), as on the coordinators; `off` for none.", s -> s.trim());
  public static final Setting<Integer> MAX_RESULT_BYTES =
      new Setting<>("TASKGRID_MAX_RESULT_BYTES", "1048576", "Largest result a handler may return, in bytes; a larger one fails the execution.", Setting::positiveInt);

  public static final Setting<Duration> BREAKER_IDLE_EXPIRY =
      new Setting<>("TASKGRID_BREAKER_IDLE_EXPIRY", "1h", "How long a keyed circuit breaker (`circuit_breaker_key`) that is closed and unused stays in a worker's memory, and its shared state in Redis after its last use.", Setting::duration);
  public static final Setting<Integer> MAX_KEYED_BREAKERS =
      new Setting<>("TASKGRID_MAX_KEYED_BREAKERS", "10000", "Most keyed circuit breakers one worker keeps; over it, the least recently used closed ones are dropped.", Setting::positiveInt);

  /** Every worker setting, in README order. */
  public static final List<Setting<?>> SETTINGS = List.of(WORKER_ID, COORDINATORS, KAFKA_BOOTSTRAP, REDIS_URL, NAMESPACE,
      TASKS_TOPIC, GROUP, CONCURRENCY, CLAIM_LEASE, SESSION_TIMEOUT, DRAIN_TIMEOUT,
      MAX_RESULT_BYTES, BREAKER_IDLE_EXPIRY, MAX_KEYED_BREAKERS, OpsServer.HTTP_PORT, LogFormat.SETTING, ProcessConfig.ENABLED, ProcessConfig.PROGRAMS,
      ProcessConfig.SEARCH_PATH, ProcessConfig.ROOTS, ProcessConfig.INHERITED_ENV, ProcessConfig.MAX_OUTPUT_BYTES, ProcessConfig.KILL_GRACE,
      REGISTRY_TOPIC, LIFECYCLE_TOPIC)
      .stream().collect(java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(), l -> {
        l.addAll(ApiClientSecurity.SETTINGS);
        l.addAll(InfraSecurity.SETTINGS);
        return List.copyOf(l);
      }));

  public WorkerConfig {
    workerId = workerId == null || workerId.isEmpty() ? generatedId() : workerId;
    coordinatorSecurity = coordinatorSecurity == null ? ApiClientSecurity.NONE : coordinatorSecurity;
    infraSecurity = infraSecurity == null ? InfraSecurity.NONE : infraSecurity;
    coordinators = coordinators == null ? List.of() : List.copyOf(coordinators);
    if (coordinators.isEmpty() || !coordinators.stream().allMatch(c -> c.matches("[^:\\s]+:\\d{1,5}"))) {
      throw COORDINATORS.invalid("must be one or more host:port addresses separated by commas", String.join(",", coordinators));
    }
    if (kafkaBootstrap == null || kafkaBootstrap.isBlank()) throw KAFKA_BOOTSTRAP.invalid("must not be empty", kafkaBootstrap);
    RedisEndpoint.parse(REDIS_URL.name(), redisUrl);
    try {
      new Keyspace(namespace);
    } catch (IllegalArgumentException e) {
      throw NAMESPACE.invalid("must be 1 to 64 letters, digits or . _ -", namespace);
    }
    if (tasksTopic == null || !tasksTopic.matches("[A-Za-z0-9._-]{1,249}")) {
      throw TASKS_TOPIC.invalid("must be a Kafka topic name: 1 to 249 letters, digits or . _ -", tasksTopic);
    }
    if (tasksTopic.length() > TaskTopics.MAX_BASE_LENGTH) {
      throw TASKS_TOPIC.invalid("must be at most " + TaskTopics.MAX_BASE_LENGTH + " characters: the priority topics add a suffix", tasksTopic);
    }
    if (group == null || group.isBlank()) throw GROUP.invalid("must not be empty", group);
    if (concurrency < 1) throw CONCURRENCY.invalid("must be positive", concurrency);
    if (claimLease == null || claimLease.toMillis() < 1000) throw CLAIM_LEASE.invalid("must be at least 1s", claimLease);
    if (sessionTimeout == null || sessionTimeout.toMillis() < 1000) throw SESSION_TIMEOUT.invalid("must be at least 1s", sessionTimeout);
    if (drainTimeout == null || drainTimeout.isNegative()) throw DRAIN_TIMEOUT.invalid("must not be negative", drainTimeout);
    if (maxResultBytes < 1) throw MAX_RESULT_BYTES.invalid("must be positive", maxResultBytes);
    process = process == null ? ProcessConfig.OFF : process;
    if (breakerIdleExpiry == null || breakerIdleExpiry.toMillis() < 1000) {
      throw BREAKER_IDLE_EXPIRY.invalid("must be at least 1s", breakerIdleExpiry);
    }
    if (maxKeyedBreakers < 1) throw MAX_KEYED_BREAKERS.invalid("must be positive", maxKeyedBreakers);
    if (registryTopic == null || !registryTopic.matches("[A-Za-z0-9._-]{1,249}")) {
      throw REGISTRY_TOPIC.invalid("must be a Kafka topic name: 1 to 249 letters, digits or . _ -", registryTopic);
    }
    if (lifecycleTopic == null || !(OFF.equals(lifecycleTopic) || lifecycleTopic.matches("[A-Za-z0-9._-]{1,249}"))) {
      throw LIFECYCLE_TOPIC.invalid("must be off or a Kafka topic name: 1 to 249 letters, digits or . _ -", lifecycleTopic);
    }
    if (httpPort != OpsServer.OFF && (httpPort < 0 || httpPort > 65535)) throw OpsServer.HTTP_PORT.invalid("must be off or a port from 0 to 65535", httpPort);
  }

  private static String generatedId() {
    String host = System.getenv().getOrDefault("HOSTNAME", "host");
    return "w-" + host + "-" + ManagementFactory.getRuntimeMXBean().getPid() + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  public static WorkerConfig fromEnvironment(Map<String, String> env) {
    return new WorkerConfig(WORKER_ID.read(env), COORDINATORS.read(env), KAFKA_BOOTSTRAP.read(env), REDIS_URL.read(env),
        NAMESPACE.read(env), TASKS_TOPIC.read(env), GROUP.read(env), CONCURRENCY.read(env), CLAIM_LEASE.read(env),
        SESSION_TIMEOUT.read(env), DRAIN_TIMEOUT.read(env), MAX_RESULT_BYTES.read(env), OpsServer.HTTP_PORT.read(env),
        ProcessConfig.fromEnvironment(env), BREAKER_IDLE_EXPIRY.read(env), MAX_KEYED_BREAKERS.read(env), REGISTRY_TOPIC.read(env),
        LIFECYCLE_TOPIC.read(env), ApiClientSecurity.fromEnvironment(env), InfraSecurity.fromEnvironment(env));
  }

  /** Defaults for the given infrastructure and coordinators. */
  public static WorkerConfig defaults(String kafkaBootstrap, String redisUrl, String... coordinators) {
    return fromEnvironment(Map.of(KAFKA_BOOTSTRAP.name(), kafkaBootstrap, REDIS_URL.name(), redisUrl,
        COORDINATORS.name(), String.join(",", coordinators)));
  }

  /** Where Redis is, parsed from {@link #redisUrl}. */
  public RedisEndpoint redisEndpoint() {
    return RedisEndpoint.parse(REDIS_URL.name(), redisUrl);
  }

  /** Where Kafka is and how to connect to it: {@link #kafkaBootstrap} with the Kafka part of {@link #infraSecurity}. */
  public KafkaEndpoint kafkaEndpoint() {
    return new KafkaEndpoint(kafkaBootstrap, infraSecurity.kafka());
  }

  /** The topics of every priority, which this worker consumes. */
  public TaskTopics taskTopics() {
    return new TaskTopics(tasksTopic);
  }

  public Keyspace keyspace() {
    return new Keyspace(namespace);
  }

  public WorkerConfig withWorkerId(String id) {
    return new WorkerConfig(id, coordinators, kafkaBootstrap, redisUrl, namespace, tasksTopic, group, concurrency, claimLease, sessionTimeout, drainTimeout, maxResultBytes, httpPort, process, breakerIdleExpiry, maxKeyedBreakers, registryTopic, lifecycleTopic, coordinatorSecurity, infraSecurity);
  }

  public WorkerConfig withNamespace(String ns) {
    return new WorkerConfig(workerId, coordinators, kafkaBootstrap, redisUrl, ns, tasksTopic, group, concurrency, claimLease, sessionTimeout, drainTimeout, maxResultBytes, httpPort, process, breakerIdleExpiry, maxKeyedBreakers, registryTopic, lifecycleTopic, coordinatorSecurity, infraSecurity);
  }

  public WorkerConfig withTopicAndGroup(String topic, String g) {
    return new WorkerConfig(workerId, coordinators, kafkaBootstrap, redisUrl, namespace, topic, g, concurrency, claimLease, sessionTimeout, drainTimeout, maxResultBytes, httpPort, process, breakerIdleExpiry, maxKeyedBreakers, registryTopic, lifecycleTopic, coordinatorSecurity, infraSecurity);
  }

  public WorkerConfig withConcurrency(int n) {
    return new WorkerConfig(workerId, coordinators, kafkaBootstrap, redisUrl, namespace, tasksTopic, group, n, claimLease, sessionTimeout, drainTimeout, maxResultBytes, httpPort, process, breakerIdleExpiry, maxKeyedBreakers, registryTopic, lifecycleTopic, coordinatorSecurity, infraSecurity);
  }

  public WorkerConfig withDrainTimeout(Duration timeout) {
    return new WorkerConfig(workerId, coordinators, kafkaBootstrap, redisUrl, namespace, tasksTopic, group, concurrency, claimLease, sessionTimeout, timeout, maxResultBytes, httpPort, process, breakerIdleExpiry, maxKeyedBreakers, registryTopic, lifecycleTopic, coordinatorSecurity, infraSecurity);
  }

  public WorkerConfig withClaimLease(Duration lease) {
    return new WorkerConfig(workerId, coordinators, kafkaBootstrap, redisUrl, namespace, tasksTopic, group, concurrency, lease, sessionTimeout, drainTimeout, maxResultBytes, httpPort, process, breakerIdleExpiry, maxKeyedBreakers, registryTopic, lifecycleTopic, coordinatorSecurity, infraSecurity);
  }

  public WorkerConfig withSessionTimeout(Duration timeout) {
    return new WorkerConfig(workerId, coordinators, kafkaBootstrap, redisUrl, namespace, tasksTopic, group, concurrency, claimLease, timeout, drainTimeout, maxResultBytes, httpPort, process, breakerIdleExpiry, maxKeyedBreakers, registryTopic, lifecycleTopic, coordinatorSecurity, infraSecurity);
  }

  public WorkerConfig withCoordinators(List<String> addresses) {
    return new WorkerConfig(workerId, addresses, kafkaBootstrap, redisUrl, namespace, tasksTopic, group, concurrency, claimLease, sessionTimeout, drainTimeout, maxResultBytes, httpPort, process, breakerIdleExpiry, maxKeyedBreakers, registryTopic, lifecycleTopic, coordinatorSecurity, infraSecurity);
  }

  /** With the operations endpoint on {@code port} (0: a free one; {@link OpsServer#OFF}: none). */
  public WorkerConfig withHttpPort(int port) {
    return new WorkerConfig(workerId, coordinators, kafkaBootstrap, redisUrl, namespace, tasksTopic, group, concurrency, claimLease, sessionTimeout, drainTimeout, maxResultBytes, port, process, breakerIdleExpiry, maxKeyedBreakers, registryTopic, lifecycleTopic, coordinatorSecurity, infraSecurity);
  }

  public WorkerConfig withMaxResultBytes(int bytes) {
    return new WorkerConfig(workerId, coordinators, kafkaBootstrap, redisUrl, namespace, tasksTopic, group, concurrency, claimLease, sessionTimeout, drainTimeout, bytes, httpPort, process, breakerIdleExpiry, maxKeyedBreakers, registryTopic, lifecycleTopic, coordinatorSecurity, infraSecurity);
  }

  /** Reading registered tasks (for side tasks) from {@code topic}, the coordinators' registry topic. */
  public WorkerConfig withRegistryTopic(String topic) {
    return new WorkerConfig(workerId, coordinators, kafkaBootstrap, redisUrl, namespace, tasksTopic, group, concurrency, claimLease, sessionTimeout, drainTimeout, maxResultBytes, httpPort, process, breakerIdleExpiry, maxKeyedBreakers, topic, lifecycleTopic, coordinatorSecurity, infraSecurity);
  }

  /** With the built-in {@code process} handler configured by {@code settings} (on or off). */
  public WorkerConfig withProcess(ProcessConfig settings) {
    return new WorkerConfig(workerId, coordinators, kafkaBootstrap, redisUrl, namespace, tasksTopic, group, concurrency, claimLease, sessionTimeout, drainTimeout, maxResultBytes, httpPort, settings, breakerIdleExpiry, maxKeyedBreakers, registryTopic, lifecycleTopic, coordinatorSecurity, infraSecurity);
  }

  /** With keyed circuit breakers kept {@code idle} after their last use, and at most {@code max} of them. */
  public WorkerConfig withKeyedBreakers(Duration idle, int max) {
    return new WorkerConfig(workerId, coordinators, kafkaBootstrap, redisUrl, namespace, tasksTopic, group, concurrency, claimLease, sessionTimeout, drainTimeout, maxResultBytes, httpPort, process, idle, max, registryTopic, lifecycleTopic, coordinatorSecurity, infraSecurity);
  }

  /** Writing lifecycle events to {@code topic} (the coordinators'), or not at all with {@value #OFF}. */
  public WorkerConfig withLifecycleTopic(String topic) {
    return new WorkerConfig(workerId, coordinators, kafkaBootstrap, redisUrl, namespace, tasksTopic, group, concurrency, claimLease, sessionTimeout, drainTimeout, maxResultBytes, httpPort, process, breakerIdleExpiry, maxKeyedBreakers, registryTopic, topic, coordinatorSecurity, infraSecurity);
  }

  /** Whether lifecycle events are written. */
  public boolean lifecycleOn() {
    return !OFF.equals(lifecycleTopic);
  }

  /** With TLS and a token towards the coordinators as {@code security} says. */
  public WorkerConfig withCoordinatorSecurity(ApiClientSecurity security) {
    return new WorkerConfig(workerId, coordinators, kafkaBootstrap, redisUrl, namespace, tasksTopic, group, concurrency, claimLease, sessionTimeout, drainTimeout, maxResultBytes, httpPort, process, breakerIdleExpiry, maxKeyedBreakers, registryTopic, lifecycleTopic, security, infraSecurity);
  }

  /** With Kafka and Redis reached as {@code security} says. */
  public WorkerConfig withInfraSecurity(InfraSecurity security) {
    return new WorkerConfig(workerId, coordinators, kafkaBootstrap, redisUrl, namespace, tasksTopic, group, concurrency, claimLease, sessionTimeout, drainTimeout, maxResultBytes, httpPort, process, breakerIdleExpiry, maxKeyedBreakers, registryTopic, lifecycleTopic, coordinatorSecurity, security);
  }
}
