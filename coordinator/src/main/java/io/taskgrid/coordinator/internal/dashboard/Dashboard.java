package io.taskgrid.coordinator.internal.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsExchange;
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
import io.taskgrid.proto.v1.WhoAmIRequest;
import io.taskgrid.proto.v1.WhoAmIResponse;
import io.taskgrid.coordinator.internal.httpauth.Caller;
import io.taskgrid.telemetry.OpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web dashboard at {@code /ui/}: server-rendered pages over the TaskService, called in process
 * (so it shows exactly what the API shows, with the API's checks and errors), and a stream of
 * lifecycle events for the pages' live rows. Buttons are POST forms that redirect back. Each call
 * carries the browser's credentials (see {@link Visit}); when they do not authenticate, pages send
 * the browser to {@code /ui/login}, which keeps a checked token in a {@link SessionCookie}. Every
 * POST must come from the dashboard's own pages ({@link Origins}).
 */
public final class Dashboard implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(Dashboard.class);
  private static final long DEADLINE_SECONDS = 10;
  /** A dashboard form holds an id, a back link or a token: never more. */
  private static final int MAX_FORM_BYTES = 16 * 1024;
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

  private TaskServiceGrpc.TaskServiceBlockingStub stub(Channel channel) {
    return TaskServiceGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * One request: its credentials (an {@code Authorization} header, else the session cookie; and,
   * on HTTPS, the verified client certificate) on every call made for it, and who they name.
   */
  private final class Visit {
    final HttpExchange exchange;
    final Caller caller;
    final Channel channel;
    /** Whether the credentials came from the session cookie (the header then offers to sign out). */
    final boolean session;
    Pages.Viewer viewer = Pages.Viewer.UNKNOWN;

    Visit(HttpExchange exchange) {
      this.exchange = exchange;
      Caller base = Caller.of(exchange);
      Caller withCookie = base;
      if (base.authorization() == null) {
        Optional<String> token = SessionCookie.token(exchange.getRequestHeaders().get("Cookie"));
        if (token.isPresent()) {
          try {
            withCookie = base.withBearer(token.get());
          } catch (Caller.MalformedCredentials e) {
            // not a cookie this dashboard wrote: as if absent, so the browser is sent to sign in
          }
        }
      }
      this.caller = withCookie;
      this.session = withCookie != base;
      this.channel = withCookie.channel(api);
    }

    TaskServiceGrpc.TaskServiceBlockingStub stub() {
      return Dashboard.this.stub(channel);
    }

    Pages pages() {
      return new Pages(clock.instant(), viewer);
    }

    boolean https() {
      return exchange instanceof HttpsExchange;
    }

    /**
     * Asks WhoAmI for the header line; false when the credentials do not authenticate (or there
     * are none and the coordinator wants some): the page is then the login page instead.
     */
    boolean identify() {
      Reply<WhoAmIResponse> who = Reply.call(() -> stub().whoAmI(WhoAmIRequest.getDefaultInstance()));
      switch (who) {
        case Reply.Ok<WhoAmIResponse> ok -> viewer = viewer(ok.value(), session);
        case Reply.Failed<WhoAmIResponse> f -> {
          if (f.code() == Status.Code.UNAUTHENTICATED) return false;
        }
      }
      return true;
    }
  }

  private static Pages.Viewer viewer(WhoAmIResponse who, boolean session) {
    return new Pages.Viewer(who.getName(), who.getRole(), who.getAuthenticationEnabled(), session && who.getAuthenticationEnabled());
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
        post(new Visit(exchange), at);
        return;
      }
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, POST");
        send(exchange, pages().error(405, "Method not allowed", method + " is not served here"));
        return;
      }
      if (at.size() == 2 && at.getFirst().equals("static")) {
        asset(exchange, at.get(1)); // the stylesheet and script are the same for everyone: no credentials needed
        return;
      }
      get(new Visit(exchange), at);
    } catch (Caller.MalformedCredentials e) {
      sendQuietly(exchange, pages().error(401, "Not signed in", e.getMessage()));
    } catch (IOException e) {
      throw e;
    } catch (RuntimeException e) {
      // a bug of the dashboard: logged here, never shown to the browser
      log.warn("Dashboard page {} failed", exchange.getRequestURI().getRawPath(), e);
      sendQuietly(exchange, pages().error(500, "Internal error", "The page could not be rendered; the coordinator's log has the details."));
    }
  }

  private void get(Visit v, List<String> at) throws IOException {
    HttpExchange exchange = v.exchange;
    Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
    String first = at.getFirst();
    if (at.size() == 1 && first.equals("login")) {
      loginPage(v, back(query.get("back")));
      return;
    }
    if (at.size() == 1 && first.equals("events")) {
      lifecycle.serve(exchange, WatchLifecycleRequest.newBuilder().setTaskId(query.getOrDefault("task", ""))
          .setHandler(query.getOrDefault("handler", "")).setExecutionId(query.getOrDefault("execution", "")).build(), v.channel);
      return;
    }
    if (!v.identify()) {
      String here = exchange.getRequestURI().getRawPath() + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
      redirect(exchange, loginPath(here));
      return;
    }
    switch (at.size()) {
      case 1 -> {
        switch (first) {
          case "", "tasks" -> send(exchange, tasksPage(v));
          case "executions" -> send(exchange, executionsPage(v, query));
          case "stats" -> send(exchange, v.pages().stats(Reply.call(() -> v.stub().getStats(GetStatsRequest.getDefaultInstance()))));
          case "breakers" -> send(exchange,
              v.pages().breakers(Reply.call(() -> v.stub().listCircuitBreakers(ListCircuitBreakersRequest.getDefaultInstance()))));
          case "workers" -> send(exchange, v.pages().workers(Reply.call(() -> v.stub().listWorkers(ListWorkersRequest.getDefaultInstance()))));
          default -> notFound(v);
        }
      }
      case 2 -> {
        String id = at.get(1);
        switch (first) {
          case "tasks" -> send(exchange, taskPage(v, id));
          case "executions" -> send(exchange, executionPage(v, id));
          default -> notFound(v);
        }
      }
      default -> notFound(v);
    }
  }

  private void post(Visit v, List<String> at) throws IOException {
    HttpExchange exchange = v.exchange;
    if (!Origins.sameOrigin(exchange.getRequestHeaders().getFirst("Origin"), exchange.getRequestHeaders().getFirst("Referer"),
        exchange.getRequestHeaders().getFirst("Host"), v.https())) {
      send(exchange, pages().error(403, "Forbidden", "A form of another site cannot act on this dashboard."));
      return;
    }
    byte[] raw = exchange.getRequestBody().readNBytes(MAX_FORM_BYTES + 1);
    if (raw.length > MAX_FORM_BYTES) {
      send(exchange, pages().error(413, "Too large", "A dashboard form is never larger than " + MAX_FORM_BYTES + " bytes."));
      return;
    }
    Map<String, String> form = form(new String(raw, StandardCharsets.UTF_8));
    if (at.size() == 1 && at.getFirst().equals("login")) {
      login(v, form);
      return;
    }
    if (at.size() == 1 && at.getFirst().equals("logout")) {
      exchange.getResponseHeaders().add("Set-Cookie", SessionCookie.clear(v.https()));
      redirect(exchange, "/ui/login");
      return;
    }
    if (at.size() != 3) {
      notFound(v);
      return;
    }
    if (!v.identify()) {
      redirect(exchange, loginPath(back(form.get("back"))));
      return;
    }
    String id = at.get(1);
    Reply<?> done = switch (at.getFirst() + "/" + at.get(2)) {
      case "tasks/pause" -> Reply.call(() -> v.stub().pauseTask(PauseTaskRequest.newBuilder().setTaskId(id).build()));
      case "tasks/resume" -> Reply.call(() -> v.stub().resumeTask(ResumeTaskRequest.newBuilder().setTaskId(id).build()));
      case "tasks/run" -> Reply.call(() -> v.stub().runTask(RunTaskRequest.newBuilder().setTaskId(id).build()));
      case "executions/cancel" -> Reply.call(() -> v.stub().cancelExecution(CancelExecutionRequest.newBuilder().setExecutionId(id).build()));
      default -> null;
    };
    String noun = at.getFirst().equals("tasks") ? "task " + id : "execution " + id;
    switch (done) {
      case null -> notFound(v);
      case Reply.Ok<?> ok -> redirect(exchange, at.getFirst().equals("executions") ? "/ui/executions/" + Html.url(id) : back(form.get("back")));
      case Reply.Failed<?> f when f.code() == Status.Code.UNAUTHENTICATED -> redirect(exchange, loginPath(back(form.get("back"))));
      case Reply.Failed<?> f -> send(exchange, failed(v, f, at.get(2) + " " + id, at.get(2) + " " + noun));
    }
  }

  // ------------------------------------------------------------------- login

  /** The login page, saying who the browser is already (a client certificate, a saved token) or why its token was refused. */
  private void loginPage(Visit v, String back) throws IOException {
    String message = "";
    switch (Reply.call(() -> v.stub().whoAmI(WhoAmIRequest.getDefaultInstance()))) {
      case Reply.Ok<WhoAmIResponse> ok -> v.viewer = viewer(ok.value(), v.session);
      case Reply.Failed<WhoAmIResponse> f -> {
        if (f.code() != Status.Code.UNAUTHENTICATED) message = f.code() + ": " + f.message();
        else if (v.caller.hasCredentials()) message = (v.session ? "Your sign-in was refused: " : "Your credentials were refused: ") + f.message();
        // a saved token the coordinator no longer accepts (revoked, expired) is dropped
        if (f.code() == Status.Code.UNAUTHENTICATED && v.session) v.exchange.getResponseHeaders().add("Set-Cookie", SessionCookie.clear(v.https()));
      }
    }
    send(v.exchange, v.pages().login(200, back, message));
  }

  /**
   * Checks the posted token by asking WhoAmI with it (alone: not with the browser's client
   * certificate); keeps it in the session cookie when it authenticates, else shows the server's
   * reason. The token is never logged.
   */
  private void login(Visit v, Map<String, String> form) throws IOException {
    String back = back(form.get("back"));
    String token = form.getOrDefault("token", "").strip();
    Pages signedOut = new Pages(clock.instant());
    if (token.isEmpty()) {
      send(v.exchange, signedOut.login(400, back, "Enter an API key or a JWT."));
      return;
    }
    if (token.length() > SessionCookie.MAX_TOKEN_CHARS) {
      send(v.exchange, signedOut.login(400, back, "The token is longer than the " + SessionCookie.MAX_TOKEN_CHARS
          + " characters a browser cookie can keep; use the HTTP API with an Authorization header instead."));
      return;
    }
    Caller caller;
    try {
      caller = Caller.NONE.withBearer(token);
    } catch (Caller.MalformedCredentials e) {
      send(v.exchange, signedOut.login(400, back, "The token holds characters no API key or JWT holds (only printable ASCII)."));
      return;
    }
    switch (Reply.call(() -> stub(caller.channel(api)).whoAmI(WhoAmIRequest.getDefaultInstance()))) {
      case Reply.Ok<WhoAmIResponse> ok -> {
        // with authentication off there is nothing to keep: every call is allowed anyway
        if (ok.value().getAuthenticationEnabled()) v.exchange.getResponseHeaders().add("Set-Cookie", SessionCookie.set(token, v.https()));
        redirect(v.exchange, back);
      }
      case Reply.Failed<WhoAmIResponse> f when f.code() == Status.Code.UNAUTHENTICATED ->
          send(v.exchange, signedOut.login(401, back, "Not signed in: " + f.message()));
      case Reply.Failed<WhoAmIResponse> f -> send(v.exchange, signedOut.login(503, back, f.code() + ": " + f.message()));
    }
  }

  /** The login page that comes back to {@code back} once signed in. */
  static String loginPath(String back) {
    String to = back(back);
    return to.equals("/ui/") ? "/ui/login" : "/ui/login?back=" + Html.url(to);
  }

  // ------------------------------------------------------------------- pages

  private Pages pages() {
    return new Pages(clock.instant());
  }

  private Pages.Page tasksPage(Visit v) {
    Reply<ListTasksResponse> tasks = Reply.call(() -> v.stub().listTasks(ListTasksRequest.newBuilder().setPageSize(1000).build()));
    boolean more = tasks instanceof Reply.Ok<ListTasksResponse> ok && !ok.value().getNextPageToken().isEmpty();
    return v.pages().tasks(tasks, more);
  }

  private Pages.Page taskPage(Visit v, String id) {
    return switch (Reply.call(() -> v.stub().getTask(GetTaskRequest.newBuilder().setTaskId(id).build()))) {
      case Reply.Ok<io.taskgrid.proto.v1.Task> ok -> v.pages().task(ok.value(),
          Reply.call(() -> v.stub().listExecutions(ListExecutionsRequest.newBuilder().setTaskId(id).setPageSize(20).build())));
      case Reply.Failed<io.taskgrid.proto.v1.Task> f -> failed(v, f, "task " + id, "see task " + id);
    };
  }

  private Pages.Page executionPage(Visit v, String id) {
    return switch (Reply.call(() -> v.stub().getExecution(GetExecutionRequest.newBuilder().setExecutionId(id).build()))) {
      case Reply.Ok<io.taskgrid.proto.v1.Execution> ok -> v.pages().execution(ok.value());
      case Reply.Failed<io.taskgrid.proto.v1.Execution> f -> failed(v, f, "execution " + id, "see execution " + id);
    };
  }

  private Pages.Page executionsPage(Visit v, Map<String, String> query) {
    Pages.ExecutionFilter filter = new Pages.ExecutionFilter(query.getOrDefault("task", "").strip(), query.getOrDefault("handler", "").strip(),
        query.getOrDefault("status", "").strip(), query.getOrDefault("label", "").strip(), query.getOrDefault("page", ""));
    ListExecutionsRequest.Builder request = ListExecutionsRequest.newBuilder().setTaskId(filter.task()).setHandler(filter.handler())
        .setPageSize(50).setPageToken(filter.pageToken());
    if (!filter.status().isEmpty()) {
      try {
        request.addStatuses(ExecutionStatus.valueOf("EXECUTION_STATUS_" + filter.status()));
      } catch (IllegalArgumentException e) {
        return v.pages().executions(filter, new Reply.Failed<>(Status.Code.INVALID_ARGUMENT, "status: not a status: " + filter.status()));
      }
    }
    if (!filter.label().isEmpty()) {
      for (String pair : filter.label().split(",")) {
        int eq = pair.indexOf('=');
        if (eq < 0) {
          return v.pages().executions(filter, new Reply.Failed<>(Status.Code.INVALID_ARGUMENT, "label: must be key=value, got " + pair.strip()));
        }
        request.putLabels(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
      }
    }
    return v.pages().executions(filter, Reply.call(() -> v.stub().listExecutions(request.build())));
  }

  /**
   * A call about {@code what} (a task, an execution, an action on one) failed: a page of its own
   * (404 for an unknown id; 403 naming who may not {@code action}).
   */
  private Pages.Page failed(Visit v, Reply.Failed<?> f, String what, String action) {
    return switch (f.code()) {
      case NOT_FOUND -> v.pages().error(404, "Not found", "No " + what + ": " + f.message());
      case UNIMPLEMENTED -> v.pages().error(501, "Not available", "This is not available on this coordinator.");
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> v.pages().error(400, "Cannot " + what, f.code() + ": " + f.message());
      case PERMISSION_DENIED -> v.pages().error(403, "Not allowed",
          (v.viewer.known() ? v.viewer.name() + " (" + v.viewer.role() + ")" : "You") + " may not " + action + ": " + f.message());
      case UNAUTHENTICATED -> v.pages().error(401, "Not signed in", f.message());
      default -> v.pages().error(503, "Cannot " + what, f.code() + ": " + f.message());
    };
  }

  // -------------------------------------------------------------------- HTTP

  private void notFound(HttpExchange exchange) throws IOException {
    send(exchange, pages().error(404, "Not found", "No page at " + exchange.getRequestURI().getRawPath()));
  }

  private void notFound(Visit v) throws IOException {
    send(v.exchange, v.pages().error(404, "Not found", "No page at " + v.exchange.getRequestURI().getRawPath()));
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
