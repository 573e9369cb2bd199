package io.taskgrid.worker.internal.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.core.policy.RateLimitPolicy;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FixedWindowTest {
  private final FixedWindow second = new FixedWindow(Duration.ofSeconds(1));

  @Test
  void windowsAreAlignedToTheEpoch() {
    assertThat(second.index(Instant.ofEpochMilli(999))).isEqualTo(0);
    assertThat(second.index(Instant.ofEpochMilli(1000))).isEqualTo(1);
    assertThat(second.index(Instant.ofEpochMilli(-1))).isEqualTo(-1);
  }

  @Test
  void waitsUntilTheNextWindowBegins() {
    assertThat(second.untilNext(Instant.ofEpochMilli(1250))).isEqualTo(Duration.ofMillis(750));
    assertThat(second.untilNext(Instant.ofEpochMilli(2000))).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void rechecksAreShortForFastRatesAndStayInsideTheLease() {
    Recheck recheck = new Recheck(Duration.ofSeconds(3));
    assertThat(recheck.rate(RateLimitPolicy.of("k", 10, Duration.ofSeconds(1), null, null, "h"))).isEqualTo(Duration.ofMillis(100));
    assertThat(recheck.rate(RateLimitPolicy.of("k", 1000, Duration.ofSeconds(1), null, null, "h"))).isEqualTo(Duration.ofMillis(10));
    assertThat(recheck.rate(RateLimitPolicy.of("k", 1, Duration.ofHours(1), null, null, "h"))).isEqualTo(Duration.ofSeconds(1));
    assertThat(new Recheck(Duration.ofSeconds(1)).queued(1000)).isEqualTo(Duration.ofMillis(333));
  }
}
