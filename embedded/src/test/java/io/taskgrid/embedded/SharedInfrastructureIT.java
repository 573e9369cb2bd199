package io.taskgrid.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SharedInfrastructureIT {
  @Test
  void startsOncePerJvmAndServesKafkaAndRedis() throws Exception {
    Infrastructure first = SharedInfrastructure.get();
    assertThat(SharedInfrastructure.get()).isSameAs(first);
    EmbeddedKafkaIT.roundTrip(first.kafkaBootstrap(), "shared-" + System.nanoTime(), "x");
    assertThat(first.redisUrl()).startsWith("redis://");
    assertThat(first.description()).contains("Kafka").containsIgnoringCase("redis");
  }
}
