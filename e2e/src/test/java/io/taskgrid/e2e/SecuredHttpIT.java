package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.e2e.support.TestCluster;
import io.taskgrid.e2e.support.TestIdentities;
import io.taskgrid.security.ApiSecurity;
import io.taskgrid.security.ClientAuth;
import io.taskgrid.security.testing.TestCertificates;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A coordinator with TLS and authentication on, over its HTTP port: HTTPS only, metrics and health
 * open, the HTTP API answering by the caller's API key or client certificate as the gRPC API does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecuredHttpIT {
  private static final String SUBMIT = "{\"handler\":\"secured.echo\",\"payload\":{\"data\":\"aGk=\",\"contentType\":\"text/plain\"}}";

  private final TestCluster cluster = new TestCluster();
  private Path dir;
  private TestCertificates ca;
  private String viewerKey;
  private String operatorKey;
  private String base;
  private HttpClient http;

  @BeforeAll
  void start() throws IOException {
    dir = Files.createTempDirectory("secured-http-it");
    ca = TestCertificates.authority(dir, "secured-http-ca");
    TestCertificates.Issued server = ca.server("coordinator");
    TestIdentities identities = new TestIdentities().certificate("alice", "operator");
    viewerKey = identities.key("dashboards", "viewer");
    operatorKey = identities.key("ci", "operator");
    ApiSecurity security = ApiSecurity.NONE.withTls(server.certificate(), server.privateKey())
        .withClientCa(ca.certificate(), ClientAuth.OPTIONAL).withIdentities(identities.write(dir));
    Coordinator coordinator = cluster.coordinator(cluster.coordinatorConfig(0).withHttpPort(0).withApiSecurity(security));
    base = "https://localhost:" + coordinator.httpPort().getAsInt();
    http = cluster.own(HttpClient.newBuilder().sslContext(TestIdentities.clientContext(ca, null)).connectTimeout(Duration.ofSeconds(5)).build());
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  private HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) throws Exception {
    return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder submit(String url, String key) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + "/v1/tasks:submit")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(SUBMIT));
    return key == null ? b : b.header("Authorization", "Bearer " + key);
  }

  @Test
  void metricsAndHealthAnswerOverHttpsWithoutCredentials() throws Exception {
    HttpResponse<String> metrics = send(http, HttpRequest.newBuilder(URI.create(base + "/metrics")));
    HttpResponse<String> ready = send(http, HttpRequest.newBuilder(URI.create(base + "/health/ready")));

    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("taskgrid_");
    assertThat(ready.statusCode()).isEqualTo(200);
  }

  @Test
  void plaintextHttpGetsNoAnswer() {
    String plain = base.replace("https://", "http://");
    try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      assertThatThrownBy(() -> send(client, HttpRequest.newBuilder(URI.create(plain + "/v1/tasks")))).isInstanceOf(IOException.class);
    }
  }

  @Test
  void submittingWantsAnOperatorKey() throws Exception {
    HttpResponse<String> anonymous = send(http, submit(base, null));
    HttpResponse<String> viewer = send(http, submit(base, viewerKey));
    HttpResponse<String> operator = send(http, submit(base, operatorKey));
    HttpResponse<String> forged = send(http, submit(base, "tgk_not_a_key"));

    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(anonymous.body()).contains("\"code\":\"UNAUTHENTICATED\"", "\"httpStatus\":401");
    assertThat(viewer.statusCode()).isEqualTo(403);
    assertThat(viewer.body()).contains("\"code\":\"PERMISSION_DENIED\"", "\"httpStatus\":403");
    assertThat(operator.statusCode()).as(operator.body()).isEqualTo(200);
    assertThat(operator.body()).contains("executionId");
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.body()).doesNotContain("tgk_not_a_key");
  }

  @Test
  void aClientCertificateIsAnIdentityOverHttps() throws Exception {
    try (HttpClient alice = HttpClient.newBuilder().sslContext(TestIdentities.clientContext(ca, ca.client("alice"))).build()) {
      HttpResponse<String> whoami = send(alice, HttpRequest.newBuilder(URI.create(base + "/v1/whoami")));
      HttpResponse<String> submitted = send(alice, submit(base, null));

      assertThat(whoami.statusCode()).isEqualTo(200);
      assertThat(whoami.body()).contains("\"name\": \"alice\"", "\"role\": \"operator\"", "\"authenticatedBy\": \"mtls\"");
      assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(200);
    }
  }

  @Test
  void aCertificateOfAnotherCaIsNoIdentity() throws Exception {
    TestCertificates other = TestCertificates.authority(dir.resolve("other"), "other-ca");
    // the server names the CAs it trusts, so the client has no certificate to offer (or, offering it, fails the handshake)
    try (HttpClient mallory = HttpClient.newBuilder().sslContext(TestIdentities.clientContext(ca, other.client("alice"))).build()) {
      HttpResponse<String> whoami = send(mallory, HttpRequest.newBuilder(URI.create(base + "/v1/whoami")));
      assertThat(whoami.statusCode()).isEqualTo(401);
    } catch (IOException refusedInTheHandshake) {
      // as good: no identity either way
    }
  }

  @Test
  void anEventStreamWantsCredentialsToo() throws Exception {
    HttpResponse<String> anonymous = send(http, HttpRequest.newBuilder(URI.create(base + "/v1/executions/01JNOSUCHEXECUTION0000000000:watch")));
    HttpResponse<String> viewer = send(http, HttpRequest.newBuilder(URI.create(base + "/v1/executions/01JNOSUCHEXECUTION0000000000:watch"))
        .header("Authorization", "Bearer " + viewerKey));

    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(viewer.statusCode()).isNotIn(401, 403);
  }
}
