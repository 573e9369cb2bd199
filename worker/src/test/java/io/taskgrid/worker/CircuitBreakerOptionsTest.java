package io.taskgrid.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class CircuitBreakerOptionsTest {
  @Test
  void rejectsBadValuesAtBuildTimeNamingThem() {
    assertThatThrownBy(() -> CircuitBreakerOptions.builder().failureRateThreshold(0).build()).hasMessageStartingWith("failureRateThreshold");
    assertThatThrownBy(() -> CircuitBreakerOptions.builder().slowCallRateThreshold(101).build()).hasMessageStartingWith("slowCallRateThreshold");
    assertThatThrownBy(() -> CircuitBreakerOptions.builder().slowCallDuration(Duration.ZERO).build()).hasMessageStartingWith("slowCallDuration");
    assertThatThrownBy(() -> CircuitBreakerOptions.builder().waitInOpenState(Duration.ofSeconds(-1)).build()).hasMessageStartingWith("waitInOpenState");
    assertThatThrownBy(() -> CircuitBreakerOptions.builder().slidingWindowSize(0).build()).hasMessageStartingWith("slidingWindowSize");
    assertThatThrownBy(() -> CircuitBreakerOptions.builder().slidingWindowSize(5).minimumNumberOfCalls(6).build())
        .hasMessageStartingWith("minimumNumberOfCalls");
    assertThatThrownBy(() -> CircuitBreakerOptions.builder().permittedCallsInHalfOpenState(0).build())
        .hasMessageStartingWith("permittedCallsInHalfOpenState");
  }

  @Test
  void defaultsAreValidAndAHandlerHasNoBreakerUnlessGivenOne() {
    assertThat(CircuitBreakerOptions.DEFAULTS.minimumNumberOfCalls()).isLessThanOrEqualTo(CircuitBreakerOptions.DEFAULTS.slidingWindowSize());
    assertThat(HandlerOptions.NONE.circuitBreaker()).isEmpty();
    assertThat(HandlerOptions.builder().circuitBreaker(CircuitBreakerOptions.DEFAULTS).build().circuitBreaker())
        .contains(CircuitBreakerOptions.DEFAULTS);
  }

  @Test
  void badInputAndIgnoredTypesDoNotCountAsFailures() {
    CircuitBreakerOptions o = CircuitBreakerOptions.builder().ignore(IllegalArgumentException.class).build();

    assertThat(o.countsAsFailure(new UncheckedIOException(new java.io.IOException("connection refused")))).isTrue();
    assertThat(o.countsAsFailure(new TimeoutException())).isTrue();
    assertThat(o.countsAsFailure(new InterruptedException())).isTrue(); // how a timed-out handler ends
    assertThat(o.countsAsFailure(new NonRetryableException("refused"))).isTrue();
    assertThat(o.countsAsFailure(new InvalidPayloadException("amount: must be positive"))).isFalse();
    assertThat(o.countsAsFailure(new NumberFormatException())).isFalse(); // a subclass of an ignored type
  }
}
