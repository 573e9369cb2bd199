package io.taskgrid.coordinator.internal.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.grpc.Channel;
import io.grpc.Status;
import io.taskgrid.proto.v1.CancelExecutionRequest;
import io.taskgrid.proto.v1.ExecutionStatus;
import io.taskgrid.proto.v1.GetExecutionRequest;
import io.taskgrid.proto.v1.GetStatsRequest;
import io.taskgrid.proto.v1.GetTaskRequest;
import io.taskgrid.proto.v1.ListCircuitBreakersRequest;
import io.taskgrid.proto.v1.ListExecutionsRequest;
import io.taskgrid.proto.v1.ListExecutionsResponse;
import io.taskgrid.proto.v1.ListTasksRequest;
import io.taskgrid.proto.v1.ListTasksResponse;
import io.taskgrid.proto.v1.ListWorkersRequest;
import io.taskgrid.proto.v1.PauseTaskRequest;
import io.taskgrid.proto.v1.ResumeTaskRequest;
import io.taskgrid.proto.v1.RunTaskRequest;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.WatchLifecycleRequest;
import io.taskgrid.telemetry.OpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web dashboard at {@code /ui/}: server-rendered pages over the TaskService, called in process
 * (so it shows exactly what the API shows, with the API's checks and errors), and a stream of
 * lifecycle events for the pages' live rows. Buttons are POST forms that redirect back.
 */
public final class Dashboard implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(Dashboard.class);
  private static final long DEADLINE_SECONDS = 10;
  private static final Map<String, String> STATIC = Map.of("dashboard.css", "text/css; charset=utf-8", "dashboard.js",
      "text/javascript; charset=utf-8");

  private final Channel api;
  private final Clock clock;
  private final LifecycleStream lifecycle;
  private final Map<String, byte[]> assets = new HashMap<>();

  public Dashboard(Channel api, Clock clock) {
    this.api = api;
    this.clock = clock;
    this.lifecycle = new LifecycleStream(api);
    STATIC.keySet().forEach(name -> assets.put(name, resource(name)));
  }

  /** The dashboard's routes on the coordinator's HTTP port: {@code /ui/}, and {@code /} sending browsers there. */
  public static List<OpsServer.Route> routes(Channel api, Clock clock) {
    return List.of(new OpsServer.Route("/ui", new Dashboard(api, clock)), new OpsServer.Route("/", Dashboard::root));
  }

  private static void root(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (exchange.getRequestURI().getRawPath().equals("/")) {
        exchange.getResponseHeaders().set("Location", "/ui/");
        exchange.sendResponseHeaders(302, -1);
      } else {
        byte[] body = "not found: try /ui/, /metrics, /health/live or /health/ready\n".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(404, body.length);
        exchange.getResponseBody().write(body);
      }
    }
  }

  private TaskServiceGrpc.TaskServiceBlockingStub stub() {
    return TaskServiceGrpc.newBlockingStub(api).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      if (path.equals("/ui")) {
        redirect(exchange, "/ui/");
        return;
      }
      if (!path.startsWith("/ui/")) { // the context matches any path starting /ui, /uix too
        notFound(exchange);
        return;
      }
      List<String> at = Arrays.stream(path.substring("/ui/".length()).split("/", -1)).map(Dashboard::decode).toList();
      if (at.size() > 1 && at.getLast().isEmpty()) at = at.subList(0, at.size() - 1);
      String method = exchange.getRequestMethod();
      if (method.equals("POST")) {
        post(exchange, at);
        return;
      }
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, POST");
        send(exchange, pages().error(405, "Method not allowed", method + " is not served here"));
        return;
      }
      get(exchange, at);
    } catch (IOException e) {
      throw e;
    } catch (RuntimeException e) {
      // a bug of the dashboard: logged here, never shown to the browser
      log.warn("Dashboard page {} failed", exchange.getRequestURI(), e);
      sendQuietly(exchange, pages().error(500, "Internal error", "The page could not be rendered; the coordinator's log has the details."));
    }
  }

  private void get(HttpExchange exchange, List<String> at) throws IOException {
    Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
    String first = at.getFirst();
    switch (at.size()) {
      case 1 -> {
        switch (first) {
          case "", "tasks" -> send(exchange, tasksPage());
          case "executions" -> send(exchange, executionsPage(query));
          case "stats" -> send(exchange, pages().stats(Reply.call(() -> stub().getStats(GetStatsRequest.getDefaultInstance()))));
          case "breakers" -> send(exchange,
              pages().breakers(Reply.call(() -> stub().listCircuitBreakers(ListCircuitBreakersRequest.getDefaultInstance()))));
          case "workers" -> send(exchange, pages().workers(Reply.call(() -> stub().listWorkers(ListWorkersRequest.getDefaultInstance()))));
          case "events" -> lifecycle.serve(exchange, WatchLifecycleRequest.newBuilder().setTaskId(query.getOrDefault("task", ""))
              .setHandler(query.getOrDefault("handler", "")).setExecutionId(query.getOrDefault("execution", "")).build());
          default -> notFound(exchange);
        }
      }
      case 2 -> {
        String id = at.get(1);
        switch (first) {
          case "tasks" -> send(exchange, taskPage(id));
          case "executions" -> send(exchange, executionPage(id));
          case "static" -> asset(exchange, id);
          default -> notFound(exchange);
        }
      }
      default -> notFound(exchange);
    }
  }

  private void post(HttpExchange exchange, List<String> at) throws IOException {
    if (!sameOrigin(exchange)) {
      send(exchange, pages().error(403, "Forbidden", "A form of another site cannot act on this dashboard."));
      return;
    }
    Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    if (at.size() != 3) {
      notFound(exchange);
      return;
    }
    String id = at.get(1);
    Reply<?> done = switch (at.getFirst() + "/" + at.get(2)) {
      case "tasks/pause" -> Reply.call(() -> stub().pauseTask(PauseTaskRequest.newBuilder().setTaskId(id).build()));
      case "tasks/resume" -> Reply.call(() -> stub().resumeTask(ResumeTaskRequest.newBuilder().setTaskId(id).build()));
      case "tasks/run" -> Reply.call(() -> stub().runTask(RunTaskRequest.newBuilder().setTaskId(id).build()));
      case "executions/cancel" -> Reply.call(() -> stub().cancelExecution(CancelExecutionRequest.newBuilder().setExecutionId(id).build()));
      default -> null;
    };
    switch (done) {
      case null -> notFound(exchange);
      case Reply.Ok<?> ok -> redirect(exchange, at.getFirst().equals("executions") ? "/ui/executions/" + Html.url(id) : back(form.get("back")));
      case Reply.Failed<?> f -> send(exchange, failed(f, at.get(2) + " " + id));
    }
  }

  // ------------------------------------------------------------------- pages

  private Pages pages() {
    return new Pages(clock.instant());
  }

  private Pages.Page tasksPage() {
    Reply<ListTasksResponse> tasks = Reply.call(() -> stub().listTasks(ListTasksRequest.newBuilder().setPageSize(1000).build()));
    boolean more = tasks instanceof Reply.Ok<ListTasksResponse> ok && !ok.value().getNextPageToken().isEmpty();
    return pages().tasks(tasks, more);
  }

  private Pages.Page taskPage(String id) {
    return switch (Reply.call(() -> stub().getTask(GetTaskRequest.newBuilder().setTaskId(id).build()))) {
      case Reply.Ok<io.taskgrid.proto.v1.Task> ok -> pages().task(ok.value(),
          Reply.call(() -> stub().listExecutions(ListExecutionsRequest.newBuilder().setTaskId(id).setPageSize(20).build())));
      case Reply.Failed<io.taskgrid.proto.v1.Task> f -> failed(f, "task " + id);
    };
  }

  private Pages.Page executionPage(String id) {
    return switch (Reply.call(() -> stub().getExecution(GetExecutionRequest.newBuilder().setExecutionId(id).build()))) {
      case Reply.Ok<io.taskgrid.proto.v1.Execution> ok -> pages().execution(ok.value());
      case Reply.Failed<io.taskgrid.proto.v1.Execution> f -> failed(f, "execution " + id);
    };
  }

  private Pages.Page executionsPage(Map<String, String> query) {
    Pages.ExecutionFilter filter = new Pages.ExecutionFilter(query.getOrDefault("task", "").strip(), query.getOrDefault("handler", "").strip(),
        query.getOrDefault("status", "").strip(), query.getOrDefault("label", "").strip(), query.getOrDefault("page", ""));
    ListExecutionsRequest.Builder request = ListExecutionsRequest.newBuilder().setTaskId(filter.task()).setHandler(filter.handler())
        .setPageSize(50).setPageToken(filter.pageToken());
    if (!filter.status().isEmpty()) {
      try {
        request.addStatuses(ExecutionStatus.valueOf("EXECUTION_STATUS_" + filter.status()));
      } catch (IllegalArgumentException e) {
        return pages().executions(filter, new Reply.Failed<>(Status.Code.INVALID_ARGUMENT, "status: not a status: " + filter.status()));
      }
    }
    if (!filter.label().isEmpty()) {
      for (String pair : filter.label().split(",")) {
        int eq = pair.indexOf('=');
        if (eq < 0) {
          return pages().executions(filter, new Reply.Failed<>(Status.Code.INVALID_ARGUMENT, "label: must be key=value, got " + pair.strip()));
        }
        request.putLabels(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
      }
    }
    return pages().executions(filter, Reply.call(() -> stub().listExecutions(request.build())));
  }

  /** A call about {@code what} failed: a page of its own (404 for an unknown id). */
  private Pages.Page failed(Reply.Failed<?> f, String what) {
    return switch (f.code()) {
      case NOT_FOUND -> pages().error(404, "Not found", "No " + what + ": " + f.message());
      case UNIMPLEMENTED -> pages().error(501, "Not available", "This is not available on this coordinator.");
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> pages().error(400, "Cannot " + what, f.code() + ": " + f.message());
      default -> pages().error(503, "Cannot " + what, f.code() + ": " + f.message());
    };
  }

  // -------------------------------------------------------------------- HTTP

  private void notFound(HttpExchange exchange) throws IOException {
    send(exchange, pages().error(404, "Not found", "No page at " + exchange.getRequestURI().getRawPath()));
  }

  private static void send(HttpExchange exchange, Pages.Page page) throws IOException {
    byte[] body = page.html().getBytes(StandardCharsets.UTF_8);
    var headers = exchange.getResponseHeaders();
    headers.set("Content-Type", "text/html; charset=utf-8");
    headers.set("Cache-Control", "no-store");
    // no inline script or style is ever written, so data that slipped through could still not run
    headers.set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self'");
    headers.set("X-Content-Type-Options", "nosniff");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(page.status(), head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static void sendQuietly(HttpExchange exchange, Pages.Page page) {
    try {
      send(exchange, page);
    } catch (IOException | RuntimeException e) {
      // headers already sent or the browser gone: nothing more to say
    }
  }

  private void asset(HttpExchange exchange, String name) throws IOException {
    byte[] body = assets.get(name);
    if (body == null) {
      notFound(exchange);
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", STATIC.get(name));
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static void redirect(HttpExchange exchange, String to) throws IOException {
    exchange.getResponseHeaders().set("Location", to);
    exchange.sendResponseHeaders(303, -1);
  }

  /** Where a form came from, if it is a dashboard page; the tasks page otherwise (never another site). */
  static String back(String back) {
    if (back == null || !back.startsWith("/ui/") || back.contains("//") || back.contains("\\")) return "/ui/";
    return back;
  }

  /** A POST whose Origin (sent by browsers) is another site's is refused, so no other page can press the buttons. */
  private static boolean sameOrigin(HttpExchange exchange) {
    String origin = exchange.getRequestHeaders().getFirst("Origin");
    if (origin == null || origin.equals("null")) return origin == null;
    String host = exchange.getRequestHeaders().getFirst("Host");
    try {
      URI o = URI.create(origin);
      String authority = o.getPort() < 0 ? o.getHost() : o.getHost() + ":" + o.getPort();
      return host != null && (host.equalsIgnoreCase(authority) || host.equalsIgnoreCase(o.getHost()));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static Map<String, String> form(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) return out;
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = decode(eq < 0 ? pair : pair.substring(0, eq));
      String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
      out.putIfAbsent(k, v);
    }
    return out;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s; // a malformed escape is kept as typed; the API then names it
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = Dashboard.class.getResourceAsStream("/io/taskgrid/coordinator/dashboard/" + name)) {
      if (in == null) throw new IllegalStateException("the dashboard's " + name + " is missing from the classpath");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
