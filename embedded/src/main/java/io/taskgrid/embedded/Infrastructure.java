package io.taskgrid.embedded;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka and Redis that dev mode and tests run against. {@link #start()} picks, for each of
 * the two independently:
 *
 * <ol>
 *   <li>an external server, when {@code TASKGRID_KAFKA_BOOTSTRAP} / {@code TASKGRID_REDIS_URL}
 *       is set (never stopped by {@link #close()});
 *   <li>a Testcontainers container, when a Docker engine is available;
 *   <li>otherwise an embedded one: Kafka in KRaft mode inside this JVM, and a {@code
 *       redis-server} child process.
 * </ol>
 *
 * {@code TASKGRID_INFRA=embedded} or {@code =testcontainers} forces the choice between the last
 * two ({@code auto}, the default, asks Docker); any other value is rejected. The choice is logged.
 *
 * <p>Lifecycle: {@link #start()} returns once both servers serve requests; {@link #close()} stops
 * what it started, in reverse order, and is idempotent. Most tests use {@link
 * SharedInfrastructure#get()} instead of starting their own.
 */
public final class Infrastructure implements AutoCloseable {
  /** Environment variable with the bootstrap servers of an external Kafka to use. */
  public static final String KAFKA_BOOTSTRAP_ENV = "TASKGRID_KAFKA_BOOTSTRAP";
  /** Environment variable with the {@code redis://host:port} URL of an external Redis to use. */
  public static final String REDIS_URL_ENV = "TASKGRID_REDIS_URL";
  /** Environment variable that forces {@code embedded} or {@code testcontainers} (default {@code auto}). */
  public static final String MODE_ENV = "TASKGRID_INFRA";

  private static final Logger log = LoggerFactory.getLogger(Infrastructure.class);

  private final String kafkaBootstrap;
  private final String redisUrl;
  private final String description;
  private final List<AutoCloseable> owned;

  private Infrastructure(String kafkaBootstrap, String redisUrl, String description, List<AutoCloseable> owned) {
    this.kafkaBootstrap = kafkaBootstrap;
    this.redisUrl = redisUrl;
    this.description = description;
    this.owned = owned;
  }

  /** Starts (or finds) Kafka and Redis as described above, using the process environment. */
  public static Infrastructure start() {
    return start(System.getenv());
  }

  static Infrastructure start(Map<String, String> env) {
    String mode = blankToNull(env.get(MODE_ENV));
    mode = mode == null ? "auto" : mode.toLowerCase(Locale.ROOT);
    String kafka = blankToNull(env.get(KAFKA_BOOTSTRAP_ENV));
    String redis = blankToNull(env.get(REDIS_URL_ENV));
    boolean containers = switch (mode) {
      case "embedded" -> false;
      case "testcontainers" -> true;
      case "auto" -> (kafka == null || redis == null) && Containers.dockerAvailable();
      default -> throw new IllegalArgumentException(
          MODE_ENV + " must be auto, embedded or testcontainers, not '" + env.get(MODE_ENV) + "'");
    };
    List<AutoCloseable> owned = new ArrayList<>();
    List<String> parts = new ArrayList<>();
    try {
      if (kafka != null) {
        parts.add("external Kafka at " + kafka);
      } else if (containers) {
        Containers.Kafka k = Containers.kafka();
        owned.add(k);
        kafka = k.bootstrapServers();
        parts.add("Kafka container (" + Containers.KAFKA_IMAGE + ") at " + kafka);
      } else {
        EmbeddedKafka k = EmbeddedKafka.start();
        owned.add(k);
        kafka = k.bootstrapServers();
        parts.add("embedded Kafka " + EmbeddedKafka.version() + " (KRaft, in this JVM) at " + kafka);
      }
      if (redis != null) {
        parts.add("external Redis at " + redis);
      } else if (containers) {
        Containers.Redis r = Containers.redis();
        owned.add(r);
        redis = r.redisUrl();
        parts.add("Redis container (" + Containers.REDIS_IMAGE + ") at " + redis);
      } else {
        RedisProcess r = RedisProcess.start();
        owned.add(r);
        redis = r.redisUrl();
        parts.add("redis-server process at " + redis);
      }
    } catch (RuntimeException e) {
      closeAll(owned);
      throw e;
    }
    Infrastructure infra = new Infrastructure(kafka, redis, String.join(", ", parts), owned);
    log.info("Infrastructure: {}", infra.description());
    return infra;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  /** Kafka {@code bootstrap.servers}. */
  public String kafkaBootstrap() {
    return kafkaBootstrap;
  }

  /** {@code redis://host:port}, as Redisson takes it. */
  public String redisUrl() {
    return redisUrl;
  }

  /** Which servers are used, for logs and banners. */
  public String description() {
    return description;
  }

  /** Stops what this object started (external servers are left alone). Idempotent. */
  @Override
  public synchronized void close() {
    closeAll(owned);
    owned.clear();
  }

  private static void closeAll(List<AutoCloseable> resources) {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        log.warn("Failed to stop {}", resources.get(i), e);
      }
    }
  }
}
