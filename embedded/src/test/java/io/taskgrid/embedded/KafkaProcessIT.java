package io.taskgrid.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KafkaProcessIT {
  @Test
  void keepsAcknowledgedRecordsAcrossAKillAndRestartOnTheSamePort() throws Exception {
    KafkaProcess kafka = KafkaProcess.start();
    try {
      String bootstrap = kafka.bootstrapServers();
      assertThat(kafka.logFile()).isNotEmptyFile();
      EmbeddedKafkaIT.roundTrip(bootstrap, "before-kill", "first");

      kafka.kill();
      assertThat(kafka.isAlive()).isFalse();
      kafka.restart();

      assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
      EmbeddedKafkaIT.produce(bootstrap, "before-kill", "second");
      assertThat(EmbeddedKafkaIT.consumeAll(bootstrap, "before-kill", 2)).containsExactlyInAnyOrder("first", "second");
    } finally {
      kafka.close();
    }
    kafka.close();
    assertThat(kafka.isAlive()).isFalse();
    assertThat(kafka.logFile()).doesNotExist();
    assertThatThrownBy(kafka::restart).isInstanceOf(IllegalStateException.class);
  }
}
