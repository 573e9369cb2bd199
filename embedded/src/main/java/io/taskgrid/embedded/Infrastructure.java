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
 * {@code TASKGRID_INFRA=embedded} or {@code =testcontainers} forces the choice between the last two.
 */
public final class Infrastructure implements AutoCloseable {
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
    String mode = env.getOrDefault("TASKGRID_INFRA", "auto").toLowerCase(Locale.ROOT);
    String kafka = blankToNull(env.get("TASKGRID_KAFKA_BOOTSTRAP"));
    String redis = blankToNull(env.get("TASKGRID_REDIS_URL"));
    boolean containers = switch (mode) {
      case "embedded" -> false;
      case "testcontainers" -> true;
      default -> (kafka == null || redis == null) && Containers.dockerAvailable();
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
        parts.add("Kafka container at " + kafka);
      } else {
        EmbeddedKafka k = EmbeddedKafka.start();
        owned.add(k);
        kafka = k.bootstrapServers();
        parts.add("embedded Kafka (KRaft, in this JVM) at " + kafka);
      }
      if (redis != null) {
        parts.add("external Redis at " + redis);
      } else if (containers) {
        Containers.Redis r = Containers.redis();
        owned.add(r);
        redis = r.redisUrl();
        parts.add("Redis container at " + redis);
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

  public String kafkaBootstrap() {
    return kafkaBootstrap;
  }

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
