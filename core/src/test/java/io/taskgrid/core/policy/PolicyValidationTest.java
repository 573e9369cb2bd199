package io.taskgrid.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.core.InvalidArgumentException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyValidationTest {
  @Test
  void retryDefaultsFillWhatIsNotGiven() {
    RetryPolicy p = RetryPolicy.of(0, null, null, 0, null, 0, null, null);
    assertThat(p).isEqualTo(RetryPolicy.NONE);
    assertThat(p.retries()).isFalse();
  }

  @Test
  void retryMaxDelayDefaultsToTheInitialDelayWhenThatIsLonger() {
    RetryPolicy p = RetryPolicy.of(3, Duration.ofHours(2), null, 0, null, 0, null, null);
    assertThat(p.maxDelay()).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void retryRejectsEachBadValueNamingItsField() {
    rejects(() -> RetryPolicy.of(101, null, null, 0, null, 0, null, null), "retry.max_attempts", "must be between 1 and 100, got 101");
    rejects(() -> RetryPolicy.of(3, Duration.ofMillis(99), null, 0, null, 0, null, null), "retry.initial_delay",
        "must be between 100ms and 7d, got 99ms");
    rejects(() -> RetryPolicy.of(3, Duration.ofDays(8), null, 0, Duration.ofDays(8), 0, null, null), "retry.initial_delay",
        "must be between 100ms and 7d, got 8d");
    rejects(() -> RetryPolicy.of(3, null, null, 0.5, null, 0, null, null), "retry.multiplier", "must be between 1.0 and 100, got 0.5");
    rejects(() -> RetryPolicy.of(3, null, null, Double.POSITIVE_INFINITY, null, 0, null, null), "retry.multiplier",
        "must be between 1.0 and 100, got Infinity");
    rejects(() -> RetryPolicy.of(3, Duration.ofSeconds(10), null, 0, Duration.ofSeconds(5), 0, null, null), "retry.max_delay",
        "must not be shorter than initial_delay (10s), got 5s");
    rejects(() -> RetryPolicy.of(3, null, null, 0, null, 1.5, null, null), "retry.jitter", "must be between 0 and 1, got 1.5");
    rejects(() -> RetryPolicy.of(3, null, null, 0, null, 0, Duration.ofDays(31), null), "retry.max_duration",
        "must be between 1ms and 30d, got 31d");
    rejects(() -> RetryPolicy.of(3, null, null, 0, null, 0, Duration.ofSeconds(-1), null), "retry.max_duration",
        "must be between 1ms and 30d, got -1s");
    rejects(() -> RetryPolicy.of(3, null, null, 0, null, 0, null, List.of("java.io.IOException", "not a type!")),
        "retry.non_retryable_errors[1]", "must be an error type such as java.io.IOException or taskgrid.Timeout (at most 200 characters), got \"not a type!\"");
  }

  @Test
  void concurrencyNeedsAKeyUnlessTheTaskGivesOne() {
    rejects(() -> ConcurrencyPolicy.of("", 1, ConcurrencyPolicy.Overlap.SKIP, 0, null), "concurrency.key",
        "must be set (executions that share a key share the limit)");
    assertThat(ConcurrencyPolicy.of("", 0, null, 0, "nightly")).isEqualTo(new ConcurrencyPolicy("nightly", 1, ConcurrencyPolicy.Overlap.ALLOW, 1000));
    rejects(() -> ConcurrencyPolicy.of("k", 10_001, null, 0, null), "concurrency.limit", "must be between 1 and 10000, got 10001");
    rejects(() -> ConcurrencyPolicy.of("k", 1, null, 100_001, null), "concurrency.max_queued", "must be between 1 and 100000, got 100001");
    rejects(() -> ConcurrencyPolicy.of("bad key", 1, null, 0, null), "concurrency.key",
        "must start with a letter or digit and contain only letters, digits and . _ - : /, got \"bad key\"");
  }

  @Test
  void rateLimitDefaultsToOneSecondSlidingDelayedPerHandler() {
    assertThat(RateLimitPolicy.of(null, 10, null, null, null, "emails.send"))
        .isEqualTo(new RateLimitPolicy("emails.send", 10, Duration.ofSeconds(1), RateLimitPolicy.Window.SLIDING, RateLimitPolicy.Excess.DELAY));
    rejects(() -> RateLimitPolicy.of(null, 0, null, null, null, "h"), "rate_limit.limit", "must be between 1 and 1000000, got 0");
    rejects(() -> RateLimitPolicy.of(null, 1, Duration.ofDays(2), null, null, "h"), "rate_limit.period", "must be between 1ms and 1d, got 2d");
    rejects(() -> RateLimitPolicy.of(null, 1, Duration.ofNanos(10), null, null, "h"), "rate_limit.period", "must be between 1ms and 1d, got 10ns");
  }

  @Test
  void aPartSetOnTheExecutionReplacesTheHandlersDefaultWhole() {
    RetryPolicy three = RetryPolicy.of(3, null, null, 0, null, 0, null, null);
    RetryPolicy five = RetryPolicy.of(5, null, null, 0, null, 0, null, null);
    RateLimitPolicy rate = RateLimitPolicy.of(null, 10, null, null, null, "h");
    ExecutionPolicy defaults = new ExecutionPolicy(Optional.of(five), Optional.empty(), Optional.of(rate), Optional.empty());
    ExecutionPolicy mine = new ExecutionPolicy(Optional.of(three), Optional.empty(), Optional.empty(), Optional.of("tenant-1"));
    assertThat(mine.over(defaults)).isEqualTo(new ExecutionPolicy(Optional.of(three), Optional.empty(), Optional.of(rate), Optional.of("tenant-1")));
    assertThat(ExecutionPolicy.NONE.over(defaults)).isEqualTo(defaults);
    assertThat(ExecutionPolicy.NONE.retryOrNone()).isEqualTo(RetryPolicy.NONE);
  }

  @Test
  void breakerKeyIsBounded() {
    rejects(() -> new ExecutionPolicy(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("x".repeat(257))),
        "circuit_breaker_key", "must be 1 to 256 characters, got 257");
    rejects(() -> new ExecutionPolicy(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("a\nb")),
        "circuit_breaker_key", "must not contain control characters, got \"a\nb\"");
  }

  private static void rejects(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String field, String problem) {
    assertThatThrownBy(call).isInstanceOf(InvalidArgumentException.class).hasMessage(field + ": " + problem)
        .satisfies(e -> assertThat(((InvalidArgumentException) e).field()).isEqualTo(field));
  }
}
