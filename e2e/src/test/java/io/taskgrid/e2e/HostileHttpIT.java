package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.core.SubmissionLimits;
import io.taskgrid.e2e.support.HostileInput;
import io.taskgrid.e2e.support.TestCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Hostile input on a coordinator's HTTP API (a real cluster: Kafka, Redis, a coordinator with its
 * HTTP port and API on, a worker), written as raw HTTP/1.1 on sockets so nothing on the client side
 * cleans it up. For every route of {@code /v1/openapi.json}: bad JSON bodies, wrong types for each
 * field of the body, bad path variables, huge headers, a body over the limit, wrong methods and
 * content types; never a 5xx, and every error a JSON body whose message names where the problem is.
 * Then a slow-loris client: the server keeps answering others, and closes the slow and idle
 * connections within a bounded time. Seeded like {@link HostileGrpcIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileHttpIT {
  private static final long SEED = HostileInput.seed();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAYLOAD_LIMIT = 16 * 1024;
  /** What an error message starts with: a field path of the request, or where in the HTTP request the problem is. */
  private static final Pattern NAMES_A_PLACE = Pattern.compile(
      "^(body|path|query parameter|Content-Type|Content-Length|[a-z_][A-Za-z0-9_]*(\\[\\d+\\])?(\\.[a-z_][A-Za-z0-9_]*(\\[\\d+\\])?)*)\\b.*",
      Pattern.DOTALL);

  private final TestCluster cluster = new TestCluster().limits(SubmissionLimits.DEFAULTS.withMaxPayloadBytes(PAYLOAD_LIMIT));
  private int port;
  private final List<Route> routes = new ArrayList<>();
  private JsonNode openApi;

  /** A route of the OpenAPI description: method, path template, and the schema of its body (null: none). */
  private record Route(String method, String template, JsonNode bodySchema) {
    @Override
    public String toString() {
      return method + " " + template;
    }
  }

  @BeforeAll
  void start() throws Exception {
    Coordinator coordinator = cluster.coordinator(cluster.coordinatorConfig(0).withHttpPort(0));
    cluster.worker(List.of(TestCluster.address(coordinator)), b -> b.handler("hostile-echo", ctx -> "echo " + ctx.payloadText()));
    port = coordinator.httpPort().getAsInt();
    Answer doc = send("GET /v1/openapi.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", new byte[0]);
    assertThat(doc.status()).isEqualTo(200);
    openApi = JSON.readTree(doc.body());
    for (Iterator<Map.Entry<String, JsonNode>> paths = openApi.get("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
        Map.Entry<String, JsonNode> op = ops.next();
        JsonNode ref = op.getValue().at("/requestBody/content/application~1json/schema/$ref");
        routes.add(new Route(op.getKey().toUpperCase(Locale.ROOT), path.getKey(), ref.isMissingNode() ? null : schema(ref.asText())));
      }
    }
    assertThat(routes).hasSizeGreaterThan(15);
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  private JsonNode schema(String ref) {
    return openApi.at("/components/schemas/" + ref.substring(ref.lastIndexOf('/') + 1).replace("~", "~0").replace("/", "~1"));
  }

  /** The route's path with its variables set to harmless values that name nothing. */
  private static String path(Route route, String variable) {
    return route.template().replaceAll("\\{[^}]+}", variable);
  }

  private static String harmless(Route route) {
    return path(route, "hostile-absent");
  }

  // ---- raw HTTP ----

  record Answer(int status, Map<String, String> headers, byte[] bodyBytes) {
    String body() {
      return new String(bodyBytes, StandardCharsets.UTF_8);
    }

    String contentType() {
      return headers.getOrDefault("content-type", "");
    }
  }

  private Answer send(String head, byte[] body) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      try {
        out.write(body);
        out.flush();
      } catch (IOException e) {
        // the server may answer (and close) before it read a body it refuses: read the answer anyway
      }
      try {
        return read(socket.getInputStream());
      } catch (java.net.SocketTimeoutException e) {
        throw new AssertionError("no answer in 30 s to " + abbreviate(head), e);
      }
    }
  }

  private static Answer read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int last4 = 0;
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      last4 = (last4 << 8) | b;
      if (last4 == 0x0D0A0D0A) break;
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    if (lines.length == 0 || !lines[0].startsWith("HTTP/1.1 ")) throw new IOException("no HTTP answer: " + head);
    int status = Integer.parseInt(lines[0].substring(9, 12));
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    byte[] body;
    if (headers.containsKey("content-length")) {
      body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      while (true) {
        StringBuilder size = new StringBuilder();
        while ((b = in.read()) >= 0 && b != '\n') if (b != '\r') size.append((char) b);
        int n = Integer.parseInt(size.toString().split(";")[0].trim(), 16);
        if (n == 0) break;
        all.write(in.readNBytes(n));
        in.readNBytes(2);
      }
      body = all.toByteArray();
    } else {
      body = in.readAllBytes();
    }
    return new Answer(status, headers, body);
  }

  private static String request(String method, String target, String... headers) {
    StringBuilder s = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    for (String h : headers) s.append(h).append("\r\n");
    return s.toString();
  }

  private Answer json(String method, String target, byte[] body) throws IOException {
    return send(request(method, target, "Content-Type: application/json", "Content-Length: " + body.length) + "\r\n", body);
  }

  // ---- what every answer must be ----

  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final Map<Integer, AtomicInteger> statuses = new java.util.concurrent.ConcurrentSkipListMap<>();

  /**
   * Never a 5xx; an error is a JSON body with code and message, and a 400's message says where
   * the problem is. The JDK server's own answer to a request line it cannot parse (a short HTML
   * 400, before any handler runs) is accepted when {@code jdkMayRefuse}.
   */
  private void check(String what, Answer a, boolean jdkMayRefuse) {
    statuses.computeIfAbsent(a.status(), s -> new AtomicInteger()).incrementAndGet();
    String shown = what + " -> " + a.status() + " " + abbreviate(a.body());
    if (a.status() >= 500) {
      failures.add(shown);
      return;
    }
    if (a.status() < 400) return;
    if (!a.contentType().startsWith("application/json")) {
      if (!(jdkMayRefuse && a.status() == 400)) failures.add(shown + " (not JSON: " + a.contentType() + ")");
      return;
    }
    try {
      JsonNode error = JSON.readTree(a.bodyBytes());
      String message = error.path("message").asText("");
      if (error.path("code").asText("").isEmpty() || message.isEmpty()) {
        failures.add(shown + " (no code or message)");
      } else if (a.status() == 400 && !NAMES_A_PLACE.matcher(message).matches()) {
        failures.add(shown + " (the message names no field)");
      } else if (message.contains("Exception") || message.contains("\tat ")) {
        failures.add(shown + " (an exception shows)");
      }
    } catch (IOException e) {
      failures.add(shown + " (the body is not JSON)");
    }
  }

  private void checkOrClosed(String what, String head) {
    try {
      check(what, send(head, new byte[0]), true);
    } catch (IOException e) {
      statuses.computeIfAbsent(0, s -> new AtomicInteger()).incrementAndGet(); // 0: closed without an answer
    }
  }

  private static String abbreviate(String s) {
    String one = s.replace("\n", " ");
    return one.length() > 240 ? one.substring(0, 240) + "…" : one;
  }

  private void assertNoFailures() {
    System.out.printf("HostileHttpIT: statuses %s; %s%n", statuses, HostileInput.rerun(SEED));
    assertThat(failures).as(HostileInput.rerun(SEED)).isEmpty();
    assertHealthy();
  }

  private void assertHealthy() {
    try {
      Answer a = send(request("GET", "/v1/tasks?pageSize=1") + "\r\n", new byte[0]);
      assertThat(a.status()).as(a.body()).isEqualTo(200);
      assertThat(send(request("GET", "/health/live") + "\r\n", new byte[0]).status()).isEqualTo(200);
    } catch (IOException e) {
      throw new AssertionError("the HTTP port stopped answering; " + HostileInput.rerun(SEED), e);
    }
  }

  // ---- the cases ----

  // no empty body: that is a request without one, and on a watch route a stream that stays open
  private static final List<String> BAD_JSON = List.of("null", "[]", "\"text\"", "42", "{", "{\"a\":}", "{} trailing", "{\"a\":1,}",
      "\uFEFF{}", "{'single':'quotes'}", "{\"a\":NaN}", "{\"a\":1e999999}", "/* comment */ {}");

  @Test
  void everyRouteAnswersBadBodiesWithAJsonErrorNamingTheProblem() throws Exception {
    Random random = new Random(SEED);
    for (Route route : routes) {
      String target = harmless(route);
      List<byte[]> bodies = new ArrayList<>();
      for (String s : BAD_JSON) bodies.add(s.getBytes(StandardCharsets.UTF_8));
      bodies.add(("[".repeat(100_000)).getBytes(StandardCharsets.UTF_8));
      bodies.add(("{\"a\":".repeat(100_000)).getBytes(StandardCharsets.UTF_8));
      bodies.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'});
      byte[] noise = new byte[1 + random.nextInt(4096)];
      random.nextBytes(noise);
      bodies.add(noise);
      if (route.bodySchema() != null) bodies.addAll(fieldCases(route.bodySchema(), random));
      for (byte[] body : bodies) {
        check(route + " body " + abbreviate(new String(body, 0, Math.min(body.length, 80), StandardCharsets.UTF_8)),
            json(route.method(), target, body), false);
      }
    }
    assertNoFailures();
  }

  /** Per property of the body's schema: values of the wrong type, overflowing numbers, huge strings; an unknown field and a duplicate key. */
  private List<byte[]> fieldCases(JsonNode schema, Random random) {
    List<byte[]> cases = new ArrayList<>();
    cases.add("{\"hostileUnknownField\":1}".getBytes(StandardCharsets.UTF_8));
    Iterator<Map.Entry<String, JsonNode>> props = schema.path("properties").fields();
    List<String> wrong = List.of("123", "-1", "true", "{}", "[]", "null", "\"\"", "\" \"", "\"../../etc/passwd\"", "\"%2e%2e%2f\"",
        "\"a\\u0000b\"", "\"\\ud800\"", "2147483648", "-9223372036854775809", "18446744073709551616", "1.5", "1e999999", "-1e999999",
        "9".repeat(20_000), "\"" + "x".repeat(1 << 20) + "\"", "[" + "1,".repeat(100_000) + "1]", "{\"k\":" + "[".repeat(5000) + "]".repeat(5000) + "}",
        "\"" + "9".repeat(5000) + "\"", "\"P1000000000Y\"", "\"-5s\"", "\"99999999999999999999s\"", "\"10000-01-01T00:00:00Z\"");
    boolean first = true;
    while (props.hasNext()) {
      String name = props.next().getKey();
      if (first) {
        cases.add(("{\"" + name + "\":\"a\",\"" + name + "\":\"b\"}").getBytes(StandardCharsets.UTF_8));
        first = false;
      }
      // a seeded pick of the wrong values for each field: all of them for every field is many megabytes per route
      List<String> picked = new ArrayList<>(wrong);
      java.util.Collections.shuffle(picked, random);
      for (String v : picked.subList(0, 8)) cases.add(("{\"" + name + "\":" + v + "}").getBytes(StandardCharsets.UTF_8));
    }
    return cases;
  }

  @Test
  void badPathVariablesHugeHeadersWrongMethodsAndContentTypesAreJsonErrors() throws Exception {
    List<String> variables = List.of("..", "%2e%2e", "%2E%2e%2F..", "a%00b", "%00", "%zz", "%", "%C3%28", "%20", "%20%09", "x".repeat(10_000),
        "%2F", "..%2f..%2fetc%2fpasswd", "%252e%252e", "a%2Fb", "%E2%80%AE", "con", "*", "a;b=c", "a?b", "%0d%0aX-Injected:%201");
    for (Route route : routes) {
      for (String v : route.template().contains("{") ? variables : List.<String>of()) {
        // variables the JDK's request-line parser refuses get its own 400: written by hand, never seen by the API
        String target = path(route, v);
        boolean jdk = v.contains("%zz") || v.equals("%") || v.contains("?");
        Answer a = route.bodySchema() == null ? send(request(route.method(), target) + "\r\n", new byte[0]) : json(route.method(), target, "{}".getBytes(StandardCharsets.UTF_8));
        check(route + " at " + abbreviate(target), a, jdk);
        assertThat(a.headers()).as("a header injected through the path").doesNotContainKey("x-injected");
      }
      for (String method : List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO")) {
        if (method.equals(route.method())) continue;
        check(method + " " + route.template(), send(request(method, harmless(route)) + "Content-Length: 0\r\n\r\n", new byte[0]), method.equals("FOO"));
      }
      if (route.bodySchema() != null) {
        for (String type : List.of("text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "*/*",
            "application/json\u0000")) {
          byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
          check(route + " as " + type, send(request(route.method(), harmless(route), "Content-Type: " + type, "Content-Length: 2") + "\r\n", body), true);
        }
      }
      // headers over the JDK server's limits (sun.net.httpserver.maxReqHeaders, maxReqHeaderSize): it closes the connection unanswered
      checkOrClosed(route + " with a 1 MiB header", request(route.method(), harmless(route), "X-Huge: " + "h".repeat(1 << 20), "Content-Length: 0") + "\r\n");
      StringBuilder many = new StringBuilder();
      for (int i = 0; i < 2000; i++) many.append("X-Many-").append(i).append(": v\r\n");
      checkOrClosed(route + " with 2000 headers", request(route.method(), harmless(route), "Content-Length: 0") + many + "\r\n");
      check(route + " with a bad Content-Length", send(request(route.method(), harmless(route), "Content-Length: 12abc") + "\r\n", new byte[0]), true);
    }
    assertNoFailures();
  }

  @Test
  void aBodyOverTheLimitIsRefusedWith413WithoutWaitingForIt() throws Exception {
    for (Route route : routes) {
      if (route.bodySchema() == null) continue;
      // declared far over the limit, and only a little of it sent: the answer may not wait for the rest
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.setSoTimeout(60_000);
        OutputStream out = socket.getOutputStream();
        out.write((request(route.method(), harmless(route), "Content-Type: application/json", "Content-Length: " + (1L << 32)) + "\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
        out.write("{\"a\":\"".getBytes(StandardCharsets.UTF_8));
        out.write(new byte[64 * 1024]);
        out.flush();
        Answer a = read(socket.getInputStream());
        check(route + " declaring 4 GiB", a, false);
        assertThat(a.status()).as(route + ": " + a.body()).isEqualTo(413);
      }
    }
    assertNoFailures();
  }

  @Test
  void aSlowLorisClientNeitherStopsOthersNorKeepsItsConnections() throws Exception {
    long maxRequestSeconds = Long.getLong("sun.net.httpserver.maxReqTime", -1);
    assertThat(maxRequestSeconds).as("the coordinator sets sun.net.httpserver.maxReqTime").isPositive();
    long clockTick = Long.getLong("sun.net.httpserver.clockTick", 10_000);
    int slow = 60;
    int idle = 30;
    List<Socket> sockets = new ArrayList<>();
    List<java.util.concurrent.CompletableFuture<Void>> closed = new ArrayList<>();
    ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
    try {
      byte[] headers = (request("GET", "/v1/tasks") + "X-Slow: " + "s".repeat(10_000) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
      for (int i = 0; i < slow + idle; i++) {
        Socket s = new Socket("127.0.0.1", port);
        sockets.add(s);
        var done = new java.util.concurrent.CompletableFuture<Void>();
        closed.add(done);
        Thread.ofVirtual().start(() -> {
          try {
            while (s.getInputStream().read() >= 0) {
              // an answer to a slow request would be a failure of the test below, not of this reader
            }
          } catch (IOException e) {
            // reset: closed too
          }
          done.complete(null);
        });
        if (i < slow) {
          AtomicInteger next = new AtomicInteger();
          drip.scheduleWithFixedDelay(() -> {
            if (done.isDone() || next.get() >= headers.length) return;
            try {
              s.getOutputStream().write(headers[next.getAndIncrement()]);
              s.getOutputStream().flush();
            } catch (IOException e) {
              done.complete(null);
            }
          }, 0, 200, TimeUnit.MILLISECONDS);
        }
      }
      // others are served all along
      for (int i = 0; i < 5; i++) assertHealthy();
      await().atMost(Duration.ofMillis(maxRequestSeconds * 1000 + clockTick + 20_000)).untilAsserted(() ->
          assertThat(closed.stream().filter(f -> !f.isDone()).count()).as("connections the server has not closed").isZero());
      assertHealthy();
    } finally {
      drip.shutdownNow();
      for (Socket s : sockets) s.close();
    }
  }

  @Test
  void aWatchOfAnExecutionWithAMalformedIdIsAJsonErrorAndAnUnknownOneNotFound() throws Exception {
    check("watch ../x", send(request("GET", "/v1/executions/..%2fx:watch") + "\r\n", new byte[0]), false);
    Answer unknown = send(request("GET", "/v1/executions/" + UUID.randomUUID() + ":watch") + "\r\n", new byte[0]);
    check("watch unknown", unknown, false);
    assertThat(unknown.status()).isEqualTo(404);
    assertNoFailures();
  }
}
