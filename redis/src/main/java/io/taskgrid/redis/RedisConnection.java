package io.taskgrid.redis;

import io.taskgrid.core.config.RedisEndpoint;
import io.taskgrid.core.config.RedisEndpoint.Address;
import io.taskgrid.core.config.RedisEndpoint.Credentials;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.BaseConfig;
import org.redisson.config.Config;
import org.redisson.config.ReadMode;
import org.redisson.config.SentinelServersConfig;
import org.redisson.config.SingleServerConfig;
import org.redisson.config.SubscriptionMode;

/**
 * How a coordinator or worker connects to Redis: the one place a {@link RedisEndpoint} becomes a
 * Redisson client, so both talk to Redis the same way.
 *
 * <p>With Sentinel, every command and subscription goes to the primary ({@link ReadMode#MASTER}):
 * Taskgrid's scripts read and write one execution atomically, and a replica may lag. Redisson
 * follows the primary Sentinel names after a failover; commands that fail meanwhile are retried
 * ({@code retryAttempts}) and then fail to the caller, which retries (workers) or answers
 * UNAVAILABLE (coordinators).
 *
 * @param endpoint where Redis is
 * @param clientName the connection name Redis shows in {@code CLIENT LIST}
 * @param minimumIdle connections kept open to the primary
 * @param poolSize most connections to the primary
 */
public record RedisConnection(RedisEndpoint endpoint, String clientName, int minimumIdle, int poolSize) {
  public RedisConnection {
    if (endpoint == null) throw new IllegalArgumentException("endpoint is required");
    if (clientName == null || clientName.isBlank()) throw new IllegalArgumentException("clientName is required");
    if (minimumIdle < 0 || poolSize < 1 || minimumIdle > poolSize) {
      throw new IllegalArgumentException("need 0 <= minimumIdle <= poolSize and poolSize >= 1, got " + minimumIdle + " and " + poolSize);
    }
  }

  /** Opens the client; Redisson connects at once and fails if no primary can be reached. */
  public RedissonClient open() {
    return Redisson.create(config());
  }

  /** The Redisson configuration (strings as values, no Redisson object references). */
  public Config config() {
    Config config = new Config();
    config.setCodec(StringCodec.INSTANCE);
    config.setReferenceEnabled(false); // no Redisson object references in values: skips a per-argument check
    endpoint.credentials().ifPresent((Credentials c) -> {
      // for the primary and replicas; Redisson tries them on the sentinels too and goes without
      // them where a sentinel has no password
      if (!c.username().isEmpty()) config.setUsername(c.username());
      config.setPassword(c.password());
    });
    switch (endpoint) {
      case RedisEndpoint.Single single -> {
        SingleServerConfig server = config.useSingleServer()
            .setAddress(uri(single.tls(), single.address()))
            .setDatabase(single.database())
            .setConnectionMinimumIdleSize(minimumIdle)
            .setConnectionPoolSize(poolSize);
        common(server);
      }
      case RedisEndpoint.Sentinel sentinel -> {
        SentinelServersConfig servers = config.useSentinelServers()
            .setMasterName(sentinel.masterName())
            .setDatabase(sentinel.database())
            .setReadMode(ReadMode.MASTER)
            .setSubscriptionMode(SubscriptionMode.MASTER)
            .setMasterConnectionMinimumIdleSize(minimumIdle)
            .setMasterConnectionPoolSize(poolSize)
            // fail at start when the sentinels know of no other sentinel: alone, one cannot fail over
            .setCheckSentinelsList(true);
        for (Address a : sentinel.sentinels()) servers.addSentinelAddress(uri(sentinel.tls(), a));
        common(servers);
      }
    }
    return config;
  }

  private void common(BaseConfig<?> server) {
    server.setClientName(clientName).setRetryAttempts(3);
  }

  /** {@code redis://host:port} or {@code rediss://…}; for Sentinel the scheme also sets TLS to the nodes it names. */
  private static String uri(boolean tls, Address address) {
    return (tls ? "rediss://" : "redis://") + address;
  }
}
