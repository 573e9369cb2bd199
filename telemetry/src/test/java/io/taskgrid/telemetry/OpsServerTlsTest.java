package io.taskgrid.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsExchange;
import io.taskgrid.security.testing.TestCertificates;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpsServerTlsTest {
  @TempDir
  Path dir;

  private final Metrics metrics = Metrics.create("taskgrid-test", Map.of());
  private TestCertificates ca;
  private OpsServer server;

  @BeforeEach
  void authority() {
    ca = TestCertificates.authority(dir, "ops-ca");
  }

  @AfterEach
  void close() {
    if (server != null) server.close();
    metrics.close();
  }

  /** A route that answers with the common name of the client's verified certificate, or "none". */
  private static final OpsServer.Route WHO = new OpsServer.Route("/who", exchange -> {
    String who;
    try {
      who = ((X509Certificate) ((HttpsExchange) exchange).getSSLSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    } catch (SSLPeerUnverifiedException e) {
      who = "none";
    }
    byte[] body = who.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, body.length);
    try (exchange; var out = exchange.getResponseBody()) {
      out.write(body);
    }
  });

  private void start(OpsServer.ClientAuth clientAuth) throws Exception {
    server = OpsServer.start(0, "test", metrics, new Health(), new Health(), List.of(WHO),
        Optional.of(new OpsServer.Tls(context(ca.server("coordinator"), ca), clientAuth)));
  }

  /** The context of a side: its own certificate (when it has one) and the CA it trusts. */
  static SSLContext context(TestCertificates.Issued own, TestCertificates trusted) throws Exception {
    char[] password = "unused".toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    if (own != null) keys.setKeyEntry("own", own.keys().getPrivate(), password, new Certificate[] {own.x509(), trusted.x509()});
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

  private HttpResponse<String> get(SSLContext client, String url) throws Exception {
    try (HttpClient http = HttpClient.newBuilder().sslContext(client).build()) {
      return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void servesMetricsAndHealthOverHttpsWithoutCredentials() throws Exception {
    new WorkerMeters(metrics.meter()).ended("echo", io.taskgrid.core.ExecutionStatus.SUCCEEDED, java.time.Duration.ofMillis(5),
        java.time.Duration.ofMillis(9));
    start(OpsServer.ClientAuth.WANT);
    SSLContext client = context(null, ca);

    HttpResponse<String> metricsPage = get(client, "https://localhost:" + server.port() + "/metrics");
    HttpResponse<String> ready = get(client, "https://127.0.0.1:" + server.port() + "/health/ready");

    assertThat(metricsPage.statusCode()).isEqualTo(200);
    assertThat(metricsPage.body()).contains("taskgrid_execution_attempts_total");
    assertThat(ready.statusCode()).isEqualTo(200);
  }

  @Test
  void refusesPlaintextOnAnHttpsPort() throws Exception {
    start(OpsServer.ClientAuth.NONE);

    assertThatThrownBy(() -> get(SSLContext.getDefault(), "http://127.0.0.1:" + server.port() + "/metrics")).isInstanceOf(IOException.class);
  }

  @Test
  void aClientThatDoesNotTrustTheServersCaIsRefused() throws Exception {
    start(OpsServer.ClientAuth.NONE);
    TestCertificates other = TestCertificates.authority(dir.resolve("other"), "other-ca");

    assertThatThrownBy(() -> get(context(null, other), "https://localhost:" + server.port() + "/metrics")).isInstanceOf(IOException.class);
  }

  @Test
  void wantedClientCertificateReachesTheRouteWhenPresentedAndIsOptional() throws Exception {
    start(OpsServer.ClientAuth.WANT);

    HttpResponse<String> with = get(context(ca.client("alice"), ca), "https://localhost:" + server.port() + "/who");
    HttpResponse<String> without = get(context(null, ca), "https://localhost:" + server.port() + "/who");

    assertThat(with.body()).isEqualTo("CN=alice");
    assertThat(without.body()).isEqualTo("none");
  }

  @Test
  void neededClientCertificateRefusesAClientWithoutOne() throws Exception {
    start(OpsServer.ClientAuth.NEED);

    HttpResponse<String> with = get(context(ca.client("bob"), ca), "https://localhost:" + server.port() + "/who");

    assertThat(with.body()).isEqualTo("CN=bob");
    assertThatThrownBy(() -> get(context(null, ca), "https://localhost:" + server.port() + "/who")).isInstanceOf(IOException.class);
  }

  @Test
  void noClientCertificateIsAskedForWhenOff() throws Exception {
    start(OpsServer.ClientAuth.NONE);

    assertThat(get(context(ca.client("carol"), ca), "https://localhost:" + server.port() + "/who").body()).isEqualTo("none");
  }
}
