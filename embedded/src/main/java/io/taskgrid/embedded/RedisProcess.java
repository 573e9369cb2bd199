package io.taskgrid.embedded;

import io.taskgrid.embedded.internal.FreePorts;
import io.taskgrid.embedded.internal.TempDirs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real {@code redis-server} as a child process on a free loopback port: the one on the PATH if
 * there is one, otherwise the binary shipped in the {@code com.github.codemonstur:embedded-redis}
 * jar. Started with {@code --bind 127.0.0.1 --save "" --protected-mode no}, its directory a
 * temporary one, append-only persistence off unless asked for. {@link RedisSentinelCluster} also
 * starts replicas and sentinels with it.
 *
 * <p>Lifecycle: {@link #start()} returns once the server answers PING. {@link #kill()} (SIGKILL)
 * and {@link #restart()} (same port, same directory) are for failure tests; {@link #close()} stops
 * it and removes its temporary directory, and is idempotent. A JVM shutdown hook kills the child
 * should this JVM exit without closing it.
 */
public final class RedisProcess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisProcess.class);

  private final Path dir;
  private final Path binary;
  private final int port;
  private final boolean appendOnly;
  /** Arguments of this server's role: {@code --replicaof …}, or empty. */
  private final List<String> roleArgs;
  /** A sentinel's config file (Sentinel rewrites it), or null for a data node. */
  private final Path sentinelConfig;
  /** TLS and ACL of a secured server ({@link #startSecured}), or null. */
  private final Security security;
  /** One hook per instance, removed by {@link #close()}, so restarts do not pile up hooks. */
  private final Thread reaper = new Thread(this::destroyChild, "tg-redis-reaper");
  private volatile Process process;
  private boolean reaperRegistered;
  private boolean closed;

  private RedisProcess(Path dir, Path binary, int port, boolean appendOnly, List<String> roleArgs, Path sentinelConfig, Security security) {
    this.security = security;
    this.dir = dir;
    this.binary = binary;
    this.port = port;
    this.appendOnly = appendOnly;
    this.roleArgs = List.copyOf(roleArgs);
    this.sentinelConfig = sentinelConfig;
  }

  /** Starts a Redis without persistence. */
  public static RedisProcess start() {
    return start(false);
  }

  /** Starts a Redis; with {@code appendOnly} its data survives {@link #kill()} and {@link #restart()}. */
  public static RedisProcess start(boolean appendOnly) {
    return start(appendOnly, List.of(), null);
  }

  /**
   * What a secured server takes: its certificate and key (PEM), the CA of the clients' certificates,
   * whether clients must present one, and the one ACL user allowed in (the default user is off).
   */
  public record Security(Path certificate, Path privateKey, Path clientCa, boolean requireClientCertificates, String username,
      String password) {
    @Override
    public String toString() {
      return "Security[certificate=" + certificate + ", username=" + username + ", password=***]";
    }
  }

  /**
   * Whether {@link #startSecured} can work here: it needs a {@code redis-server} built with TLS on
   * the PATH (Debian's {@code redis-server} package is), since the binary bundled in the
   * embedded-redis jar has no TLS.
   */
  public static boolean tlsAvailable() {
    return pathBinary() != null;
  }

  /**
   * Starts a Redis that listens only for TLS (no plaintext port) and lets in only {@code
   * security}'s ACL user; see {@link #tlsAvailable}. {@link #redisUrl} is then {@code
   * rediss://127.0.0.1:PORT}, without the credentials.
   */
  public static RedisProcess startSecured(Security security) {
    if (!tlsAvailable()) throw new IllegalStateException("no redis-server on the PATH: the bundled one has no TLS");
    return start(false, List.of(), null, FreePorts.next(), security);
  }

  /** Starts a replica of the Redis on {@code primaryPort} (for {@link RedisSentinelCluster}). */
  static RedisProcess startReplicaOf(int primaryPort) {
    return start(false, List.of("--replicaof", "127.0.0.1", Integer.toString(primaryPort)), null);
  }

  /**
   * Starts a sentinel with the given {@code sentinel …} directives (for {@link
   * RedisSentinelCluster}); it listens on a free port like any other.
   */
  static RedisProcess startSentinel(List<String> directives) {
    int port = FreePorts.next();
    List<String> lines = new ArrayList<>(List.of("port " + port, "bind 127.0.0.1", "protected-mode no", "daemonize no"));
    lines.addAll(directives);
    return start(false, List.of(), String.join("\n", lines) + "\n", port);
  }

  private static RedisProcess start(boolean appendOnly, List<String> roleArgs, String sentinelConfText) {
    return start(appendOnly, roleArgs, sentinelConfText, FreePorts.next());
  }

  /** With {@code sentinelConfText} (null for a data node), a sentinel with that config file. */
  private static RedisProcess start(boolean appendOnly, List<String> roleArgs, String sentinelConfText, int port) {
    return start(appendOnly, roleArgs, sentinelConfText, port, null);
  }

  private static RedisProcess start(boolean appendOnly, List<String> roleArgs, String sentinelConfText, int port, Security security) {
    Path dir = TempDirs.create(sentinelConfText == null ? "taskgrid-redis-" : "taskgrid-sentinel-");
    RedisProcess redis;
    try {
      Path config = null;
      if (sentinelConfText != null) {
        config = dir.resolve("sentinel.conf");
        Files.writeString(config, "dir " + dir + "\n" + sentinelConfText);
      }
      redis = new RedisProcess(dir, binary(dir), port, appendOnly, roleArgs, config, security);
    } catch (IOException e) {
      TempDirs.delete(dir);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      TempDirs.delete(dir);
      throw e;
    }
    try {
      redis.launch();
    } catch (RuntimeException e) {
      redis.close();
      throw e;
    }
    log.info("redis-server ({}) ready at {}{}", redis.binary, redis.redisUrl(),
        sentinelConfText != null ? " as a sentinel" : roleArgs.isEmpty() ? "" : " " + String.join(" ", roleArgs));
    return redis;
  }

  private static Path pathBinary() {
    for (String p : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(p, "redis-server");
      if (Files.isExecutable(candidate)) return candidate;
    }
    return null;
  }

  private static Path binary(Path dir) {
    Path onPath = pathBinary();
    if (onPath != null) return onPath;
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String resource;
    if (os.contains("linux")) {
      resource = arch.contains("aarch64") || arch.contains("arm64") ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
    } else if (os.contains("mac")) {
      resource = arch.contains("aarch64") ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
    } else {
      throw new IllegalStateException("no redis-server on the PATH and no bundled binary for " + os + "/" + arch);
    }
    try (InputStream in = RedisProcess.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("resource " + resource + " missing: is embedded-redis on the classpath?");
      Path target = dir.resolve("redis-server");
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      if (!target.toFile().setExecutable(true)) throw new IllegalStateException("cannot make " + target + " executable");
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private synchronized void launch() {
    List<String> cmd = new ArrayList<>(List.of(binary.toString()));
    if (sentinelConfig != null) {
      cmd.addAll(List.of(sentinelConfig.toString(), "--sentinel")); // port and the rest are in the file
    } else if (security != null) {
      // each word of a config line is its own argument: redis-server quotes an argument that has spaces
      cmd.addAll(List.of("--port", "0", "--tls-port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(),
          "--save", "", "--appendonly", "no", "--daemonize", "no",
          "--tls-cert-file", security.certificate().toString(), "--tls-key-file", security.privateKey().toString(),
          "--tls-ca-cert-file", security.clientCa().toString(), "--tls-auth-clients", security.requireClientCertificates() ? "yes" : "no",
          "--user", "default", "off",
          "--user", security.username(), "on", ">" + security.password(), "~*", "&*", "+@all"));
    } else {
      cmd.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "",
          "--appendonly", appendOnly ? "yes" : "no", "--protected-mode", "no", "--daemonize", "no"));
      cmd.addAll(roleArgs);
    }
    if (!reaperRegistered) {
      Runtime.getRuntime().addShutdownHook(reaper);
      reaperRegistered = true;
    }
    try {
      process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + binary, e);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) throw new IllegalStateException("redis-server exited at start: " + readLog());
      // a secured server has no plaintext port to PING: it is ready when it says so
      if (security != null ? readLog().contains("Ready to accept connections") : "+PONG".equals(command("PING"))) return;
      try {
        Thread.sleep(50); // polling a server that is starting
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException("redis-server not ready within 30s: " + readLog());
  }

  private void destroyChild() {
    Process p = process;
    if (p != null) p.destroyForcibly();
  }

  private String readLog() {
    try {
      return Files.readString(dir.resolve("redis.log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  /** Sends one inline command; returns the first reply line, or null when Redis does not answer. */
  private String command(String inline) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      s.setSoTimeout(2000);
      OutputStream out = s.getOutputStream();
      out.write((inline + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) != -1 && c != '\r') line.append((char) c);
      return line.toString();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * {@code redis://127.0.0.1:PORT} ({@code rediss://} when secured, with no credentials); the same
   * across {@link #restart()}.
   */
  public String redisUrl() {
    return (security != null ? "rediss" : "redis") + "://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Deletes every key (FLUSHALL over a raw socket). */
  public void flushAll() {
    String reply = command("FLUSHALL");
    if (!"+OK".equals(reply)) throw new IllegalStateException("FLUSHALL failed: " + reply);
  }

  /** SIGKILL, as a crash would. */
  public synchronized void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Starts again on the same port (after {@link #kill()}); data survives only with append-only persistence. */
  public synchronized void restart() {
    if (closed) throw new IllegalStateException("RedisProcess is closed");
    kill();
    launch();
  }

  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and deletes its directory. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        kill();
      }
    }
    if (reaperRegistered) {
      try {
        Runtime.getRuntime().removeShutdownHook(reaper);
      } catch (IllegalStateException jvmShuttingDown) {
        // the hook runs anyway and kills an already stopped child: harmless
      }
    }
    TempDirs.delete(dir);
  }
}
