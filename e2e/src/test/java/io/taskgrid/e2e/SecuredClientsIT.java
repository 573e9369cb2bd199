package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.cli.TaskgridCli;
import io.taskgrid.client.CallerIdentity;
import io.taskgrid.client.ExecutionInfo;
import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.TaskHandle;
import io.taskgrid.client.TaskRequest;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.core.config.ApiClientSecurity;
import io.taskgrid.e2e.support.TestCluster;
import io.taskgrid.security.ApiSecurity;
import io.taskgrid.security.ClientAuth;
import io.taskgrid.security.auth.ApiKeys;
import io.taskgrid.security.testing.TestCertificates;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client side against a secured coordinator (TLS, mutual TLS, API keys, roles), over real Kafka
 * and Redis: an SDK client with an operator key submits, a worker known by its client certificate
 * (role worker) reports the outcome, and the CLI with a viewer key reads it but may not submit.
 */
class SecuredClientsIT {
  private final TestCluster cluster = new TestCluster();
  @TempDir Path dir;

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void anOperatorSubmitsAWorkerReportsAndAViewerReadsButMayNotSubmit() throws Exception {
    TestCertificates ca = TestCertificates.authority(dir, "test-ca");
    TestCertificates.Issued server = ca.server("coordinator-1");
    TestCertificates.Issued workerCert = ca.client("worker-1");
    String operatorKey = "tgk_" + UUID.randomUUID();
    String viewerKey = "tgk_" + UUID.randomUUID();
    Path identities = Files.writeString(dir.resolve("identities.yaml"), "api_keys:\n"
        + "  - {name: ops-bot, key_hash: " + ApiKeys.hash(operatorKey) + ", role: operator}\n"
        + "  - {name: dashboards, key_hash: " + ApiKeys.hash(viewerKey) + ", role: viewer}\n"
        + "certificates:\n  - {common_name: worker-1, role: worker}\n");
    ApiSecurity security = ApiSecurity.NONE.withTls(server.chain(), server.privateKey()).withClientCa(ca.certificate(), ClientAuth.OPTIONAL)
        .withIdentities(identities);
    Coordinator coordinator = cluster.coordinator(cluster.coordinatorConfig(0).withApiSecurity(security));
    String address = "localhost:" + coordinator.port();

    cluster.worker(cluster.workerConfig(List.of(address))
            .withCoordinatorSecurity(ApiClientSecurity.NONE.withTls(ca.certificate()).withClientCertificate(workerCert.chain(), workerCert.privateKey())),
        b -> b.handler("echo", ctx -> "echo " + ctx.payloadText()));
    TaskgridClient client = cluster.own(TaskgridClient.builder().coordinators(address).tls(ca.certificate()).token(operatorKey).build());

    CallerIdentity me = client.whoAmI();
    assertThat(me.name()).isEqualTo("ops-bot");
    assertThat(me.role()).isEqualTo("operator");
    TaskHandle handle = client.submit(TaskRequest.builder("echo").payloadText("secured").build());
    ExecutionInfo done = handle.await(Duration.ofSeconds(60)); // recorded only if the worker-1 identity may report it
    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(done.result().asText()).isEqualTo("echo secured");

    Map<String, String> viewerEnv = Map.of("TASKGRID_TOKEN", viewerKey, "TASKGRID_CLIENT_TLS_CA", ca.certificate().toString());
    Cli get = cli(viewerEnv, "executions", "get", handle.id(), "-o", "json", "--coordinator", address);
    assertThat(get.code()).as(get.toString()).isZero();
    assertThat(get.out()).contains(handle.id(), "SUCCEEDED");

    Cli submit = cli(viewerEnv, "submit", "echo", "--coordinator", address);
    assertThat(submit.code()).as(submit.toString()).isEqualTo(TaskgridCli.NOT_ALLOWED);
    assertThat(submit.err()).contains("permission denied").doesNotContain("\tat ");

    Cli whoami = cli(viewerEnv, "whoami", "--coordinator", address);
    assertThat(whoami.out()).contains("dashboards", "viewer", "api-key");
    Cli wrongKey = cli(Map.of("TASKGRID_CLIENT_TLS_CA", ca.certificate().toString()), "whoami", "--token", "tgk_unknown", "--coordinator", address);
    assertThat(wrongKey.code()).as(wrongKey.toString()).isEqualTo(TaskgridCli.NOT_ALLOWED);
    assertThat(wrongKey.err()).contains("not authenticated");
  }

  private record Cli(int code, String out, String err) {}

  private static Cli cli(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = TaskgridCli.run(args, new ByteArrayInputStream(new byte[0]), o, e, env, false);
    }
    return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
