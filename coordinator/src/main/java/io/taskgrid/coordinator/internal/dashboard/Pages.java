package io.taskgrid.coordinator.internal.dashboard;

import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import io.taskgrid.proto.v1.Attempt;
import io.taskgrid.proto.v1.CircuitBreaker;
import io.taskgrid.proto.v1.ErrorInfo;
import io.taskgrid.proto.v1.Execution;
import io.taskgrid.proto.v1.ExecutionStatus;
import io.taskgrid.proto.v1.GetStatsResponse;
import io.taskgrid.proto.v1.ListCircuitBreakersResponse;
import io.taskgrid.proto.v1.ListExecutionsResponse;
import io.taskgrid.proto.v1.ListTasksResponse;
import io.taskgrid.proto.v1.ListWorkersResponse;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.StatsGroup;
import io.taskgrid.proto.v1.Task;
import io.taskgrid.proto.v1.TaskDefinition;
import io.taskgrid.proto.v1.TaskState;
import io.taskgrid.proto.v1.Trigger;
import io.taskgrid.proto.v1.WindowStats;
import io.taskgrid.proto.v1.WorkerInfo;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The dashboard's pages, rendered from API responses as of {@code now} (for relative times). Pure:
 * no calls, no I/O, so a page can be checked from a fixed response.
 */
final class Pages {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final JsonFormat.Printer JSON = JsonFormat.printer();

  /** A page to send: its HTTP status and document. */
  record Page(int status, String html) {}

  /** The filters of the executions page, as typed in its form (empty: unset). */
  record ExecutionFilter(String task, String handler, String status, String label, String pageToken) {
    static final ExecutionFilter NONE = new ExecutionFilter("", "", "", "", "");

    boolean firstPage() {
      return pageToken.isEmpty();
    }

    /** The query string of these filters with another page token. */
    String query(String token) {
      StringBuilder q = new StringBuilder();
      param(q, "task", task);
      param(q, "handler", handler);
      param(q, "status", status);
      param(q, "label", label);
      param(q, "page", token);
      return q.isEmpty() ? "" : "?" + q.substring(1);
    }

    private static void param(StringBuilder q, String name, String value) {
      if (!value.isEmpty()) q.append('&').append(name).append('=').append(Html.url(value));
    }
  }

  /**
   * Who the browser is, as WhoAmI answered for its credentials, for the header line.
   *
   * @param name the identity's name
   * @param role its role's label
   * @param authenticationOn whether the coordinator authenticates at all ("authentication is off" otherwise)
   * @param session whether the browser signed in on the login page (then the header offers to sign out)
   */
  record Viewer(String name, String role, boolean authenticationOn, boolean session) {
    /** WhoAmI could not be asked (the coordinator is stopping, say): the header names nobody. */
    static final Viewer UNKNOWN = new Viewer("", "", false, false);

    boolean known() {
      return !name.isEmpty();
    }
  }

  private final Instant now;
  private final Viewer viewer;

  Pages(Instant now) {
    this(now, Viewer.UNKNOWN);
  }

  Pages(Instant now, Viewer viewer) {
    this.now = now;
    this.viewer = viewer;
  }

  // ------------------------------------------------------------------- tasks

  Page tasks(Reply<ListTasksResponse> reply, boolean more) {
    Html h = new Html().raw("<h1>Tasks</h1>");
    int status = 200;
    switch (reply) {
      case Reply.Ok<ListTasksResponse> ok -> {
        if (ok.value().getTasksCount() == 0) h.raw("<p class=\"empty\">No registered tasks.</p>");
        else {
          h.raw("<table id=\"tasks\" data-live=\"tasks\"><thead><tr><th>Id</th><th>Handler</th><th>Trigger</th><th>State</th>"
              + "<th>Next fire</th><th>Last fire</th><th>Last execution</th><th>Actions</th></tr></thead><tbody>");
          for (Task t : ok.value().getTasksList()) taskRow(h, t);
          h.raw("</tbody></table>");
          if (more) h.raw("<p class=\"note\">Showing the first 1000 tasks.</p>");
        }
      }
      case Reply.Failed<ListTasksResponse> f -> status = failure(h, "The task list", f);
    }
    return page("Tasks", "tasks", status, h);
  }

  private void taskRow(Html h, Task t) {
    String id = t.getDefinition().getId();
    String link = "/ui/tasks/" + Html.url(id);
    h.fmt("<tr data-task-id=\"{}\"><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td class=\"state\">{}</td>",
        id, link, id, t.getDefinition().getHandler(), trigger(t.getDefinition()), state(t.getState()));
    h.fmt("<td>{}</td><td>{}</td>", time(t, Task::hasNextFireTime, Task::getNextFireTime), time(t, Task::hasLastFireTime, Task::getLastFireTime));
    if (t.getLastExecutionId().isEmpty()) h.raw("<td class=\"last-execution\">-</td>");
    else h.fmt("<td class=\"last-execution\"><a href=\"/ui/executions/{}\">{}</a></td>", Html.url(t.getLastExecutionId()), shortId(t.getLastExecutionId()));
    h.raw("<td class=\"actions\">");
    taskActions(h, t, "/ui/");
    h.raw("</td></tr>");
  }

  /** Pause or resume, and run (not for side tasks), each a POST form that comes back to {@code back}. */
  private static void taskActions(Html h, Task t, String back) {
    String base = "/ui/tasks/" + Html.url(t.getDefinition().getId());
    if (t.getState() == TaskState.TASK_STATE_PAUSED) button(h, base + "/resume", back, "Resume", "resume");
    else button(h, base + "/pause", back, "Pause", "pause");
    if (!t.getDefinition().hasSide()) button(h, base + "/run", back, "Run now", "run");
  }

  private static void button(Html h, String action, String back, String label, String name) {
    h.fmt("<form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"back\" value=\"{}\">"
        + "<button type=\"submit\" name=\"{}\">{}</button></form>", action, back, name, label);
  }

  Page task(Task t, Reply<ListExecutionsResponse> recent) {
    TaskDefinition d = t.getDefinition();
    Html h = new Html().fmt("<h1>Task <code>{}</code></h1>", d.getId());
    h.fmt("<div class=\"actions\" data-live=\"task\" data-task-id=\"{}\">", d.getId());
    taskActions(h, t, "/ui/tasks/" + Html.url(d.getId()));
    h.raw("</div><table class=\"fields\"><tbody>");
    field(h, "State", state(t.getState()));
    field(h, "Name", d.getName());
    field(h, "Description", d.getDescription());
    field(h, "Handler", d.getHandler());
    field(h, "Trigger", trigger(d));
    field(h, "Time zone", d.getTimeZone().isEmpty() ? "cluster default" : d.getTimeZone());
    field(h, "Next fire", time(t, Task::hasNextFireTime, Task::getNextFireTime));
    field(h, "Last fire", time(t, Task::hasLastFireTime, Task::getLastFireTime));
    field(h, "Enabled", !d.hasEnabled() || d.getEnabled() ? "yes" : "no");
    field(h, "Tags", String.join(", ", d.getTagsList()));
    field(h, "Category", d.getCategory());
    field(h, "Metadata", pairs(d.getMetadataMap()));
    field(h, "Priority", d.getPriority().name().replace("PRIORITY_", ""));
    field(h, "Timeout", d.hasTimeout() ? duration(d.getTimeout()) : "cluster default");
    field(h, "Misfire policy", d.getMisfirePolicy().name().replace("MISFIRE_POLICY_", ""));
    if (d.hasJitter()) field(h, "Jitter", duration(d.getJitter()));
    if (d.hasPolicy()) field(h, "Policy", json(d.getPolicy()));
    if (!d.getCondition().isEmpty()) field(h, "Condition", d.getCondition());
    if (d.getDependsOnCount() > 0) field(h, "Depends on", String.join(", ", d.getDependsOnList()));
    if (t.hasSideState()) field(h, "Side task", json(t.getSideState()));
    field(h, "Payload", payload(d.getPayload()));
    field(h, "Created", time(t, Task::hasCreatedAt, Task::getCreatedAt));
    field(h, "Updated", time(t, Task::hasUpdatedAt, Task::getUpdatedAt));
    field(h, "Revision", Long.toString(t.getRevision()));
    h.raw("</tbody></table>");
    h.fmt("<h2>Recent executions</h2><p><a href=\"/ui/executions?task={}\">All executions of this task</a></p>", Html.url(d.getId()));
    switch (recent) {
      case Reply.Ok<ListExecutionsResponse> ok -> executionTable(h, ok.value(), null);
      case Reply.Failed<ListExecutionsResponse> f -> failure(h, "Its executions", f);
    }
    return page("Task " + d.getId(), "tasks", 200, h);
  }

  // -------------------------------------------------------------- executions

  Page executions(ExecutionFilter filter, Reply<ListExecutionsResponse> reply) {
    Html h = new Html().raw("<h1>Executions</h1>");
    h.raw("<form class=\"filters\" method=\"get\" action=\"/ui/executions\">");
    h.fmt("<label>Task <input name=\"task\" value=\"{}\"></label>", filter.task());
    h.fmt("<label>Handler <input name=\"handler\" value=\"{}\"></label>", filter.handler());
    h.raw("<label>Status <select name=\"status\"><option value=\"\">any</option>");
    for (ExecutionStatus s : ExecutionStatus.values()) {
      if (s == ExecutionStatus.EXECUTION_STATUS_UNSPECIFIED || s == ExecutionStatus.UNRECOGNIZED) continue;
      String name = status(s);
      h.fmt("<option value=\"{}\"{}>{}</option>", name, name.equals(filter.status()) ? new Html().raw(" selected") : "", name);
    }
    h.raw("</select></label>");
    h.fmt("<label>Label <input name=\"label\" placeholder=\"key=value\" value=\"{}\"></label>", filter.label());
    h.raw("<button type=\"submit\">Filter</button> <a href=\"/ui/executions\">clear</a></form>");
    int code = 200;
    switch (reply) {
      case Reply.Ok<ListExecutionsResponse> ok -> {
        executionTable(h, ok.value(), filter.firstPage() ? filter : null);
        h.raw("<p class=\"paging\">");
        if (!filter.firstPage()) h.fmt("<a href=\"/ui/executions{}\">First page</a> ", filter.query(""));
        if (!ok.value().getNextPageToken().isEmpty()) {
          h.fmt("<a class=\"next\" href=\"/ui/executions{}\">Next page</a>", filter.query(ok.value().getNextPageToken()));
        }
        h.raw("</p>");
      }
      case Reply.Failed<ListExecutionsResponse> f -> code = failure(h, "The execution list", f);
    }
    return page("Executions", "executions", code, h);
  }

  /**
   * A table of executions; with {@code live} (the first page) the page's script prepends new ones
   * that match its filters as they are queued.
   */
  private void executionTable(Html h, ListExecutionsResponse r, ExecutionFilter live) {
    h.raw("<table id=\"executions\"");
    if (live != null) {
      h.fmt(" data-live=\"executions\" data-task=\"{}\" data-handler=\"{}\" data-status=\"{}\" data-label=\"{}\"", live.task(), live.handler(),
          live.status(), live.label());
    }
    h.raw(">");
    h.raw("<thead><tr><th>Id</th><th>Task</th><th>Handler</th><th>Status</th><th>Attempt</th><th>Submitted</th>"
        + "<th>Finished</th><th>Worker</th><th>Labels</th></tr></thead><tbody>");
    for (Execution e : r.getExecutionsList()) {
      h.fmt("<tr data-execution-id=\"{}\"><td><a href=\"/ui/executions/{}\">{}</a></td>", e.getExecutionId(), Html.url(e.getExecutionId()),
          shortId(e.getExecutionId()));
      if (e.getTaskId().isEmpty()) h.raw("<td>-</td>");
      else h.fmt("<td><a href=\"/ui/tasks/{}\">{}</a></td>", Html.url(e.getTaskId()), e.getTaskId());
      h.fmt("<td>{}</td><td class=\"status\"><span class=\"status {}\">{}</span></td><td class=\"attempt\">{}</td>", e.getHandler(),
          status(e.getStatus()).toLowerCase(Locale.ROOT), status(e.getStatus()), e.getAttempt());
      h.fmt("<td>{}</td><td class=\"finished\">{}</td><td class=\"worker\">{}</td><td>{}</td></tr>",
          time(e, Execution::hasSubmittedAt, Execution::getSubmittedAt), time(e, Execution::hasFinishedAt, Execution::getFinishedAt),
          e.getWorkerId(), pairs(e.getLabelsMap()));
    }
    h.raw("</tbody></table>");
    if (r.getExecutionsCount() == 0) h.raw("<p class=\"empty\">No executions on this page.</p>");
  }

  Page execution(Execution e) {
    Html h = new Html().fmt("<h1>Execution <code>{}</code></h1>", e.getExecutionId());
    h.fmt("<div class=\"actions\" data-live=\"execution\" data-execution-id=\"{}\">", e.getExecutionId());
    if (!terminal(e.getStatus())) {
      h.fmt("<form method=\"post\" action=\"/ui/executions/{}/cancel\"><button type=\"submit\" name=\"cancel\">Cancel</button></form>",
          Html.url(e.getExecutionId()));
    }
    h.raw("</div><table class=\"fields\"><tbody>");
    h.fmt("<tr><th>Status</th><td><span id=\"status\" class=\"status {}\">{}</span></td></tr>", status(e.getStatus()).toLowerCase(Locale.ROOT),
        status(e.getStatus()));
    if (!e.getReason().isEmpty()) field(h, "Reason", e.getReason());
    if (e.getTaskId().isEmpty()) field(h, "Task", "-");
    else h.fmt("<tr><th>Task</th><td><a href=\"/ui/tasks/{}\">{}</a></td></tr>", Html.url(e.getTaskId()), e.getTaskId());
    field(h, "Handler", e.getHandler());
    field(h, "Attempt", Integer.toString(e.getAttempt()));
    field(h, "Worker", e.getWorkerId());
    field(h, "Priority", e.getPriority().name().replace("PRIORITY_", ""));
    field(h, "Timeout", e.hasTimeout() ? duration(e.getTimeout()) : "-");
    field(h, "Labels", pairs(e.getLabelsMap()));
    if (!e.getIdempotencyKey().isEmpty()) field(h, "Idempotency key", e.getIdempotencyKey());
    if (!e.getConcurrencyKey().isEmpty()) field(h, "Concurrency key", e.getConcurrencyKey());
    field(h, "Submitted", time(e, Execution::hasSubmittedAt, Execution::getSubmittedAt));
    field(h, "Started", time(e, Execution::hasStartedAt, Execution::getStartedAt));
    field(h, "Finished", time(e, Execution::hasFinishedAt, Execution::getFinishedAt));
    if (e.hasNextAttemptAt()) field(h, "Next attempt", time(e, Execution::hasNextAttemptAt, Execution::getNextAttemptAt));
    h.raw("</tbody></table>");
    if (e.hasResult()) h.raw("<h2>Result</h2>").fmt("<pre id=\"result\">{}</pre>", payload(e.getResult()));
    if (e.hasError()) h.raw("<h2>Error</h2>").fmt("<pre id=\"error\">{}</pre>", error(e.getError()));
    h.raw("<h2>Attempts</h2>");
    if (e.getAttemptsCount() == 0) h.raw("<p class=\"empty\">No attempt has started yet.</p>");
    else {
      h.raw("<table id=\"attempts\"><thead><tr><th>#</th><th>Status</th><th>Started</th><th>Finished</th><th>Worker</th><th>Error</th></tr></thead><tbody>");
      for (Attempt a : e.getAttemptsList()) {
        h.fmt("<tr><td>{}</td><td><span class=\"status {}\">{}</span></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", a.getNumber(),
            status(a.getStatus()).toLowerCase(Locale.ROOT), status(a.getStatus()), time(a, Attempt::hasStartedAt, Attempt::getStartedAt),
            time(a, Attempt::hasFinishedAt, Attempt::getFinishedAt), a.getWorkerId(), a.hasError() ? error(a.getError()) : "");
      }
      h.raw("</tbody></table>");
    }
    return page("Execution " + e.getExecutionId(), "executions", 200, h);
  }

  // ------------------------------------------------------------- cluster views

  Page stats(Reply<GetStatsResponse> reply) {
    Html h = new Html().raw("<h1>Statistics</h1>");
    int code = 200;
    switch (reply) {
      case Reply.Ok<GetStatsResponse> ok -> {
        GetStatsResponse r = ok.value();
        h.fmt("<p class=\"note\">As of {}.</p>", time(r, GetStatsResponse::hasAsOf, GetStatsResponse::getAsOf));
        java.util.List<StatsGroup> groups = new java.util.ArrayList<>();
        groups.add(r.getTotal());
        groups.addAll(r.getHandlersList());
        groups.addAll(r.getTasksList());
        h.raw("<h2>Now</h2><table id=\"stats-now\"><thead><tr><th>Of</th><th>Running</th><th>Pending</th><th>Waiting retry</th>"
            + "<th>Waiting permit</th><th>Waiting rate</th><th>Scheduled next hour</th></tr></thead><tbody>");
        for (StatsGroup g : groups) {
          h.fmt("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", group(g), g.getRunning(), g.getPending(),
              g.getWaitingRetry(), g.getWaitingQueue(), g.getWaitingRateLimit(), g.getScheduledNextHour());
        }
        h.raw("</tbody></table>");
        window(h, "Last hour", groups, StatsGroup::getLastHour);
        window(h, "Last day", groups, StatsGroup::getLastDay);
      }
      case Reply.Failed<GetStatsResponse> f -> code = failure(h, "Statistics", f);
    }
    return page("Statistics", "stats", code, h);
  }

  private static void window(Html h, String title, java.util.List<StatsGroup> groups, Function<StatsGroup, WindowStats> of) {
    h.fmt("<h2>{}</h2>", title).raw("<table><thead><tr><th>Of</th><th>Succeeded</th><th>Failed</th><th>Timed out</th><th>Skipped</th>"
        + "<th>Cancelled</th><th>Success rate</th><th>p50</th><th>p95</th><th>p99</th></tr></thead><tbody>");
    for (StatsGroup g : groups) {
      WindowStats w = of.apply(g);
      h.fmt("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", group(g),
          w.getSucceeded(), w.getFailed(), w.getTimedOut(), w.getSkipped(), w.getCancelled(),
          String.format(Locale.ROOT, "%.1f%%", w.getSuccessRate() * 100), duration(w.getDurationP50()), duration(w.getDurationP95()),
          duration(w.getDurationP99()));
    }
    h.raw("</tbody></table>");
  }

  private static String group(StatsGroup g) {
    if (!g.getTaskId().isEmpty()) return "task " + g.getTaskId();
    if (!g.getHandler().isEmpty()) return "handler " + g.getHandler();
    return "all";
  }

  Page breakers(Reply<ListCircuitBreakersResponse> reply) {
    Html h = new Html().raw("<h1>Circuit breakers</h1>");
    int code = 200;
    switch (reply) {
      case Reply.Ok<ListCircuitBreakersResponse> ok -> {
        if (ok.value().getCircuitBreakersCount() == 0) h.raw("<p class=\"empty\">No circuit breaker has been used.</p>");
        else {
          h.raw("<table id=\"breakers\"><thead><tr><th>Handler</th><th>Key</th><th>State</th><th>Since</th><th>Worker</th>"
              + "<th>Failure rate</th><th>Slow-call rate</th><th>Times opened</th><th>Calls not permitted</th></tr></thead><tbody>");
          for (CircuitBreaker b : ok.value().getCircuitBreakersList()) {
            String state = b.getState().name().replace("CIRCUIT_BREAKER_STATE_", "");
            h.fmt("<tr><td>{}</td><td>{}</td><td><span class=\"breaker {}\">{}</span></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                b.getHandler(), b.getKey(), state.toLowerCase(Locale.ROOT), state, time(b, CircuitBreaker::hasSince, CircuitBreaker::getSince),
                b.getWorkerId(), rate(b.getFailureRate()), rate(b.getSlowCallRate()), b.getTimesOpened(), b.getNotPermittedCalls());
          }
          h.raw("</tbody></table>");
        }
      }
      case Reply.Failed<ListCircuitBreakersResponse> f -> code = failure(h, "Circuit breakers", f);
    }
    return page("Circuit breakers", "breakers", code, h);
  }

  Page workers(Reply<ListWorkersResponse> reply) {
    Html h = new Html().raw("<h1>Workers</h1>");
    int code = 200;
    switch (reply) {
      case Reply.Ok<ListWorkersResponse> ok -> {
        if (ok.value().getWorkersCount() == 0) h.raw("<p class=\"empty\">No worker reported in the last 30 seconds.</p>");
        else {
          h.raw("<table id=\"workers\"><thead><tr><th>Id</th><th>Host</th><th>Pid</th><th>State</th><th>Running</th><th>Concurrency</th>"
              + "<th>Handlers</th><th>Started</th><th>Last seen</th><th>Version</th></tr></thead><tbody>");
          for (WorkerInfo w : ok.value().getWorkersList()) {
            h.fmt("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                w.getWorkerId(), w.getHost(), w.getPid(), w.getState().name().replace("WORKER_STATE_", ""), w.getRunning(), w.getConcurrency(),
                String.join(", ", w.getHandlersList()), time(w, WorkerInfo::hasStarted, WorkerInfo::getStarted),
                time(w, WorkerInfo::hasLastSeen, WorkerInfo::getLastSeen), w.getVersion());
          }
          h.raw("</tbody></table>");
        }
      }
      case Reply.Failed<ListWorkersResponse> f -> code = failure(h, "The worker list", f);
    }
    return page("Workers", "workers", code, h);
  }

  // ------------------------------------------------------------------ errors

  /** A page for an unknown id or path, or a call that failed outright. */
  Page error(int status, String title, String message) {
    Html h = new Html().fmt("<h1>{}</h1><p class=\"error\" id=\"message\">{}</p>", title, message);
    return page(title, "", status, h);
  }

  /** Renders a failed call in place of what it would have shown; returns the HTTP status the page gets. */
  private static int failure(Html h, String what, Reply.Failed<?> f) {
    if (f.unavailable()) {
      h.fmt("<p class=\"notice\" id=\"message\">{} is not available on this coordinator.</p>", what);
      return 200;
    }
    h.fmt("<p class=\"error\" id=\"message\">{}: {}</p>", f.code().name(), f.message());
    return switch (f.code()) {
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
      case NOT_FOUND -> 404;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      default -> 503;
    };
  }

  // ------------------------------------------------------------------ layout

  private static final String[][] NAV = {
      {"tasks", "/ui/", "Tasks"}, {"executions", "/ui/executions", "Executions"}, {"stats", "/ui/stats", "Statistics"},
      {"breakers", "/ui/breakers", "Circuit breakers"}, {"workers", "/ui/workers", "Workers"}};

  private Page page(String title, String section, int status, Html body) {
    Html h = new Html().raw("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .fmt("<title>{} · Taskgrid</title>", title)
        .raw("<link rel=\"stylesheet\" href=\"/ui/static/dashboard.css\"><script src=\"/ui/static/dashboard.js\" defer></script></head>")
        .raw("<body><header><a class=\"brand\" href=\"/ui/\">Taskgrid</a><nav>");
    for (String[] n : NAV) h.fmt("<a href=\"{}\"{}>{}</a>", n[1], n[0].equals(section) ? new Html().raw(" class=\"current\"") : "", n[2]);
    h.raw("</nav><span id=\"live\" class=\"live\"></span>");
    whoami(h);
    h.raw("</header><main>").fmt("{}", body).raw("</main></body></html>");
    return new Page(status, h.toString());
  }

  /** The header's line about who is signed in, with a sign-out button for a browser that signed in here. */
  private void whoami(Html h) {
    if (!viewer.known()) return;
    h.raw("<span id=\"whoami\" class=\"whoami\">");
    if (!viewer.authenticationOn()) h.raw("authentication is off");
    else h.fmt("signed in as {} ({})", viewer.name(), viewer.role());
    h.raw("</span>");
    if (viewer.session()) h.raw("<form class=\"logout\" method=\"post\" action=\"/ui/logout\"><button type=\"submit\" name=\"logout\">Sign out</button></form>");
  }

  // ------------------------------------------------------------------- login

  /**
   * The sign-in form: an API key or JWT, posted to {@code /ui/login}, then back to {@code back}.
   * {@code message} (when not empty) says why the last attempt, or the saved token, was refused.
   */
  Page login(int status, String back, String message) {
    Html h = new Html().raw("<h1>Sign in</h1>");
    if (viewer.known() && !viewer.authenticationOn()) {
      h.raw("<p class=\"notice\" id=\"message\">Authentication is off on this coordinator: there is nothing to sign in to.</p>")
          .raw("<p><a href=\"/ui/\">Go to the tasks</a></p>");
      return page("Sign in", "", status, h);
    }
    if (!message.isEmpty()) h.fmt("<p class=\"error\" id=\"message\">{}</p>", message);
    if (viewer.known()) h.fmt("<p class=\"notice\" id=\"current\">You are signed in as {} ({}).</p>", viewer.name(), viewer.role());
    h.raw("<form class=\"login\" method=\"post\" action=\"/ui/login\">")
        .fmt("<input type=\"hidden\" name=\"back\" value=\"{}\">", back)
        .raw("<label>API key or JWT <input type=\"password\" name=\"token\" id=\"token\" autocomplete=\"current-password\" required></label> ")
        .raw("<button type=\"submit\" name=\"login\">Sign in</button></form>")
        .raw("<p class=\"note\">The token is checked by the coordinator, then kept in a cookie of this browser (not readable by scripts, "
            + "not sent by other sites) until the browser closes or you sign out.</p>");
    return page("Sign in", "", status, h);
  }

  private static void field(Html h, String name, String value) {
    h.fmt("<tr><th>{}</th><td>{}</td></tr>", name, value.isEmpty() ? "-" : value);
  }

  // ------------------------------------------------------------------ values

  static String status(ExecutionStatus s) {
    return s.name().replace("EXECUTION_STATUS_", "");
  }

  private static String state(TaskState s) {
    return s.name().replace("TASK_STATE_", "");
  }

  private static boolean terminal(ExecutionStatus s) {
    return switch (s) {
      case EXECUTION_STATUS_SUCCEEDED, EXECUTION_STATUS_FAILED, EXECUTION_STATUS_TIMEOUT, EXECUTION_STATUS_SKIPPED,
           EXECUTION_STATUS_CANCELLED -> true;
      case EXECUTION_STATUS_PENDING, EXECUTION_STATUS_RUNNING, EXECUTION_STATUS_RETRY_SCHEDULED, EXECUTION_STATUS_QUEUED,
           EXECUTION_STATUS_UNSPECIFIED, UNRECOGNIZED -> false;
    };
  }

  private static String trigger(TaskDefinition d) {
    if (d.hasSide()) return "side task";
    if (!d.hasTrigger()) return "on demand";
    Trigger t = d.getTrigger();
    return switch (t.getKindCase()) {
      case CRON -> "cron " + t.getCron();
      case AFTER -> "after " + t.getAfter();
      case AT -> "at " + t.getAt();
      case EVENT -> "event " + t.getEvent();
      case ON_SUCCESS -> "on success of " + t.getOnSuccess();
      case KIND_NOT_SET -> "on demand";
    };
  }

  private <M> String time(M message, java.util.function.Predicate<M> has, Function<M, Timestamp> get) {
    if (!has.test(message)) return "-";
    Timestamp ts = get.apply(message);
    Instant at = Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos());
    return TIME.format(at) + " (" + relative(at) + ")";
  }

  private String relative(Instant at) {
    long s = java.time.Duration.between(now, at).toSeconds();
    long a = Math.abs(s);
    String amount = a < 60 ? a + "s" : a < 3600 ? a / 60 + "m" : a < 86_400 ? a / 3600 + "h" : a / 86_400 + "d";
    return s >= 0 ? "in " + amount : amount + " ago";
  }

  private static String duration(Duration d) {
    long ms = d.getSeconds() * 1000 + d.getNanos() / 1_000_000;
    if (ms < 1000) return ms + "ms";
    if (ms < 60_000) return String.format(Locale.ROOT, "%.2fs", ms / 1000.0);
    return java.time.Duration.ofMillis(ms).toString().substring(2).toLowerCase(Locale.ROOT);
  }

  private static String rate(float percent) {
    return percent < 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", percent);
  }

  private static String shortId(String id) {
    return id.length() > 13 ? id.substring(0, 8) + "…" : id;
  }

  private static String pairs(Map<String, String> map) {
    StringBuilder b = new StringBuilder();
    new TreeMap<>(map).forEach((k, v) -> b.append(b.isEmpty() ? "" : ", ").append(k).append('=').append(v));
    return b.toString();
  }

  private static String error(ErrorInfo e) {
    return e.getMessage().isEmpty() ? e.getType() : e.getType() + ": " + e.getMessage();
  }

  /** Text payloads as text; others by size and type (the raw bytes are for the API). */
  static String payload(Payload p) {
    String type = p.getContentType().isEmpty() ? "application/octet-stream" : p.getContentType();
    if (p.getData().isEmpty()) return "(empty, " + type + ")";
    boolean text = type.startsWith("text/") || type.contains("json") || type.contains("xml") || type.contains("yaml");
    if (text) return p.getData().toString(StandardCharsets.UTF_8);
    return p.getData().size() + " bytes of " + type;
  }

  private static String json(Message m) {
    try {
      return JSON.print(m);
    } catch (InvalidProtocolBufferException e) {
      return m.toString();
    }
  }
}
