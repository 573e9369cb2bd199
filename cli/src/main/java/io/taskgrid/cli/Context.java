package io.taskgrid.cli;

import io.grpc.ChannelCredentials;
import io.taskgrid.core.Durations;
import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.config.ApiClientSecurity;
import io.taskgrid.core.config.ConfigException;
import io.taskgrid.wire.grpc.CoordinatorCredentials;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What every command works with: the streams, the environment, the global options, the connection. */
final class Context implements AutoCloseable {
  static final String DEFAULT_COORDINATOR = "localhost:7233";

  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;
  private final boolean colour;
  private final Clock clock;
  private TaskgridCli root;
  private Api api;

  Context(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, boolean colour, Clock clock) {
    this.in = in;
    this.out = out;
    this.err = err;
    this.env = env;
    this.colour = colour;
    this.clock = clock;
  }

  void root(TaskgridCli root) {
    this.root = root;
  }

  InputStream in() {
    return in;
  }

  PrintStream out() {
    return out;
  }

  PrintStream err() {
    return err;
  }

  Map<String, String> env() {
    return env;
  }

  Clock clock() {
    return clock;
  }

  TaskgridCli.Format format() {
    return root.output;
  }

  Render render() {
    return new Render(out, colour, clock.instant());
  }

  /** The coordinators to try, in order: --coordinator, else TASKGRID_COORDINATORS, else localhost:7233. */
  List<String> coordinators() {
    String spec = root.coordinator;
    String from = "--coordinator";
    if (spec == null || spec.isBlank()) {
      spec = env.get("TASKGRID_COORDINATORS");
      from = "TASKGRID_COORDINATORS";
    }
    if (spec == null || spec.isBlank()) return List.of(DEFAULT_COORDINATOR);
    List<String> out = new ArrayList<>();
    for (String part : spec.split(",")) {
      String a = part.trim();
      if (a.isEmpty()) continue;
      int colon = a.lastIndexOf(':');
      boolean ok = colon > 0 && colon < a.length() - 1;
      if (ok) {
        try {
          int port = Integer.parseInt(a.substring(colon + 1));
          ok = port > 0 && port < 65536;
        } catch (NumberFormatException e) {
          ok = false;
        }
      }
      if (!ok) throw new TaskgridCli.UsageException(from + ": \"" + a + "\" is not host:port");
      out.add(a);
    }
    if (out.isEmpty()) throw new TaskgridCli.UsageException(from + ": no coordinator address in \"" + spec + "\"");
    return out;
  }

  String coordinatorsForMessages() {
    try {
      return String.join(",", coordinators());
    } catch (RuntimeException e) {
      return "?";
    }
  }

  Duration callTimeout() {
    try {
      Duration d = Durations.parse("--call-timeout", root.callTimeout);
      if (d.isZero() || d.isNegative()) throw new TaskgridCli.UsageException("--call-timeout: must be positive, got \"" + root.callTimeout + "\"");
      return d;
    } catch (InvalidArgumentException e) {
      throw new TaskgridCli.UsageException(e.getMessage());
    }
  }

  /**
   * TLS and the token towards the coordinator: each flag, else its environment variable. A flag
   * for the token replaces both token variables, so {@code --token} beats {@code TASKGRID_TOKEN_FILE}.
   */
  ApiClientSecurity security() {
    Map<String, String> settings = new HashMap<>(env);
    if (root.token != null || root.tokenFile != null) {
      settings.remove(ApiClientSecurity.TOKEN.name());
      settings.remove(ApiClientSecurity.TOKEN_FILE.name());
    }
    if (root.token != null) settings.put(ApiClientSecurity.TOKEN.name(), root.token);
    if (root.tokenFile != null) settings.put(ApiClientSecurity.TOKEN_FILE.name(), root.tokenFile);
    if (root.tls) settings.put(ApiClientSecurity.TLS.name(), "on");
    if (root.tlsCa != null) settings.put(ApiClientSecurity.TLS_CA.name(), root.tlsCa);
    if (root.tlsCert != null) settings.put(ApiClientSecurity.TLS_CERT.name(), root.tlsCert);
    if (root.tlsKey != null) settings.put(ApiClientSecurity.TLS_KEY.name(), root.tlsKey);
    try {
      return ApiClientSecurity.fromEnvironment(settings);
    } catch (ConfigException e) {
      throw new TaskgridCli.UsageException(withFlag(e));
    }
  }

  /** {@code TASKGRID_TOKEN_FILE must ...} as {@code --token-file (TASKGRID_TOKEN_FILE) must ...}. */
  static String withFlag(ConfigException e) {
    String flag = FLAGS.get(e.variable());
    return flag == null ? e.getMessage() : flag + " (" + e.getMessage().replaceFirst(" ", ") ");
  }

  private static final Map<String, String> FLAGS = Map.of(ApiClientSecurity.TOKEN.name(), "--token", ApiClientSecurity.TOKEN_FILE.name(),
      "--token-file", ApiClientSecurity.TLS.name(), "--tls", ApiClientSecurity.TLS_CA.name(), "--tls-ca", ApiClientSecurity.TLS_CERT.name(),
      "--tls-cert", ApiClientSecurity.TLS_KEY.name(), "--tls-key");

  /** The connection, opened on first use. */
  Api api() {
    if (api == null) {
      ChannelCredentials credentials;
      try {
        credentials = CoordinatorCredentials.of(security());
      } catch (ConfigException e) { // a file that cannot be read
        throw new TaskgridCli.UsageException(withFlag(e));
      }
      api = new Api(coordinators(), callTimeout(), credentials);
    }
    return api;
  }

  @Override
  public void close() {
    if (api != null) api.close();
  }
}
