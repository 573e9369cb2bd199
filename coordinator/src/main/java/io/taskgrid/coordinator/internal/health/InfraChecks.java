package io.taskgrid.coordinator.internal.health;

import io.taskgrid.core.config.KafkaEndpoint;
import io.taskgrid.telemetry.HealthCheck;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/** Readiness checks of the coordinator's infrastructure, each bounded by a short timeout. */
public final class InfraChecks {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private InfraChecks() {}

  /** An admin client for {@link #kafka}: small, reconnecting by itself, closed with the coordinator. */
  public static Admin admin(KafkaEndpoint kafka, String clientId) {
    Properties p = kafka.clientProperties();
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    return Admin.create(p);
  }

  /** Up when a broker describes the cluster within the timeout. */
  public static HealthCheck kafka(Admin admin) {
    return HealthCheck.awaiting(TIMEOUT.plusMillis(500),
        () -> admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis())).nodes(),
        (nodes, ms) -> nodes.size() + " broker(s)");
  }

  /** Up when Redis answers a read of {@code key} within the timeout. */
  public static HealthCheck redis(RedissonClient redisson, String key) {
    return HealthCheck.awaiting(TIMEOUT, () -> redisson.getBucket(key, StringCodec.INSTANCE).isExistsAsync().toCompletableFuture(),
        (exists, ms) -> "answered in " + ms + " ms");
  }
}
