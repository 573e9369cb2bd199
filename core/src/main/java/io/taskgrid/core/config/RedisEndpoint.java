package io.taskgrid.core.config;

import java.util.List;
import java.util.Optional;

/**
 * Where Taskgrid's Redis is, parsed from {@code TASKGRID_REDIS_URL}: one server, or a primary
 * found through Redis Sentinel (which follows it when Sentinel promotes a replica).
 *
 * <pre>
 * redis://[user:password@]host[:port][/database]                   one server (port 6379)
 * rediss://…                                                       the same over TLS
 * redis-sentinel://[user:password@]host[:port],host[:port]…/master[/database]
 *                                                                  sentinels (port 26379) and the master name
 * rediss-sentinel://…                                              the same over TLS (sentinels and data nodes)
 * </pre>
 *
 * <p>Credentials are for the Redis primary and replicas (ACL user, or {@code :password@} for
 * {@code requirepass}); percent-escapes ({@code %40} for {@code @}) are decoded. Errors name the
 * variable and show the value with its password masked.
 */
public sealed interface RedisEndpoint {
  int DEFAULT_PORT = 6379;
  int DEFAULT_SENTINEL_PORT = 26379;

  /** TLS to every Redis node this endpoint reaches. */
  boolean tls();

  /** Credentials for the Redis primary and replicas, if any. */
  Optional<Credentials> credentials();

  /** The Redis database number (0 unless the URL gives one). */
  int database();

  /** The URL with its password masked, for logs and messages. */
  String display();

  /** {@code host:port}; IPv6 hosts are written without brackets. */
  record Address(String host, int port) {
    public Address {
      if (host == null || host.isBlank()) throw new IllegalArgumentException("host must not be empty");
      if (port < 1 || port > 65535) throw new IllegalArgumentException("port must be 1-65535, got " + port);
    }

    /** {@code host:port}, with brackets around an IPv6 host. */
    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /** An ACL user (empty for the default user) and its password; {@link #toString} masks the password. */
  record Credentials(String username, String password) {
    public Credentials {
      username = username == null ? "" : username;
      if (password == null) throw new IllegalArgumentException("password must not be null");
    }

    @Override
    public String toString() {
      return "Credentials[username=" + username + ", password=***]";
    }
  }

  /** One Redis server. */
  record Single(Address address, boolean tls, Optional<Credentials> credentials, int database) implements RedisEndpoint {
    public Single {
      if (address == null) throw new IllegalArgumentException("address is required");
      credentials = credentials == null ? Optional.empty() : credentials;
      if (database < 0) throw new IllegalArgumentException("database must not be negative, got " + database);
    }

    @Override
    public String display() {
      return (tls ? "rediss" : "redis") + "://" + userInfo(credentials) + address + (database == 0 ? "" : "/" + database);
    }
  }

  /** A primary found through Sentinel: the sentinels to ask and the name they monitor it under. */
  record Sentinel(List<Address> sentinels, String masterName, boolean tls, Optional<Credentials> credentials, int database)
      implements RedisEndpoint {
    public Sentinel {
      sentinels = List.copyOf(sentinels);
      if (sentinels.isEmpty()) throw new IllegalArgumentException("at least one sentinel is required");
      if (masterName == null || !masterName.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException("masterName must be letters, digits or . _ -, got " + masterName);
      }
      credentials = credentials == null ? Optional.empty() : credentials;
      if (database < 0) throw new IllegalArgumentException("database must not be negative, got " + database);
    }

    @Override
    public String display() {
      List<String> hosts = sentinels.stream().map(Address::toString).toList();
      return (tls ? "rediss-sentinel" : "redis-sentinel") + "://" + userInfo(credentials) + String.join(",", hosts) + "/" + masterName
          + (database == 0 ? "" : "/" + database);
    }
  }

  /**
   * Parses {@code url}; a malformed one is a {@link ConfigException} naming {@code variable} that
   * says what is wrong and shows the value with its password masked.
   */
  static RedisEndpoint parse(String variable, String url) {
    return new RedisUrlParser(variable, url).parse();
  }

  private static String userInfo(Optional<Credentials> credentials) {
    return credentials.map(c -> c.username() + ":***@").orElse("");
  }
}
