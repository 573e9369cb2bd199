package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.taskgrid.client.ExecutionInfo;
import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.TaskRequest;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.coordinator.CoordinatorConfig;
import io.taskgrid.core.config.ConfigException;
import io.taskgrid.core.config.InfraSecurity;
import io.taskgrid.core.config.InfraSecurity.SaslMechanism;
import io.taskgrid.embedded.EmbeddedKafka;
import io.taskgrid.embedded.RedisProcess;
import io.taskgrid.e2e.support.TestCluster;
import io.taskgrid.security.testing.TestCertificates;
import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Coordinators and workers against a Kafka that takes only SASL_SSL (SCRAM-SHA-256, client
 * certificates required) and a Redis that takes only TLS (client certificates required) and one
 * ACL user. Both servers are this class's own.
 */
class SecuredInfrastructureIT {
  private static final String KAFKA_USER = "taskgrid";
  private static final String KAFKA_PASSWORD = "kafka-" + UUID.randomUUID();
  private static final String REDIS_USER = "taskgrid";
  private static final String REDIS_PASSWORD = "redis-" + UUID.randomUUID();

  private static Path dir;
  private static TestCertificates ca;
  private static TestCertificates.Issued client;
  private static EmbeddedKafka kafka;
  private static RedisProcess redis;

  private final String name = "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private final List<AutoCloseable> started = new ArrayList<>();

  @BeforeAll
  static void startSecuredInfrastructure() throws Exception {
    assumeTrue(RedisProcess.tlsAvailable(),
        "needs a redis-server built with TLS on the PATH (apt-get install redis-server; .ci/run installs it)");
    dir = Files.createTempDirectory("taskgrid-secured-it-");
    ca = TestCertificates.authority(dir, "taskgrid-test-ca");
    TestCertificates.Issued server = ca.server("localhost");
    client = ca.client("taskgrid-client");
    kafka = EmbeddedKafka.startSecured(new EmbeddedKafka.SaslSsl(server.certificate(), server.privateKey(), Optional.of(ca.certificate()),
        Map.of(KAFKA_USER, KAFKA_PASSWORD)));
    redis = RedisProcess.startSecured(new RedisProcess.Security(server.certificate(), server.privateKey(), ca.certificate(), true,
        REDIS_USER, REDIS_PASSWORD));
  }

  @AfterAll
  static void stopSecuredInfrastructure() {
    if (redis != null) redis.close();
    if (kafka != null) kafka.close();
  }

  @AfterEach
  void closeStarted() throws Exception {
    for (int i = started.size() - 1; i >= 0; i--) started.get(i).close();
  }

  private static InfraSecurity security(String kafkaPassword, String redisPassword) {
    return new InfraSecurity(
        InfraSecurity.Kafka.saslSsl(SaslMechanism.SCRAM_SHA_256, KAFKA_USER, kafkaPassword, Optional.of(ca.certificate()))
            .withClientCertificate(client.certificate(), client.privateKey()),
        InfraSecurity.Redis.user(REDIS_USER, redisPassword).withTlsCa(ca.certificate())
            .withClientCertificate(client.certificate(), client.privateKey()));
  }

  private CoordinatorConfig coordinatorConfig(InfraSecurity security) {
    CoordinatorConfig defaults = CoordinatorConfig.defaults(kafka.bootstrapServers(), redis.redisUrl());
    return defaults.withNamespace(name)
        .withTasksTopic("tasks." + name, 2)
        .withGrpcPort(0)
        .withScheduling(defaults.scheduling().withTopics("tg." + name))
        .withInfraSecurity(security);
  }

  private WorkerConfig workerConfig(InfraSecurity security, String coordinator) {
    return WorkerConfig.defaults(kafka.bootstrapServers(), redis.redisUrl(), coordinator)
        .withNamespace(name)
        .withTopicAndGroup("tasks." + name, "workers." + name)
        .withRegistryTopic(coordinatorConfig(security).scheduling().registryTopic())
        .withLifecycleTopic(coordinatorConfig(security).scheduling().lifecycleTopic())
        .withClaimLease(Duration.ofSeconds(3))
        .withSessionTimeout(Duration.ofSeconds(3))
        .withInfraSecurity(security);
  }

  private <T extends AutoCloseable> T own(T resource) {
    started.add(resource);
    return resource;
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aCoordinatorAndAWorkerOverSaslSslAndRedisTlsRunATaskToSucceeded() throws Exception {
    InfraSecurity security = security(KAFKA_PASSWORD, REDIS_PASSWORD);
    Coordinator coordinator = own(new Coordinator(coordinatorConfig(security)).start());
    own(Worker.builder(workerConfig(security, TestCluster.address(coordinator)))
        .handler("greet", ctx -> "hello " + ctx.payloadText())
        .build().start());
    TaskgridClient sdk = own(TaskgridClient.builder().coordinators(TestCluster.address(coordinator)).build());

    ExecutionInfo info = sdk.submit(TaskRequest.builder("greet").payloadText("secured").build()).result().get(2, TimeUnit.MINUTES);

    assertThat(info.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(info.result().asText()).isEqualTo("hello secured");
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aWrongKafkaPasswordFailsTheCoordinatorStartNamingTheSetting() {
    Coordinator coordinator = new Coordinator(coordinatorConfig(security("not-the-password", REDIS_PASSWORD)));
    try {
      assertThatThrownBy(coordinator::start).isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("TASKGRID_KAFKA_SASL_PASSWORD (or TASKGRID_KAFKA_SASL_PASSWORD_FILE) was rejected by Kafka")
          .hasMessageNotContaining("not-the-password");
    } finally {
      coordinator.close();
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aWrongKafkaPasswordFailsTheWorkerStartNamingTheSetting() {
    Worker worker = Worker.builder(workerConfig(security("not-the-password", REDIS_PASSWORD), "127.0.0.1:1"))
        .handler("greet", ctx -> "hello").build();
    try {
      assertThatThrownBy(worker::start).isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("TASKGRID_KAFKA_SASL_PASSWORD (or TASKGRID_KAFKA_SASL_PASSWORD_FILE) was rejected by Kafka")
          .hasMessageNotContaining("not-the-password");
    } finally {
      worker.close();
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aWrongRedisPasswordFailsTheCoordinatorAndWorkerStartsNamingTheSetting() {
    InfraSecurity wrong = security(KAFKA_PASSWORD, "not-the-password");
    Coordinator coordinator = new Coordinator(coordinatorConfig(wrong));
    Worker worker = Worker.builder(workerConfig(wrong, "127.0.0.1:1")).handler("greet", ctx -> "hello").build();
    try {
      assertThatThrownBy(coordinator::start).isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("TASKGRID_REDIS_PASSWORD (or TASKGRID_REDIS_PASSWORD_FILE, with TASKGRID_REDIS_USERNAME 'taskgrid') was refused")
          .hasMessageNotContaining("not-the-password");
      assertThatThrownBy(worker::start).isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("TASKGRID_REDIS_PASSWORD (or TASKGRID_REDIS_PASSWORD_FILE, with TASKGRID_REDIS_USERNAME 'taskgrid') was refused")
          .hasMessageNotContaining("not-the-password");
    } finally {
      coordinator.close();
      worker.close();
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aRedisThatDoesNotTrustTheCaFailsTheStartNamingTheSetting() throws Exception {
    TestCertificates other = TestCertificates.authority(Files.createTempDirectory(dir, "other-"), "another-ca");
    InfraSecurity untrusting = security(KAFKA_PASSWORD, REDIS_PASSWORD)
        .withRedis(InfraSecurity.Redis.user(REDIS_USER, REDIS_PASSWORD).withTlsCa(other.certificate())
            .withClientCertificate(client.certificate(), client.privateKey()));
    Coordinator coordinator = new Coordinator(coordinatorConfig(untrusting));
    try {
      assertThatThrownBy(coordinator::start).isInstanceOf(ConfigException.class).hasMessageStartingWith("TASKGRID_REDIS_TLS_CA must sign");
    } finally {
      coordinator.close();
    }
  }
}
