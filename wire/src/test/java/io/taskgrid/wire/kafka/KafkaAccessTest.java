package io.taskgrid.wire.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.core.config.InfraSecurity;
import io.taskgrid.core.config.InfraSecurity.SaslMechanism;
import io.taskgrid.core.config.KafkaEndpoint;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class KafkaAccessTest {
  private static final KafkaEndpoint KAFKA = new KafkaEndpoint("k:9093",
      InfraSecurity.Kafka.saslSsl(SaslMechanism.SCRAM_SHA_256, "taskgrid", "s3cret", Optional.of(Path.of("/etc/ca.pem"))));

  @Test
  void refusedCredentialsNameThePasswordSettingAndTheUserButNotThePassword() {
    var error = new ExecutionException(new SaslAuthenticationException("Authentication failed: Invalid username or password"));
    assertThat(KafkaAccess.rejectedSettings(KAFKA, error)).hasValueSatisfying(e -> assertThat(e)
        .hasMessageStartingWith("TASKGRID_KAFKA_SASL_PASSWORD (or TASKGRID_KAFKA_SASL_PASSWORD_FILE) was rejected by Kafka for "
            + "TASKGRID_KAFKA_SASL_USERNAME 'taskgrid' with TASKGRID_KAFKA_SASL_MECHANISM SCRAM-SHA-256")
        .hasMessageNotContaining("s3cret"));
  }

  @Test
  void aFailedHandshakeNamesTheCaSetting() {
    var error = new SslAuthenticationException("SSL handshake failed", new RuntimeException("PKIX path building failed"));
    assertThat(KafkaAccess.rejectedSettings(KAFKA, error)).hasValueSatisfying(e -> assertThat(e)
        .hasMessageStartingWith("TASKGRID_KAFKA_TLS_CA must sign the brokers' certificates").hasMessageContaining("PKIX path building failed")
        .hasMessageEndingWith("got '/etc/ca.pem'"));
  }

  @Test
  void otherErrorsAreNotAboutSettings() {
    assertThat(KafkaAccess.rejectedSettings(KAFKA, new TimeoutException("no answer"))).isEmpty();
  }
}
