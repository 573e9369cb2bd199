package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.core.SubmissionLimits;
import io.taskgrid.e2e.support.TestCluster;
import io.taskgrid.worker.Worker;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The TaskService as HTTP/JSON on a coordinator's HTTP port, called with the JDK's HTTP client
 * against a real cluster (Kafka, Redis, a coordinator and a worker): every route once, the event
 * stream of a watch, and each kind of bad request answered as a JSON error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAYLOAD_LIMIT = 16 * 1024;

  private final TestCluster cluster = new TestCluster().limits(SubmissionLimits.DEFAULTS.withMaxPayloadBytes(PAYLOAD_LIMIT));
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private String base;
  private Worker worker;

  @BeforeAll
  void start() {
    Coordinator coordinator = cluster.coordinator(cluster.coordinatorConfig(0).withHttpPort(0));
    worker = cluster.worker(List.of(TestCluster.address(coordinator)), b -> b
        .handler("echo", ctx -> "echo " + ctx.payloadText())
        // used only by the lifecycle watch test: its stream shows no one else's executions
        .handler("watched", ctx -> "watched " + ctx.payloadText())
        .handler("explode", ctx -> {
          throw new IllegalStateException("on purpose");
        })
        .handler("block", ctx -> {
          Thread.sleep(120_000);
          return "never";
        }));
    base = "http://127.0.0.1:" + coordinator.httpPort().getAsInt();
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  record Answer(int status, JsonNode json, HttpResponse<String> raw) {}

  private Answer call(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (body != null) b.header("Content-Type", "application/json");
    HttpRequest request = b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.headers().firstValue("Content-Type")).as(method + " " + path).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    return new Answer(response.statusCode(), JSON.readTree(response.body()), response);
  }

  private Answer get(String path) throws Exception {
    return call("GET", path, null);
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private String submit(String handler, String labelValue) throws Exception {
    Answer a = call("POST", "/v1/tasks:submit", "{\"handler\":\"" + handler + "\",\"payload\":{\"data\":\"" + base64("hi")
        + "\",\"contentType\":\"text/plain\"},\"labels\":{\"run\":\"" + labelValue + "\"}}");
    assertThat(a.status()).as(a.raw().body()).isEqualTo(200);
    return a.json().get("executionId").asText();
  }

  private JsonNode awaitStatus(String executionId, String status) {
    return await().atMost(Duration.ofSeconds(30)).until(() -> get("/v1/executions/" + executionId).json(),
        e -> status.equals(e.path("status").asText()));
  }

  private static void assertError(Answer a, int httpStatus, String code, String... messageParts) {
    assertThat(a.status()).as(a.raw().body()).isEqualTo(httpStatus);
    assertThat(a.json().get("code").asText()).isEqualTo(code);
    assertThat(a.json().get("httpStatus").asInt()).isEqualTo(httpStatus);
    if (messageParts.length > 0) assertThat(a.json().get("message").asText()).contains(messageParts);
    assertThat(a.raw().body()).doesNotContain("at io.", "Exception");
  }

  @Test
  void aSubmittedTaskRunsAndItsExecutionReadsSucceeded() throws Exception {
    String id = submit("echo", unique("r"));
    JsonNode execution = awaitStatus(id, "EXECUTION_STATUS_SUCCEEDED");
    assertThat(execution.get("handler").asText()).isEqualTo("echo");
    assertThat(execution.get("executionId").asText()).isEqualTo(id);
  }

  @Test
  void aTaskIsCreatedReadListedPausedResumedRunUpdatedAndDeleted() throws Exception {
    String id = unique("nightly");
    String tag = unique("tag");
    Answer created = call("POST", "/v1/tasks", "{\"id\":\"" + id + "\",\"handler\":\"echo\",\"trigger\":{\"cron\":\"0 3 * * *\"},\"tags\":[\"" + tag + "\"]}");
    assertThat(created.status()).as(created.raw().body()).isEqualTo(200);
    assertThat(created.json().at("/definition/id").asText()).isEqualTo(id);

    assertThat(get("/v1/tasks/" + id).json().get("state").asText()).isEqualTo("TASK_STATE_ACTIVE");
    JsonNode listed = get("/v1/tasks?tag=" + tag).json();
    assertThat(listed.get("tasks")).hasSize(1);
    assertThat(listed.at("/tasks/0/definition/id").asText()).isEqualTo(id);

    assertThat(call("POST", "/v1/tasks/" + id + ":pause", null).json().get("state").asText()).isEqualTo("TASK_STATE_PAUSED");
    assertThat(get("/v1/tasks?state=TASK_STATE_PAUSED&tag=" + tag).json().get("tasks")).hasSize(1);
    assertThat(call("POST", "/v1/tasks/" + id + ":resume", "{}").json().get("state").asText()).isEqualTo("TASK_STATE_ACTIVE");

    Answer run = call("POST", "/v1/tasks/" + id + ":run", "{\"payload\":{\"data\":\"" + base64("now") + "\"}}");
    assertThat(run.status()).as(run.raw().body()).isEqualTo(200);
    awaitStatus(run.json().get("executionId").asText(), "EXECUTION_STATUS_SUCCEEDED");

    Answer updated = call("PUT", "/v1/tasks/" + id, "{\"task\":{\"handler\":\"echo\",\"trigger\":{\"cron\":\"0 4 * * *\"}}}");
    assertThat(updated.status()).as(updated.raw().body()).isEqualTo(200);
    assertThat(updated.json().at("/definition/trigger/cron").asText()).isEqualTo("0 4 * * *");
    assertThat(updated.json().at("/definition/id").asText()).isEqualTo(id);

    Answer deleted = call("DELETE", "/v1/tasks/" + id, null);
    assertThat(deleted.status()).isEqualTo(200);
    assertError(get("/v1/tasks/" + id), 404, "NOT_FOUND", id);
  }

  @Test
  void executionsAreListedWithFilters() throws Exception {
    String run = unique("run");
    String ok = submit("echo", run);
    String failed = submit("explode", run);
    awaitStatus(ok, "EXECUTION_STATUS_SUCCEEDED");
    awaitStatus(failed, "EXECUTION_STATUS_FAILED");

    JsonNode all = get("/v1/executions?labels%5Brun%5D=" + run).json();
    assertThat(all.get("executions")).extracting(e -> e.get("executionId").asText()).containsExactlyInAnyOrder(ok, failed);
    JsonNode onlyFailed = get("/v1/executions?labels%5Brun%5D=" + run + "&statuses=EXECUTION_STATUS_FAILED&statuses=EXECUTION_STATUS_TIMEOUT").json();
    assertThat(onlyFailed.get("executions")).extracting(e -> e.get("executionId").asText()).containsExactly(failed);
    JsonNode byHandler = get("/v1/executions?labels%5Brun%5D=" + run + "&handler=echo&pageSize=10").json();
    assertThat(byHandler.get("executions")).extracting(e -> e.get("executionId").asText()).containsExactly(ok);
  }

  @Test
  void aRunningExecutionIsCancelledAndAFinishedOneCannotBe() throws Exception {
    String blocked = submit("block", unique("r"));
    awaitStatus(blocked, "EXECUTION_STATUS_RUNNING");
    assertThat(call("POST", "/v1/executions/" + blocked + ":cancel", null).status()).isEqualTo(200);
    awaitStatus(blocked, "EXECUTION_STATUS_CANCELLED");

    String done = submit("echo", unique("r"));
    awaitStatus(done, "EXECUTION_STATUS_SUCCEEDED");
    assertError(call("POST", "/v1/executions/" + done + ":cancel", "{}"), 409, "FAILED_PRECONDITION");
  }

  @Test
  void aCronExpressionIsPreviewed() throws Exception {
    Answer a = call("POST", "/v1/schedules:preview", "{\"expression\":\"0 9 * * *\",\"timeZone\":\"UTC\",\"from\":\"2026-01-01T00:00:00Z\",\"count\":3}");
    assertThat(a.status()).as(a.raw().body()).isEqualTo(200);
    assertThat(a.json().get("fireTimes")).extracting(JsonNode::asText)
        .containsExactly("2026-01-01T09:00:00Z", "2026-01-02T09:00:00Z", "2026-01-03T09:00:00Z");
  }

  @Test
  void aPublishedEventRunsTheTaskItTriggers() throws Exception {
    String event = unique("signup");
    String task = unique("welcome");
    assertThat(call("POST", "/v1/tasks", "{\"id\":\"" + task + "\",\"handler\":\"echo\",\"trigger\":{\"event\":\"" + event + "\"}}").status())
        .isEqualTo(200);
    Answer published = call("POST", "/v1/events/" + event, "{\"data\":\"" + base64("{\"user\":\"ada\"}") + "\",\"contentType\":\"application/json\"}");
    assertThat(published.status()).as(published.raw().body()).isEqualTo(200);
    assertThat(published.json().get("eventId").asText()).isNotEmpty();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get("/v1/executions?taskId=" + task).json().path("executions"))
        .extracting(e -> e.get("status").asText()).containsExactly("EXECUTION_STATUS_SUCCEEDED"));
  }

  @Test
  void circuitBreakersAreListed() throws Exception {
    Answer a = get("/v1/circuit-breakers?handler=" + unique("h"));
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.json().isObject()).isTrue();
    assertThat(a.json().path("circuitBreakers").size()).isZero();
  }

  @Test
  void theOpenApiDescriptionListsEveryRoute() throws Exception {
    JsonNode doc = get("/v1/openapi.json").json();
    assertThat(doc.get("openapi").asText()).startsWith("3.");
    List<String> routes = List.of("post /v1/tasks:submit", "post /v1/tasks:submitBatch", "get /v1/executions/{execution_id}",
        "get /v1/executions/{execution_id}:watch", "post /v1/tasks", "put /v1/tasks/{task.id}", "get /v1/tasks/{task_id}", "get /v1/tasks",
        "post /v1/tasks/{task_id}:pause", "post /v1/tasks/{task_id}:resume", "delete /v1/tasks/{task_id}", "post /v1/tasks/{task_id}:run",
        "post /v1/schedules:preview", "post /v1/events/{name}", "post /v1/executions/{execution_id}:cancel", "get /v1/executions",
        "get /v1/circuit-breakers", "get /v1/stats", "get /v1/lifecycle:watch", "get /v1/workers", "get /v1/whoami");
    for (String route : routes) {
      String[] mp = route.split(" ");
      assertThat(doc.path("paths").path(mp[1]).has(mp[0])).as(route).isTrue();
    }
    int operations = 0;
    for (JsonNode path : doc.get("paths")) operations += path.size();
    assertThat(operations).isEqualTo(routes.size());
    assertThat(doc.at("/components/schemas/taskgrid.v1.Execution/properties/status/$ref").asText()).endsWith("taskgrid.v1.ExecutionStatus");
  }

  @Test
  void watchingAnExecutionStreamsItsStatesAsServerSentEventsUntilTheTerminalOne() throws Exception {
    String id = submit("echo", unique("r"));
    HttpResponse<java.util.stream.Stream<String>> response = http.sendAsync(
        HttpRequest.newBuilder(URI.create(base + "/v1/executions/" + id + ":watch")).build(), HttpResponse.BodyHandlers.ofLines())
        .get(30, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    List<String> data = java.util.concurrent.CompletableFuture.supplyAsync(
            () -> response.body().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).collect(Collectors.toList()))
        .get(30, TimeUnit.SECONDS);
    assertThat(data).isNotEmpty();
    JsonNode last = JSON.readTree(data.getLast());
    assertThat(last.at("/execution/executionId").asText()).isEqualTo(id);
    assertThat(last.at("/execution/status").asText()).isEqualTo("EXECUTION_STATUS_SUCCEEDED");
  }

  @Test
  void watchingAnUnknownExecutionIsANotFoundJsonError() throws Exception {
    assertError(get("/v1/executions/" + UUID.randomUUID() + ":watch"), 404, "NOT_FOUND");
  }

  @Test
  void badBodiesAreInvalidArgumentsNamingTheProblem() throws Exception {
    assertError(call("POST", "/v1/tasks:submit", "{\"handler\": "), 400, "INVALID_ARGUMENT", "body: not valid JSON");
    assertError(call("POST", "/v1/tasks:submit", "{\"handler\":\"echo\",\"colour\":\"red\"}"), 400, "INVALID_ARGUMENT", "colour");
    assertError(call("POST", "/v1/tasks:submit", "{\"handler\":\"echo\",\"priority\":\"URGENT\"}"), 400, "INVALID_ARGUMENT", "URGENT");
    assertError(call("POST", "/v1/tasks:submit", null), 400, "INVALID_ARGUMENT", "handler");
    assertError(call("POST", "/v1/tasks:submit", "{\"handler\":\"no spaces please\"}"), 400, "INVALID_ARGUMENT", "handler", "no spaces please");
    assertError(call("POST", "/v1/tasks:submit", "{\"handler\":\"echo\",\"timeout\":\"-5s\"}"), 400, "INVALID_ARGUMENT", "timeout");
    assertError(call("GET", "/v1/executions?colour=red", null), 400, "INVALID_ARGUMENT", "colour");
    assertError(call("GET", "/v1/executions?statuses=DONE", null), 400, "INVALID_ARGUMENT", "DONE");
    assertError(call("GET", "/v1/tasks/x", "{}"), 400, "INVALID_ARGUMENT", "takes no body");
  }

  @Test
  void aBodyThatIsNotJsonOrTooLargeIsRefusedBeforeTheCall() throws Exception {
    HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/tasks:submit"))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("handler=echo")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(form.statusCode()).isEqualTo(415);
    assertThat(JSON.readTree(form.body()).get("code").asText()).isEqualTo("INVALID_ARGUMENT");

    String huge = "{\"handler\":\"echo\",\"payload\":{\"data\":\"" + "A".repeat(4 * PAYLOAD_LIMIT + 128 * 1024) + "\"}}";
    Answer tooLarge = call("POST", "/v1/tasks:submit", huge);
    assertError(tooLarge, 413, "RESOURCE_EXHAUSTED", "larger than the limit");
  }

  @Test
  void unknownRoutesWrongMethodsAndBadPathsAreJsonErrors() throws Exception {
    assertError(get("/v1/nothing-here"), 404, "NOT_FOUND", "/v1/openapi.json");
    Answer wrongMethod = call("DELETE", "/v1/tasks:submit", null);
    assertError(wrongMethod, 405, "UNIMPLEMENTED");
    assertThat(wrongMethod.raw().headers().firstValue("Allow")).hasValue("POST");
    assertThat(call("PATCH", "/v1/tasks/x", "{}").raw().headers().firstValue("Allow")).hasValue("DELETE, GET, PUT");
    assertError(get("/v1/tasks/%2E%2E"), 400, "INVALID_ARGUMENT", "'..'");
    assertError(get("/v1/tasks/a%C3%28"), 400, "INVALID_ARGUMENT", "percent-encoding", "not UTF-8");
    // java.net.URI will not send a broken escape: write the request line by hand. The JDK's HTTP server refuses
    // such a request line itself (a short HTML 400) before any handler sees it
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", URI.create(base).getPort())) {
      socket.getOutputStream().write("GET /v1/tasks/a%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 400");
    }
    String unknown = UUID.randomUUID().toString();
    assertError(get("/v1/executions/" + unknown), 404, "NOT_FOUND", unknown);
    assertError(get("/v1/executions/" + URLEncoder.encode("no such id", StandardCharsets.UTF_8).replace("+", "%20")), 400, "INVALID_ARGUMENT",
        "execution_id", "no such id");
  }

  @Test
  void theWorkersAreListedWithTheirHandlers() throws Exception {
    JsonNode all = await().atMost(Duration.ofSeconds(30)).until(() -> get("/v1/workers").json(),
        j -> j.path("workers").findValuesAsText("workerId").contains(worker.id()));
    JsonNode listed = null;
    for (JsonNode w : all.get("workers")) if (w.get("workerId").asText().equals(worker.id())) listed = w;
    assertThat(listed.get("handlers")).extracting(JsonNode::asText).containsExactly("block", "echo", "explode", "watched");
    assertThat(listed.get("state").asText()).isEqualTo("WORKER_STATE_RUNNING");
    assertThat(listed.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
    assertThat(listed.get("lastSeen").asText()).isNotEmpty();

    Answer byHandler = get("/v1/workers?handler=explode");
    assertThat(byHandler.status()).as(byHandler.raw().body()).isEqualTo(200);
    assertThat(byHandler.json().get("workers")).extracting(w -> w.get("workerId").asText()).contains(worker.id());
    Answer nobody = get("/v1/workers?handler=" + unique("nobody"));
    assertThat(nobody.status()).isEqualTo(200);
    assertThat(nobody.json().path("workers").size()).isZero();
  }

  @Test
  void statsCountASucceededExecution() throws Exception {
    awaitStatus(submit("echo", unique("r")), "EXECUTION_STATUS_SUCCEEDED");

    JsonNode byHandler = await().atMost(Duration.ofSeconds(30)).until(() -> {
      Answer a = get("/v1/stats?handler=echo");
      assertThat(a.status()).as(a.raw().body()).isEqualTo(200);
      return a.json();
    }, j -> j.at("/total/lastDay/succeeded").asLong() >= 1);
    assertThat(byHandler.get("asOf").asText()).isNotEmpty();
    assertThat(byHandler.get("handlers")).singleElement().satisfies(h -> {
      assertThat(h.get("handler").asText()).isEqualTo("echo");
      assertThat(h.at("/lastDay/succeeded").asLong()).isPositive();
    });

    Answer all = get("/v1/stats");
    assertThat(all.status()).as(all.raw().body()).isEqualTo(200);
    assertThat(all.json().at("/total/lastDay/succeeded").asLong()).isPositive();
    assertThat(all.json().get("handlers")).extracting(h -> h.get("handler").asText()).contains("echo");
  }

  @Test
  void aMalformedStatsOrWorkersFilterIsABadRequestNamingTheField() throws Exception {
    assertError(get("/v1/stats?taskId=bad%20id%20with%20spaces"), 400, "INVALID_ARGUMENT", "task_id", "bad id with spaces");
    assertError(get("/v1/stats?handler=no%20spaces"), 400, "INVALID_ARGUMENT", "handler", "no spaces");
    assertError(get("/v1/workers?handler=no%20spaces"), 400, "INVALID_ARGUMENT", "handler", "no spaces");
    assertError(get("/v1/stats?colour=red"), 400, "INVALID_ARGUMENT", "colour");
  }

  @Test
  void watchingTheLifecycleStreamsAnExecutionsEventsAsServerSentEvents() throws Exception {
    List<String> submitted = new java.util.concurrent.CopyOnWriteArrayList<>();
    // the status line waits for the first event: read on another thread, up to the first data line, then close
    java.util.concurrent.CompletableFuture<String> first = http.sendAsync(
            HttpRequest.newBuilder(URI.create(base + "/v1/lifecycle:watch?handler=watched")).build(), HttpResponse.BodyHandlers.ofInputStream())
        .thenApplyAsync(response -> {
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
          try (java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
              if (line.startsWith("data: ")) return line.substring(6);
            }
            throw new AssertionError("the stream ended without an event");
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    // the coordinator streams only what happens after it joined the topic: submit until an event arrives
    await().atMost(Duration.ofSeconds(60)).pollInterval(500, TimeUnit.MILLISECONDS).until(() -> {
      submitted.add(submit("watched", unique("w")));
      return first.isDone();
    });
    JsonNode event = JSON.readTree(first.get());
    assertThat(event.get("handler").asText()).isEqualTo("watched");
    assertThat(event.get("kind").asText()).startsWith("EXECUTION_");
    assertThat(event.get("executionId").asText()).isIn(submitted);
    assertThat(event.get("eventId").asText()).isNotEmpty();

    assertError(get("/v1/lifecycle:watch?kinds=EXPLODED"), 400, "INVALID_ARGUMENT", "EXPLODED");
  }

  @Test
  void withTheApiOffTheHttpPortServesOnlyMetricsAndHealth() throws Exception {
    Coordinator off = cluster.coordinator(cluster.coordinatorConfig(0).withHttpPort(0).withHttpApi(false));
    String at = "http://127.0.0.1:" + off.httpPort().getAsInt();
    HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create(at + "/v1/openapi.json")).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(at + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(api.statusCode()).isEqualTo(404);
    assertThat(metrics.statusCode()).isEqualTo(200);
  }
}
