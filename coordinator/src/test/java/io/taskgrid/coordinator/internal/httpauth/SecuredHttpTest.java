package io.taskgrid.coordinator.internal.httpauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.taskgrid.coordinator.internal.dashboard.Dashboard;
import io.taskgrid.coordinator.internal.http.HttpApi;
import io.taskgrid.proto.v1.LifecycleEvent;
import io.taskgrid.proto.v1.ListTasksRequest;
import io.taskgrid.proto.v1.ListTasksResponse;
import io.taskgrid.proto.v1.PauseTaskRequest;
import io.taskgrid.proto.v1.Task;
import io.taskgrid.proto.v1.TaskDefinition;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.WatchLifecycleRequest;
import io.taskgrid.proto.v1.WhoAmIRequest;
import io.taskgrid.proto.v1.WhoAmIResponse;
import io.taskgrid.security.AuthMetadata;
import io.taskgrid.security.Identity;
import io.taskgrid.security.Role;
import io.taskgrid.security.testing.TestCertificates;
import io.taskgrid.telemetry.Health;
import io.taskgrid.telemetry.Metrics;
import io.taskgrid.telemetry.OpsServer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API and the dashboard in front of a TaskService of the test's own, behind a stand-in
 * for the coordinator's authentication interceptor (two API keys, and the forwarded client
 * certificate's common name): what reaches the service, and how its answers look over HTTP.
 */
class SecuredHttpTest {
  @TempDir
  Path dir;

  private final Metrics metrics = Metrics.create("taskgrid-test", Map.of());
  private final List<String> seenAuthorizations = new ArrayList<>();
  private Server server;
  private ManagedChannel channel;
  private OpsServer ops;
  private String base;
  private HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void close() {
    if (ops != null) ops.close();
    if (channel != null) channel.shutdownNow();
    if (server != null) server.shutdownNow();
    http.close();
    metrics.close();
  }

  /** The stand-in: viewer-key and operator-key, or a forwarded client certificate (an operator named by its CN). */
  private final ServerInterceptor authentication = new ServerInterceptor() {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      String authorization = headers.get(AuthMetadata.AUTHORIZATION);
      synchronized (seenAuthorizations) {
        seenAuthorizations.add(String.valueOf(authorization));
      }
      byte[] cert = headers.get(AuthMetadata.FORWARDED_CLIENT_CERTIFICATE);
      Identity id;
      String token = AuthMetadata.bearer(authorization);
      if ("viewer-key".equals(token)) id = new Identity("viewer-bot", Role.VIEWER, List.of(), List.of(), "api-key");
      else if ("operator-key".equals(token)) id = new Identity("ops", Role.OPERATOR, List.of(), List.of(), "api-key");
      else if (token != null) return refuse(call, Status.UNAUTHENTICATED.withDescription("authorization: unknown API key"));
      else if (cert != null) id = new Identity(commonName(cert), Role.OPERATOR, List.of(), List.of(), "mtls");
      else return refuse(call, Status.UNAUTHENTICATED.withDescription("no credentials: send authorization: Bearer <API key or JWT>"));
      String method = call.getMethodDescriptor().getBareMethodName();
      if (method.equals("PauseTask") && !id.role().includes(Role.OPERATOR)) {
        return refuse(call, Status.PERMISSION_DENIED.withDescription(id.name() + " (" + id.role().label() + ") may not call PauseTask"));
      }
      return Contexts.interceptCall(Context.current().withValue(Identity.CONTEXT_KEY, id), call, headers, next);
    }

    private <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
      call.close(status, new Metadata());
      return new ServerCall.Listener<>() {};
    }
  };

  private static String commonName(byte[] der) {
    try {
      X509Certificate x = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
      return x.getSubjectX500Principal().getName().replace("CN=", "");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private final TaskServiceGrpc.TaskServiceImplBase service = new TaskServiceGrpc.TaskServiceImplBase() {
    @Override
    public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> out) {
      Identity id = Identity.current();
      out.onNext(WhoAmIResponse.newBuilder().setName(id.name()).setRole(id.role().label()).setAuthenticatedBy(id.authenticatedBy())
          .setAuthenticationEnabled(true).build());
      out.onCompleted();
    }

    @Override
    public void listTasks(ListTasksRequest request, StreamObserver<ListTasksResponse> out) {
      out.onNext(ListTasksResponse.newBuilder().addTasks(task("nightly")).build());
      out.onCompleted();
    }

    @Override
    public void pauseTask(PauseTaskRequest request, StreamObserver<Task> out) {
      out.onNext(task(request.getTaskId()));
      out.onCompleted();
    }

    @Override
    public void watchLifecycle(WatchLifecycleRequest request, StreamObserver<LifecycleEvent> out) {
      out.onNext(LifecycleEvent.newBuilder().setEventId("ev-1").build());
      out.onCompleted();
    }
  };

  private static Task task(String id) {
    return Task.newBuilder().setDefinition(TaskDefinition.newBuilder().setId(id).setHandler("report")).build();
  }

  private void start(Optional<OpsServer.Tls> tls) throws Exception {
    String name = "secured-http-" + UUID.randomUUID();
    server = InProcessServerBuilder.forName(name).addService(ServerInterceptors.intercept(service, authentication)).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    List<OpsServer.Route> routes = new ArrayList<>();
    routes.add(new OpsServer.Route(HttpApi.PREFIX, new HttpApi(channel, 1 << 20, Duration.ofSeconds(10))));
    routes.addAll(Dashboard.routes(channel, Clock.systemUTC()));
    ops = OpsServer.start(0, "test", metrics, new Health(), new Health(), routes, tls);
    base = (tls.isPresent() ? "https://localhost:" : "http://127.0.0.1:") + ops.port();
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String form, String cookie) throws Exception {
    HttpRequest.Builder r = request(path).header("Content-Type", "application/x-www-form-urlencoded").header("Origin", base)
        .POST(HttpRequest.BodyPublishers.ofString(form));
    if (cookie != null) r.header("Cookie", cookie);
    return send(r);
  }

  // ------------------------------------------------------------------ the API

  @Test
  void anApiCallWithoutCredentialsIs401WithABearerChallengeAndTheUsualJsonError() throws Exception {
    start(Optional.empty());

    HttpResponse<String> r = send(request("/v1/tasks"));

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(r.body()).contains("\"code\":\"UNAUTHENTICATED\"").contains("\"httpStatus\":401").contains("no credentials");
  }

  @Test
  void theBearerTokenReachesTheServiceAndItsRoleDecides() throws Exception {
    start(Optional.empty());

    HttpResponse<String> viewerList = send(request("/v1/tasks").header("Authorization", "Bearer viewer-key"));
    HttpResponse<String> viewerPause = send(request("/v1/tasks/nightly:pause").header("Authorization", "Bearer viewer-key")
        .POST(HttpRequest.BodyPublishers.ofString("{}")));
    HttpResponse<String> operatorPause = send(request("/v1/tasks/nightly:pause").header("Authorization", "Bearer operator-key")
        .POST(HttpRequest.BodyPublishers.ofString("{}")));
    HttpResponse<String> wrongKey = send(request("/v1/whoami").header("Authorization", "Bearer nope"));

    assertThat(viewerList.statusCode()).isEqualTo(200);
    assertThat(viewerList.body()).contains("nightly");
    assertThat(viewerPause.statusCode()).isEqualTo(403);
    assertThat(viewerPause.body()).contains("\"code\":\"PERMISSION_DENIED\"").contains("viewer-bot (viewer) may not call PauseTask");
    assertThat(viewerPause.headers().firstValue("WWW-Authenticate")).isEmpty();
    assertThat(operatorPause.statusCode()).isEqualTo(200);
    assertThat(wrongKey.statusCode()).isEqualTo(401);
    assertThat(wrongKey.body()).contains("unknown API key");
    assertThat(seenAuthorizations).contains("Bearer viewer-key", "Bearer operator-key");
  }

  @Test
  void anEventStreamForwardsTheTokenAndIsRefusedBeforeItStartsWithout() throws Exception {
    start(Optional.empty());

    HttpResponse<String> without = send(request("/v1/lifecycle:watch"));
    HttpResponse<String> with = send(request("/v1/lifecycle:watch").header("Authorization", "Bearer viewer-key"));

    assertThat(without.statusCode()).isEqualTo(401);
    assertThat(without.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    assertThat(with.statusCode()).isEqualTo(200);
    assertThat(with.body()).contains("\"eventId\":\"ev-1\"");
  }

  // ------------------------------------------------------------ the dashboard

  @Test
  void aBrowserWithoutCredentialsIsSentToTheLoginPageAndBack() throws Exception {
    start(Optional.empty());

    HttpResponse<String> page = send(request("/ui/executions?task=nightly"));
    HttpResponse<String> login = send(request("/ui/login?back=%2Fui%2Fexecutions%3Ftask%3Dnightly"));

    assertThat(page.statusCode()).isEqualTo(303);
    assertThat(page.headers().firstValue("Location")).contains("/ui/login?back=%2Fui%2Fexecutions%3Ftask%3Dnightly");
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(login.body()).contains("name=\"token\"").contains("value=\"/ui/executions?task=nightly\"").doesNotContain("id=\"message\"");
    assertThat(login.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).contains("default-src 'self'"));
  }

  @Test
  void aRefusedTokenShowsTheServersReasonAndSetsNoCookie() throws Exception {
    start(Optional.empty());

    HttpResponse<String> r = post("/ui/login", "token=wrong&back=%2Fui%2F", null);

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("Not signed in: authorization: unknown API key");
    assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
  }

  @Test
  void aGoodTokenIsKeptInTheSessionCookieWhichThenSignsEveryPageIn() throws Exception {
    start(Optional.empty());

    HttpResponse<String> login = post("/ui/login", "token=operator-key&back=%2Fui%2Fworkers", null);
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    String cookie = setCookie.split(";", 2)[0];
    HttpResponse<String> tasks = send(request("/ui/").header("Cookie", cookie));
    HttpResponse<String> logout = post("/ui/logout", "", cookie);

    assertThat(login.statusCode()).isEqualTo(303);
    assertThat(login.headers().firstValue("Location")).contains("/ui/workers");
    assertThat(setCookie).contains("HttpOnly", "SameSite=Strict", "Path=/ui").doesNotContain("Secure").doesNotContain("operator-key");
    assertThat(tasks.statusCode()).isEqualTo(200);
    assertThat(tasks.body()).contains("signed in as ops (operator)").contains("nightly").contains("action=\"/ui/logout\"");
    assertThat(seenAuthorizations).contains("Bearer operator-key");
    assertThat(logout.statusCode()).isEqualTo(303);
    assertThat(logout.headers().firstValue("Location")).contains("/ui/login");
    assertThat(logout.headers().firstValue("Set-Cookie")).hasValueSatisfying(v -> assertThat(v).startsWith("taskgrid_session=;").contains("Max-Age=0"));
  }

  @Test
  void aSavedTokenTheServiceNoLongerAcceptsSendsTheBrowserToSignInAgainSayingWhy() throws Exception {
    start(Optional.empty());
    String revoked = "taskgrid_session=" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("revoked-key".getBytes());

    HttpResponse<String> page = send(request("/ui/stats").header("Cookie", revoked));
    HttpResponse<String> login = send(request("/ui/login?back=%2Fui%2Fstats").header("Cookie", revoked));

    assertThat(page.statusCode()).isEqualTo(303);
    assertThat(page.headers().firstValue("Location")).contains("/ui/login?back=%2Fui%2Fstats");
    assertThat(login.body()).contains("Your sign-in was refused: authorization: unknown API key");
    assertThat(login.headers().firstValue("Set-Cookie")).hasValueSatisfying(v -> assertThat(v).contains("Max-Age=0"));
  }

  @Test
  void aDeniedActionIsA403PageNamingWhoAndWhat() throws Exception {
    start(Optional.empty());
    String cookie = post("/ui/login", "token=viewer-key", null).headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];

    HttpResponse<String> r = post("/ui/tasks/nightly/pause", "back=%2Fui%2F", cookie);

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("Not allowed").contains("viewer-bot (viewer) may not pause task nightly: viewer-bot (viewer) may not call PauseTask");
  }

  @Test
  void aFormPostedFromAnotherSiteOrFromNowhereIsRefusedBeforeAnyCall() throws Exception {
    start(Optional.empty());

    HttpResponse<String> otherSite = send(request("/ui/login").header("Origin", "http://evil.example")
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("token=operator-key")));
    HttpResponse<String> nowhere = send(request("/ui/tasks/nightly/pause").header("Cookie", "taskgrid_session=b3BlcmF0b3Ita2V5")
        .POST(HttpRequest.BodyPublishers.ofString("")));

    assertThat(otherSite.statusCode()).isEqualTo(403);
    assertThat(otherSite.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(nowhere.statusCode()).isEqualTo(403);
    assertThat(seenAuthorizations).isEmpty();
  }

  @Test
  void theLiveStreamOfAPageWithoutCredentialsEndsSayingSo() throws Exception {
    start(Optional.empty());

    HttpResponse<String> r = send(request("/ui/events"));

    assertThat(r.body()).contains("event: unavailable\ndata: live updates are off: not signed in");
  }

  // --------------------------------------------------------------------- HTTPS

  @Test
  void overHttpsTheClientCertificateIsForwardedAndTheCookieIsSecure() throws Exception {
    TestCertificates ca = TestCertificates.authority(dir, "http-ca");
    start(Optional.of(new OpsServer.Tls(context(ca.server("coordinator"), ca), OpsServer.ClientAuth.WANT)));
    http.close();
    http = HttpClient.newBuilder().sslContext(context(ca.client("alice"), ca)).build();

    HttpResponse<String> whoami = send(request("/v1/whoami"));
    HttpResponse<String> page = send(request("/ui/"));
    HttpResponse<String> login = post("/ui/login", "token=viewer-key", null);

    assertThat(whoami.statusCode()).isEqualTo(200);
    assertThat(whoami.body()).contains("\"name\": \"alice\"").contains("\"authenticatedBy\": \"mtls\"");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("signed in as alice (operator)").doesNotContain("/ui/logout");
    assertThat(login.headers().firstValue("Set-Cookie")).hasValueSatisfying(v -> assertThat(v).endsWith("; Secure"));
  }

  static SSLContext context(TestCertificates.Issued own, TestCertificates trusted) throws Exception {
    char[] password = "unused".toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("own", own.keys().getPrivate(), password, new Certificate[] {own.x509(), trusted.x509()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, password);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", trusted.x509());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }
}
