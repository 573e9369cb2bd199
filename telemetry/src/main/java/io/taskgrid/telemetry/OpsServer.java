package io.taskgrid.telemetry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.taskgrid.core.config.Setting;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations endpoint of a coordinator or worker, on plain HTTP or, with {@link Tls}, on
 * HTTPS only: {@code GET /metrics} (Prometheus text format), {@code GET /health/live} and {@code
 * GET /health/ready} (200 when up, 503 when not, a JSON body naming each check). Served by the
 * JDK's HTTP server, a virtual thread per exchange; nothing here touches the task path.
 */
public final class OpsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpsServer.class);

  /** The port value that turns the endpoint off. */
  public static final int OFF = -1;

  /** The port setting, the same key for coordinators and workers. */
  public static final Setting<Integer> HTTP_PORT = new Setting<>("TASKGRID_HTTP_PORT", "off",
      "Port of the HTTP operations endpoint (`/metrics` for Prometheus, `/health/live`, `/health/ready`); `off` for none, 0 for a free one.",
      OpsServer::parsePort);

  private final HttpServer server;
  private final ExecutorService executor;

  private OpsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** {@code off} (or empty) is {@link #OFF}; otherwise a port from 0 to 65535. */
  public static Integer parsePort(String s) {
    String v = s.trim();
    if (v.isEmpty() || v.equalsIgnoreCase("off")) return OFF;
    int port = Integer.parseInt(v);
    if (port < 0 || port > 65535) throw new IllegalArgumentException("must be off or a port from 0 to 65535");
    return port;
  }

  /** Serves {@code metrics}, {@code liveness} and {@code readiness} on {@code port} (0: a free one) of every interface. */
  public static OpsServer start(int port, String threadPrefix, Metrics metrics, Health liveness, Health readiness) {
    return start(port, threadPrefix, metrics, liveness, readiness, List.of());
  }

  /**
   * One more context on the same port: requests whose path starts with {@code path} (as the JDK's
   * {@code HttpServer} matches contexts: the longest matching prefix wins) go to {@code handler},
   * which answers any method it likes. The handler runs on a virtual thread of its own, so it
   * may block (a server-sent event stream, a call to the API).
   */
  public record Route(String path, HttpHandler handler) {
    public Route {
      if (path == null || !path.startsWith("/")) throw new IllegalArgumentException("a route's path starts with /: " + path);
      if (handler == null) throw new IllegalArgumentException("a route needs a handler");
    }
  }

  /** Whether an HTTPS port asks a client for a certificate. */
  public enum ClientAuth {
    /** Never asks. */
    NONE,
    /** Asks; a client without one is still served (it authenticates some other way, or not at all). */
    WANT,
    /** Asks, and refuses the handshake of a client without a certificate the context trusts. */
    NEED
  }

  /**
   * HTTPS for the port: the server's certificate and trusted client CAs are {@code context}'s (a
   * context whose key manager reloads its files serves the new certificate to new connections).
   */
  public record Tls(SSLContext context, ClientAuth clientAuth) {
    public Tls {
      if (context == null) throw new IllegalArgumentException("HTTPS needs an SSLContext");
      if (clientAuth == null) throw new IllegalArgumentException("HTTPS needs a client-auth mode (NONE, WANT or NEED)");
    }

    /** The handshake parameters of each connection: the context's defaults with the client-auth mode. */
    SSLParameters parameters() {
      SSLParameters p = context.getDefaultSSLParameters();
      switch (clientAuth) {
        case NONE -> {
          p.setNeedClientAuth(false);
          p.setWantClientAuth(false);
        }
        case WANT -> p.setWantClientAuth(true);
        case NEED -> p.setNeedClientAuth(true);
      }
      return p;
    }
  }

  /**
   * As {@link #start(int, String, Metrics, Health, Health)}, plus {@code routes} (the coordinator's
   * HTTP API and dashboard); a route at {@code /} replaces the default not-found answer.
   */
  public static OpsServer start(int port, String threadPrefix, Metrics metrics, Health liveness, Health readiness, List<Route> routes) {
    return start(port, threadPrefix, metrics, liveness, readiness, routes, Optional.empty());
  }

  /**
   * As {@link #start(int, String, Metrics, Health, Health, List)}, on HTTPS when {@code tls} is
   * present (then only HTTPS: a plaintext request gets no answer). Metrics and health need no
   * credentials either way; the routes' handlers check their own (an {@link
   * com.sun.net.httpserver.HttpsExchange} gives them the client's verified certificate).
   */
  public static OpsServer start(int port, String threadPrefix, Metrics metrics, Health liveness, Health readiness, List<Route> routes,
      Optional<Tls> tls) {
    return start("", port, threadPrefix, metrics, liveness, readiness, routes, tls);
  }

  /**
   * As {@link #start(int, String, Metrics, Health, Health, List, Optional)}, listening on {@code
   * bindAddress} only (an IP address or host name; empty: every interface).
   */
  public static OpsServer start(String bindAddress, int port, String threadPrefix, Metrics metrics, Health liveness, Health readiness,
      List<Route> routes, Optional<Tls> tls) {
    InetSocketAddress address = bindAddress == null || bindAddress.isBlank() ? new InetSocketAddress(port) : new InetSocketAddress(bindAddress, port);
    hardenDefaults();
    HttpServer server;
    try {
      if (tls.isPresent()) {
        Tls t = tls.get();
        HttpsServer https = HttpsServer.create(address, 64);
        https.setHttpsConfigurator(new HttpsConfigurator(t.context()) {
          @Override
          public void configure(HttpsParameters params) {
            params.setSSLParameters(t.parameters());
          }
        });
        server = https;
      } else {
        server = HttpServer.create(address, 64);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open HTTP port " + port + " (" + HTTP_PORT.name() + ")", e);
    }
    // one virtual thread per exchange: a long-lived stream or a slow call never holds up /metrics or /health
    ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(threadPrefix + "-http-", 0).factory());
    server.setExecutor(executor);
    server.createContext("/metrics", exchange -> respond(exchange, () -> {
      ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
      metrics.writePrometheus(body);
      return new Response(200, metrics.prometheusContentType(), body.toByteArray());
    }));
    server.createContext("/health/live", exchange -> respond(exchange, () -> health(liveness)));
    server.createContext("/health/ready", exchange -> respond(exchange, () -> health(readiness)));
    boolean hasRoot = false;
    for (Route route : routes) {
      server.createContext(route.path(), route.handler());
      hasRoot |= route.path().equals("/");
    }
    if (!hasRoot) {
      server.createContext("/", exchange -> respond(exchange,
          () -> new Response(404, "text/plain; charset=utf-8", "try /metrics, /health/live or /health/ready\n".getBytes(StandardCharsets.UTF_8))));
    }
    server.start();
    log.info("HTTP endpoint on {}://0.0.0.0:{}{} (/metrics, /health/live, /health/ready{})", tls.isPresent() ? "https" : "http",
        server.getAddress().getPort(), tls.map(t -> ", client certificates: " + t.clientAuth().name().toLowerCase(java.util.Locale.ROOT)).orElse(""),
        routes.stream().map(r -> ", " + r.path()).collect(java.util.stream.Collectors.joining()));
    return new OpsServer(server, executor);
  }

  /**
   * The JDK HTTP server's limits against slow and greedy clients, as {@code name=value} of its
   * system properties. By default it waits forever for a request's headers and body (a slow-loris
   * client, one byte at a time, holds a connection and its thread for good); these bound that.
   * Not {@code sun.net.httpserver.maxRspTime}: event streams (watches) answer for as long as their
   * client stays.
   */
  static final Map<String, String> HARDENED = Map.of(
      // a request's line, headers and body must all arrive within this many seconds (a connection that sent nothing yet too)
      "sun.net.httpserver.maxReqTime", "15",
      // a kept-alive connection with no request is closed after this many seconds (the JDK's default, stated)
      "sun.net.httpserver.idleInterval", "30",
      // kept-alive connections waiting for a next request, at most (the JDK's default, stated)
      "sun.net.httpserver.maxIdleConnections", "200",
      // request headers, at most: more closes the connection unanswered
      "sun.net.httpserver.maxReqHeaders", "100",
      // bytes of request line and headers, at most, on JDKs that read it (25 does); elsewhere maxReqHeaders is the bound
      "sun.net.httpserver.maxReqHeaderSize", Integer.toString(64 * 1024),
      // open connections, at most: more are closed as they are accepted
      "jdk.httpserver.maxConnections", "1000");

  /**
   * Sets each {@link #HARDENED} property the process has not set itself (a value given with
   * {@code -D} wins). The JDK reads them once, when its first HTTP server starts, so this runs
   * before any server is created.
   */
  static void hardenDefaults() {
    HARDENED.forEach((name, value) -> {
      if (System.getProperty(name) == null) System.setProperty(name, value);
    });
  }

  private record Response(int status, String contentType, byte[] body) {}

  private interface Handler {
    Response handle() throws IOException;
  }

  private static Response health(Health health) {
    Health.Report report = health.check();
    return new Response(report.up() ? 200 : 503, "application/json", report.toJson().getBytes(StandardCharsets.UTF_8));
  }

  private static void respond(HttpExchange exchange, Handler handler) {
    try (exchange) {
      Response r;
      if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
        r = new Response(405, "text/plain; charset=utf-8", "GET only\n".getBytes(StandardCharsets.UTF_8));
      } else {
        try {
          r = handler.handle();
        } catch (IOException | RuntimeException e) {
          log.warn("Operations endpoint {} failed: {}", exchange.getRequestURI(), e.toString());
          r = new Response(500, "text/plain; charset=utf-8", (e + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
      exchange.getResponseHeaders().set("Content-Type", r.contentType());
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(r.status(), head ? -1 : r.body().length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(r.body());
        }
      }
    } catch (IOException e) {
      log.debug("Operations endpoint: client went away: {}", e.toString());
    }
  }

  /** The port it listens on (useful when started with 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Whether it listens on a loopback address only (so no other host reaches it). */
  public boolean listensOnLoopbackOnly() {
    java.net.InetAddress a = server.getAddress().getAddress();
    return a != null && a.isLoopbackAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
