package io.taskgrid.core.config;

import io.taskgrid.core.config.RedisEndpoint.Address;
import io.taskgrid.core.config.RedisEndpoint.Credentials;
import io.taskgrid.core.config.RedisEndpoint.Sentinel;
import io.taskgrid.core.config.RedisEndpoint.Single;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Parses {@code TASKGRID_REDIS_URL} into a {@link RedisEndpoint}; see there for the forms. */
final class RedisUrlParser {
  private static final String FORMS = "redis://host:port, rediss://host:port or redis-sentinel://host:port,host:port/master";
  private final String variable;
  private final String url;

  RedisUrlParser(String variable, String url) {
    this.variable = variable;
    this.url = url == null ? "" : url.strip();
  }

  private ConfigException error(String problem) {
    return new ConfigException(variable, problem, masked());
  }

  /** The URL with whatever stands between {@code ://} and the last {@code @} after the user masked. */
  private String masked() {
    int scheme = url.indexOf("://");
    int at = url.lastIndexOf('@');
    if (scheme < 0 || at < scheme) return url;
    String info = url.substring(scheme + 3, at);
    int colon = info.indexOf(':');
    return url.substring(0, scheme + 3) + (colon < 0 ? "***" : info.substring(0, colon) + ":***") + url.substring(at);
  }

  RedisEndpoint parse() {
    if (url.isEmpty()) throw error("must be a Redis URL such as " + FORMS);
    int sep = url.indexOf("://");
    if (sep < 0) throw error("must be a URL such as " + FORMS);
    String scheme = url.substring(0, sep).toLowerCase(Locale.ROOT);
    boolean sentinel;
    boolean tls;
    switch (scheme) {
      case "redis" -> { sentinel = false; tls = false; }
      case "rediss" -> { sentinel = false; tls = true; }
      case "redis-sentinel" -> { sentinel = true; tls = false; }
      case "rediss-sentinel" -> { sentinel = true; tls = true; }
      default -> throw error("must start with redis://, rediss://, redis-sentinel:// or rediss-sentinel://");
    }
    String rest = url.substring(sep + 3);
    if (rest.contains("?") || rest.contains("#")) throw error("must not have query parameters or a fragment");
    Optional<Credentials> credentials = Optional.empty();
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      credentials = Optional.of(credentials(rest.substring(0, at)));
      rest = rest.substring(at + 1);
    }
    int slash = rest.indexOf('/');
    String hosts = slash < 0 ? rest : rest.substring(0, slash);
    List<String> path = slash < 0 ? List.of() : List.of(rest.substring(slash + 1).split("/", -1));
    if (path.size() == 1 && path.get(0).isEmpty()) path = List.of(); // a trailing slash
    List<Address> addresses = addresses(hosts, sentinel ? RedisEndpoint.DEFAULT_SENTINEL_PORT : RedisEndpoint.DEFAULT_PORT);
    if (!sentinel) {
      if (addresses.size() > 1) {
        throw error("must name one server (for several, list Sentinel addresses: redis-sentinel://host:26379,host:26379/master)");
      }
      if (path.size() > 1) throw error("must end with at most a database number (redis://host:port/0)");
      int database = path.isEmpty() ? 0 : database(path.get(0));
      return new Single(addresses.get(0), tls, credentials, database);
    }
    if (path.isEmpty() || path.get(0).isEmpty()) {
      throw error("must name the Sentinel master after the addresses (redis-sentinel://host:26379,host:26379/mymaster)");
    }
    if (path.size() > 2) throw error("must end with /master or /master/database");
    String master = path.get(0);
    if (!master.matches("[A-Za-z0-9._-]+")) throw error("must name the Sentinel master with letters, digits or . _ -");
    int database = path.size() == 2 ? database(path.get(1)) : 0;
    return new Sentinel(addresses, master, tls, credentials, database);
  }

  private Credentials credentials(String info) {
    int colon = info.indexOf(':');
    if (colon < 0) throw error("must give credentials as user:password@ or :password@");
    String password = decode(info.substring(colon + 1));
    if (password.isEmpty()) throw error("must not have an empty password (leave out user:password@ for none)");
    return new Credentials(decode(info.substring(0, colon)), password);
  }

  private List<Address> addresses(String hosts, int defaultPort) {
    if (hosts.isBlank()) throw error("must name a host");
    List<Address> out = new ArrayList<>();
    for (String part : hosts.split(",", -1)) {
      String hp = part.strip();
      if (hp.isEmpty()) throw error("must not have an empty host in its address list");
      String host;
      String port = null;
      if (hp.startsWith("[")) {
        int close = hp.indexOf(']');
        if (close < 0) throw error("must close the bracket of an IPv6 host");
        host = hp.substring(1, close);
        String after = hp.substring(close + 1);
        if (!after.isEmpty()) {
          if (!after.startsWith(":")) throw error("must write host:port");
          port = after.substring(1);
        }
      } else {
        int colon = hp.lastIndexOf(':');
        if (colon >= 0 && hp.indexOf(':') != colon) throw error("must write an IPv6 host in brackets ([::1]:6379)");
        host = colon < 0 ? hp : hp.substring(0, colon);
        port = colon < 0 ? null : hp.substring(colon + 1);
      }
      if (host.isEmpty() || !host.matches("[A-Za-z0-9._:%-]+")) throw error("must name hosts with letters, digits, '.', '-' (or an IP)");
      int p = defaultPort;
      if (port != null) {
        if (!port.matches("\\d{1,5}")) throw error("must give ports as numbers from 1 to 65535");
        p = Integer.parseInt(port);
        if (p < 1 || p > 65535) throw error("must give ports as numbers from 1 to 65535");
      }
      out.add(new Address(host, p));
    }
    return out;
  }

  private int database(String s) {
    if (!s.matches("\\d{1,9}")) throw error("must give the database as a number (…/0)");
    return Integer.parseInt(s);
  }

  /** Decodes percent-escapes ({@code %40}); other characters stay as written. */
  private String decode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < s.length()) {
      if (s.charAt(i) == '%') {
        if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0 || Character.digit(s.charAt(i + 2), 16) < 0) {
          throw error("must escape '%' in credentials as %25");
        }
        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 3;
      } else {
        int next = s.indexOf('%', i);
        int end = next < 0 ? s.length() : next;
        out.writeBytes(s.substring(i, end).getBytes(StandardCharsets.UTF_8));
        i = end;
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
