package io.taskgrid.e2e.support;

import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.coordinator.CoordinatorConfig;
import io.taskgrid.core.SubmissionLimits;
import io.taskgrid.embedded.Infrastructure;
import io.taskgrid.embedded.SharedInfrastructure;
import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A Taskgrid cluster of a test's own over the JVM's shared Kafka and Redis: its own namespace,
 * topic and consumer group, so tests run in any order and side by side. Closes everything it
 * started.
 */
public final class TestCluster implements AutoCloseable {
  public static final int PARTITIONS = 6;

  private final Infrastructure infra = SharedInfrastructure.get();
  private final String name = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private final List<AutoCloseable> started = new ArrayList<>();
  private SubmissionLimits limits = SubmissionLimits.DEFAULTS;
  private String redisUrl = infra.redisUrl();

  public Infrastructure infra() {
    return infra;
  }

  public String namespace() {
    return name;
  }

  public String topic() {
    return "tasks." + name;
  }

  /** The cluster's lifecycle topic (coordinators create it; workers write to it). */
  public String lifecycleTopic() {
    return "tg." + name + ".lifecycle";
  }

  public String group() {
    return "workers." + name;
  }

  public TestCluster limits(SubmissionLimits limits) {
    this.limits = limits;
    return this;
  }

  /** Uses a Redis of the test's own (one it can flush or kill) instead of the shared one. */
  public TestCluster redis(String url) {
    this.redisUrl = url;
    return this;
  }

  public String redisUrl() {
    return redisUrl;
  }

  public CoordinatorConfig coordinatorConfig(int port) {
    return CoordinatorConfig.defaults(infra.kafkaBootstrap(), redisUrl)
        .withNamespace(name)
        .withTasksTopic(topic(), PARTITIONS)
        .withLimits(limits)
        .withGrpcPort(port)
        .withScheduling(schedulingDefaults().withTopics("tg." + name));
  }

  private CoordinatorConfig.Scheduling schedulingDefaults() {
    return CoordinatorConfig.defaults(infra.kafkaBootstrap(), redisUrl).scheduling();
  }

  /** Environment variables that give a coordinator process this cluster's namespace and topics. */
  public java.util.Map<String, String> coordinatorEnv() {
    CoordinatorConfig c = coordinatorConfig(0);
    return java.util.Map.of(
        "TASKGRID_KAFKA_BOOTSTRAP", infra.kafkaBootstrap(),
        "TASKGRID_REDIS_URL", redisUrl,
        "TASKGRID_NAMESPACE", name,
        "TASKGRID_TASKS_TOPIC", topic(),
        "TASKGRID_TASKS_TOPIC_PARTITIONS", Integer.toString(PARTITIONS),
        "TASKGRID_REGISTRY_TOPIC", c.scheduling().registryTopic(),
        "TASKGRID_FIRES_TOPIC", c.scheduling().firesTopic(),
        "TASKGRID_EVENTS_TOPIC", c.scheduling().eventsTopic(),
        "TASKGRID_LIFECYCLE_TOPIC", c.scheduling().lifecycleTopic());
  }

  /** Starts a coordinator on a free port. */
  public Coordinator coordinator() {
    return coordinator(0);
  }

  public Coordinator coordinator(int port) {
    return coordinator(coordinatorConfig(port));
  }

  /** Starts a coordinator with {@code config} (usually {@link #coordinatorConfig} with changes). */
  public Coordinator coordinator(CoordinatorConfig config) {
    Coordinator c = new Coordinator(config).start();
    started.add(c);
    return c;
  }

  /** A port no one listens on right now, for a coordinator process. */
  public static int freePort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public WorkerConfig workerConfig(List<String> coordinators) {
    return WorkerConfig.defaults(infra.kafkaBootstrap(), redisUrl, coordinators.toArray(String[]::new))
        .withNamespace(name)
        .withTopicAndGroup(topic(), group())
        .withRegistryTopic(coordinatorConfig(0).scheduling().registryTopic())
        .withLifecycleTopic(lifecycleTopic())
        .withClaimLease(Duration.ofSeconds(3))
        .withSessionTimeout(Duration.ofSeconds(3));
  }

  /** Starts a worker reporting to {@code coordinators}, with handlers added by {@code handlers}. */
  public Worker worker(List<String> coordinators, UnaryOperator<Worker.Builder> handlers) {
    return worker(workerConfig(coordinators), handlers);
  }

  public Worker worker(WorkerConfig config, UnaryOperator<Worker.Builder> handlers) {
    Worker w = handlers.apply(Worker.builder(config)).build().start();
    started.add(w);
    return w;
  }

  /** Registers something else to close with the cluster. */
  public <T extends AutoCloseable> T own(T resource) {
    started.add(resource);
    return resource;
  }

  public static String address(Coordinator c) {
    return "127.0.0.1:" + c.port();
  }

  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        // keep closing the rest
      }
    }
    started.clear();
  }
}
