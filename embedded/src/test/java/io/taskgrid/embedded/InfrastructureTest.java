package io.taskgrid.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InfrastructureTest {
  @Test
  void usesExternalServersWhenBothAreGivenAndStartsNothing() {
    Infrastructure infra = Infrastructure.start(Map.of(
        Infrastructure.KAFKA_BOOTSTRAP_ENV, " kafka.example:9092 ",
        Infrastructure.REDIS_URL_ENV, "redis://redis.example:6379"));

    assertThat(infra.kafkaBootstrap()).isEqualTo("kafka.example:9092");
    assertThat(infra.redisUrl()).isEqualTo("redis://redis.example:6379");
    assertThat(infra.description()).isEqualTo("external Kafka at kafka.example:9092, external Redis at redis://redis.example:6379");
    infra.close();
    infra.close();
  }

  @Test
  void rejectsAnUnknownInfraMode() {
    assertThatThrownBy(() -> Infrastructure.start(Map.of(Infrastructure.MODE_ENV, "docker")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("auto, embedded or testcontainers");
  }
}
