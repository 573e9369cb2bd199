package io.taskgrid.redis;

import io.taskgrid.core.config.ConfigException;
import io.taskgrid.core.config.InfraSecurity;
import io.taskgrid.core.config.RedisEndpoint;
import io.taskgrid.core.config.RedisEndpoint.Address;
import io.taskgrid.core.config.RedisEndpoint.Credentials;
import io.taskgrid.redis.internal.PemTls;
import java.time.Duration;
import java.util.Optional;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.BaseConfig;
import org.redisson.config.Config;
import org.redisson.config.DelayStrategy;
import org.redisson.config.EqualJitterDelay;
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
 * <p>Credentials come from the URL or from {@link InfraSecurity.Redis} (not both); TLS trusts the
 * PEM CA given there (the JVM's trusted CAs otherwise) and presents its client certificate when
 * one is given. A refused password or TLS handshake fails {@link #open()} with a {@link
 * ConfigException} naming the setting.
 *
 * @param endpoint where Redis is
 * @param security credentials and TLS files beside the URL
 * @param clientName the connection name Redis shows in {@code CLIENT LIST}
 * @param minimumIdle connections kept open to the primary
 * @param poolSize most connections to the primary
 */
public record RedisConnection(RedisEndpoint endpoint, InfraSecurity.Redis security, String clientName, int minimumIdle, int poolSize) {
  public RedisConnection {
    if (endpoint == null) throw new IllegalArgumentException("endpoint is required");
    security = security == null ? InfraSecurity.Redis.NONE : security;
    if (clientName == null || clientName.isBlank()) throw new IllegalArgumentException("clientName is required");
    if (minimumIdle < 0 || poolSize < 1 || minimumIdle > poolSize) {
      throw new IllegalArgumentException("need 0 <= minimumIdle <= poolSize and poolSize >= 1, got " + minimumIdle + " and " + poolSize);
    }
  }

  /** As Redis's URL says, with nothing beside it. */
  public RedisConnection(RedisEndpoint endpoint, String clientName, int minimumIdle, int poolSize) {
    this(endpoint, InfraSecurity.Redis.NONE, clientName, minimumIdle, poolSize);
  }

  /**
   * Opens the client; Redisson connects at once and fails if no primary can be reached. A refused
   * password or TLS handshake is a {@link ConfigException} naming the setting to fix.
   */
  public RedissonClient open() {
    Config config = config();
    try {
      return Redisson.create(config);
    } catch (RuntimeException e) {
      throw rejectedSettings(e).orElseThrow(() -> e);
    }
  }

  /** When {@code error} is Redis refusing the credentials or the TLS handshake, the error naming the setting. */
  Optional<ConfigException> rejectedSettings(Throwable error) {
    boolean fromSettings = security.password().isPresent();
    for (Throwable t = error; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (message.contains("WRONGPASS") || message.contains("NOAUTH") || message.contains("invalid password")
          || message.contains("invalid username-password")) {
        String problem = "refused by Redis (" + (message.contains("NOAUTH") ? "it requires a password" : "wrong user or password") + ")";
        return Optional.of(fromSettings
            ? InfraSecurity.REDIS_PASSWORD.invalid("(or " + InfraSecurity.REDIS_PASSWORD_FILE.name() + ", with "
                + InfraSecurity.REDIS_USERNAME.name() + " '" + security.username().orElse("") + "') was " + problem, "***")
            : new ConfigException("TASKGRID_REDIS_URL", "credentials were " + problem
                + " (give them in the URL or in " + InfraSecurity.REDIS_USERNAME.name() + " and " + InfraSecurity.REDIS_PASSWORD.name() + ")",
                endpoint.display()));
      }
      if (t instanceof javax.net.ssl.SSLException) {
        return Optional.of(InfraSecurity.REDIS_TLS_CA.invalid("must sign Redis's certificate, and " + InfraSecurity.REDIS_TLS_CERT.name()
            + " be trusted by Redis when it asks for one: the TLS handshake with " + endpoint.display() + " failed (" + t.getMessage() + ")",
            security.tlsCa().map(Object::toString).orElse("the JVM's trusted CAs")));
      }
    }
    return Optional.empty();
  }

  /** The Redisson configuration (strings as values, no Redisson object references). */
  public Config config() {
    Config config = new Config();
    config.setCodec(StringCodec.INSTANCE);
    config.setReferenceEnabled(false); // no Redisson object references in values: skips a per-argument check
    security.credentials(endpoint).ifPresent((Credentials c) -> {
      // for the primary and replicas; Redisson tries them on the sentinels too and goes without
      // them where a sentinel has no password
      if (!c.username().isEmpty()) config.setUsername(c.username());
      config.setPassword(c.password());
    });
    security.tlsCa().ifPresent(ca -> config.setSslTrustManagerFactory(PemTls.trust(InfraSecurity.REDIS_TLS_CA, ca)));
    if (security.tlsCert().isPresent() && security.tlsKey().isPresent()) {
      config.setSslKeyManagerFactory(PemTls.identity(InfraSecurity.REDIS_TLS_CERT, security.tlsCert().get(), InfraSecurity.REDIS_TLS_KEY,
          security.tlsKey().get()));
    }
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
    server.setClientName(clientName).setRetryAttempts(3).setRetryDelay(RETRY_DELAY);
  }

  /**
   * The delay before a command is sent again: Redisson's default (equal jitter from 1 s, doubling
   * up to 2 s) cut to whole tenths of a second. Redisson ticks its timer at an interval derived
   * from the first delay: a multiple of 100 ms gives 100 ms, whereas the default's random
   * milliseconds gave 10 to 49 ms, so each client's timer thread woke 20 to 100 times a second for
   * as long as the process lived (a tenth of an idle worker's CPU).
   */
  static final DelayStrategy RETRY_DELAY = new DelayStrategy() {
    private final DelayStrategy jitter = new EqualJitterDelay(Duration.ofSeconds(1), Duration.ofSeconds(2));

    @Override
    public Duration calcDelay(int attempt) {
      return Duration.ofMillis(jitter.calcDelay(attempt).toMillis() / 100 * 100);
    }
  };

  /** {@code redis://host:port} or {@code rediss://…}; for Sentinel the scheme also sets TLS to the nodes it names. */
  private static String uri(boolean tls, Address address) {
    return (tls ? "rediss://" : "redis://") + address;
  }
}
