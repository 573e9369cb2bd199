package io.taskgrid.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KafkaProcessIT {
  @Test
  void keepsAcknowledgedRecordsAcrossAKillAndRestartOnTheSamePort() throws Exception {
    try (KafkaProcess kafka = KafkaProcess.start()) {
      String bootstrap = kafka.bootstrapServers();
      EmbeddedKafkaIT.roundTrip(bootstrap, "before-kill", "first");
      kafka.kill();
      assertThat(kafka.isAlive()).isFalse();
      kafka.restart();
      assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
      EmbeddedKafkaIT.produce(bootstrap, "before-kill", "second");
      assertThat(EmbeddedKafkaIT.consumeAll(bootstrap, "before-kill", 2)).containsExactlyInAnyOrder("first", "second");
    }
  }
}
