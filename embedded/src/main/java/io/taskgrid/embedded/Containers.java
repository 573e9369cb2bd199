package io.taskgrid.embedded;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/** Kafka and Redis in Docker containers via Testcontainers, used where a Docker engine runs. */
final class Containers {
  static final String KAFKA_IMAGE = "apache/kafka:4.1.0";
  static final String REDIS_IMAGE = "redis:7-alpine";

  private Containers() {}

  /** True when a Docker engine answers; never throws, and gives up after a few seconds. */
  static boolean dockerAvailable() {
    String host = System.getenv("DOCKER_HOST");
    boolean socket = java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))
        || java.nio.file.Files.exists(java.nio.file.Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"));
    if ((host == null || host.isBlank()) && !socket) {
      return false; // nothing to ask; spares Testcontainers' long error report
    }
    ExecutorService probe = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("tg-docker-probe").daemon().unstarted(r));
    try {
      Future<Boolean> answer = probe.submit(() -> DockerClientFactory.instance().isDockerAvailable());
      return answer.get(15, TimeUnit.SECONDS);
    } catch (Throwable e) {
      return false;
    } finally {
      probe.shutdownNow();
    }
  }

  /** A started Kafka container. */
  static final class Kafka implements AutoCloseable {
    private final KafkaContainer container = new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE))
        .withEnv("KAFKA_GROUP_MIN_SESSION_TIMEOUT_MS", "1000")
        .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");

    String bootstrapServers() {
      return container.getBootstrapServers();
    }

    @Override
    public void close() {
      container.stop();
    }
  }

  static Kafka kafka() {
    Kafka k = new Kafka();
    k.container.start();
    return k;
  }

  /** A started Redis container. */
  static final class Redis implements AutoCloseable {
    private final GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(REDIS_IMAGE)).withExposedPorts(6379);

    String redisUrl() {
      return "redis://" + container.getHost() + ":" + container.getMappedPort(6379);
    }

    @Override
    public void close() {
      container.stop();
    }
  }

  static Redis redis() {
    Redis r = new Redis();
    r.container.start();
    return r;
  }
}
