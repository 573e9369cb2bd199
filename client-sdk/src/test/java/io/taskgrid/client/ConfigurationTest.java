package io.taskgrid.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.taskgrid.client.internal.Backoff;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the builders accept and reject before anything is sent. */
class ConfigurationTest {
  @Test
  void rejectsMalformedCoordinatorAddresses() {
    for (String bad : new String[] {"localhost", "host:port", "host:70000", ":7233", "a b:7233"}) {
      assertThatThrownBy(() -> TaskgridClient.builder().coordinators(bad).build())
          .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host:port");
    }
  }

  @Test
  void acceptsHostNamesIpv4AndBracketedIpv6() {
    TaskgridClient.builder().coordinators("coordinator-1.internal:7233", "10.0.0.1:7233", "[::1]:7233").build().close();
  }

  @Test
  void rejectsNonPositiveDeadlinesAndTinyMessageLimits() {
    assertThatThrownBy(() -> TaskgridClient.builder().coordinators("h:1").defaultDeadline(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("defaultDeadline");
    assertThatThrownBy(() -> TaskgridClient.builder().coordinators("h:1").submitDeadline(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("submitDeadline");
    assertThatThrownBy(() -> TaskgridClient.builder().coordinators("h:1").maxInboundMessageSize(10).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxInboundMessageSize");
  }

  @Test
  void requiresEitherCoordinatorsOrAChannel() {
    assertThatThrownBy(() -> TaskgridClient.builder().build()).isInstanceOf(IllegalArgumentException.class);
    ManagedChannel channel = InProcessChannelBuilder.forName("x").build();
    try {
      assertThatThrownBy(() -> TaskgridClient.builder().coordinators("h:1").channel(channel).build())
          .isInstanceOf(IllegalArgumentException.class);
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void taskRequestRejectsANegativeTimeoutAndReadsZeroAsTheDefault() {
    assertThatThrownBy(() -> TaskRequest.builder("echo").timeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThat(TaskRequest.builder("echo").timeout(Duration.ZERO).build().timeout()).isEmpty();
    assertThatThrownBy(() -> TaskRequest.builder(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void taskRequestIsImmutable() {
    byte[] data = {1, 2, 3};
    TaskRequest request = TaskRequest.builder("echo").payload(data, "application/octet-stream").label("k", "v").idempotencyKey("").build();
    data[0] = 9;
    request.payload()[1] = 9;

    assertThat(request.payload()).containsExactly(1, 2, 3);
    assertThat(request.idempotencyKey()).isEmpty();
    assertThatThrownBy(() -> request.labels().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void readsResultsAsTextAndJson() {
    TaskResult result = new TaskResult("{\"sentTo\":\"a@b.c\"}".getBytes(), "application/json");

    assertThat(result.asJson(Map.class)).isEqualTo(Map.of("sentTo", "a@b.c"));
    assertThatThrownBy(() -> new TaskResult("nope".getBytes(), "text/plain").asJson(Map.class)).isInstanceOf(TaskgridException.class);
    assertThat(TaskRequest.builder("x").payloadText("héllo").build().payload()).isEqualTo("héllo".getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void backoffDoublesUpToItsCapWithinTheJitter() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), 0.2);

    assertThat(backoff.delayMillis(0, 0.5)).isEqualTo(100);
    assertThat(backoff.delayMillis(3, 0.5)).isEqualTo(800);
    assertThat(backoff.delayMillis(40, 0.5)).isEqualTo(5000);
    assertThat(backoff.delayMillis(0, 0.0)).isEqualTo(80);
    assertThat(backoff.delayMillis(0, 0.999999)).isEqualTo(120);
  }
}
