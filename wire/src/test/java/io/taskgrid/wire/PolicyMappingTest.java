package io.taskgrid.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Duration;
import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.policy.ConcurrencyPolicy;
import io.taskgrid.core.policy.ExecutionPolicy;
import io.taskgrid.core.policy.RateLimitPolicy;
import io.taskgrid.core.policy.RetryPolicy;
import io.taskgrid.proto.v1.OverlapPolicy;
import org.junit.jupiter.api.Test;

class PolicyMappingTest {
  private static io.taskgrid.proto.v1.ExecutionPolicy.Builder policy() {
    return io.taskgrid.proto.v1.ExecutionPolicy.newBuilder();
  }

  @Test
  void unsetFieldsTakeTheirDefaults() {
    ExecutionPolicy p = PolicyMapping.fromProto(policy()
        .setRetry(io.taskgrid.proto.v1.RetryPolicy.newBuilder().setMaxAttempts(3))
        .setConcurrency(io.taskgrid.proto.v1.ConcurrencyPolicy.newBuilder().setOverlap(OverlapPolicy.OVERLAP_POLICY_SKIP))
        .setRateLimit(io.taskgrid.proto.v1.RateLimitPolicy.newBuilder().setLimit(10))
        .build(), "emails.send", "nightly-report");
    RetryPolicy r = p.retry().orElseThrow();
    assertThat(r.maxAttempts()).isEqualTo(3);
    assertThat(r.initialDelay()).isEqualTo(java.time.Duration.ofSeconds(1));
    assertThat(r.backoff()).isEqualTo(RetryPolicy.Backoff.EXPONENTIAL);
    assertThat(p.concurrency().orElseThrow()).isEqualTo(new ConcurrencyPolicy("nightly-report", 1, ConcurrencyPolicy.Overlap.SKIP, 1000));
    assertThat(p.rateLimit().orElseThrow()).isEqualTo(new RateLimitPolicy("emails.send", 10, java.time.Duration.ofSeconds(1),
        RateLimitPolicy.Window.SLIDING, RateLimitPolicy.Excess.DELAY));
  }

  @Test
  void readingWhatWasWrittenGivesTheSamePolicy() {
    ExecutionPolicy p = PolicyMapping.fromProto(policy()
        .setRetry(io.taskgrid.proto.v1.RetryPolicy.newBuilder().setMaxAttempts(5).setJitter(0.25).setMultiplier(3)
            .setMaxDuration(Duration.newBuilder().setSeconds(3600)).addNonRetryableErrors("java.lang.IllegalStateException"))
        .setCircuitBreakerKey("tenant-7")
        .build(), "h", null);
    assertThat(PolicyMapping.fromProto(PolicyMapping.toProto(p), "h", null)).isEqualTo(p);
  }

  @Test
  void badValuesNameTheirField() {
    assertThatThrownBy(() -> PolicyMapping.fromProto(policy()
        .setRetry(io.taskgrid.proto.v1.RetryPolicy.newBuilder().setMaxAttempts(101)).build(), "h", null))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("policy.retry.max_attempts: must be between 1 and 100, got 101");
    assertThatThrownBy(() -> PolicyMapping.fromProto(policy()
        .setRetry(io.taskgrid.proto.v1.RetryPolicy.newBuilder().setInitialDelay(Duration.newBuilder().setNanos(5_000_000))).build(), "h", null))
        .hasMessage("policy.retry.initial_delay: must be between 100ms and 7d, got 5ms");
    assertThatThrownBy(() -> PolicyMapping.fromProto(policy()
        .setConcurrency(io.taskgrid.proto.v1.ConcurrencyPolicy.newBuilder().setLimit(1)).build(), "h", null))
        .hasMessage("policy.concurrency.key: must be set (executions that share a key share the limit)");
    assertThatThrownBy(() -> PolicyMapping.fromProto(policy()
        .setRateLimit(io.taskgrid.proto.v1.RateLimitPolicy.newBuilder().setLimit(0)).build(), "h", null))
        .hasMessage("policy.rate_limit.limit: must be between 1 and 1000000, got 0");
    assertThatThrownBy(() -> PolicyMapping.fromProto(policy()
        .setRetry(io.taskgrid.proto.v1.RetryPolicy.newBuilder().setJitter(Double.NaN)).build(), "h", null))
        .hasMessage("policy.retry.jitter: must be between 0 and 1, got NaN");
    assertThatThrownBy(() -> PolicyMapping.fromProto(policy()
        .setRetry(io.taskgrid.proto.v1.RetryPolicy.newBuilder().setBackoffValue(9)).build(), "h", null))
        .hasMessage("policy.retry.backoff: unknown backoff 9");
  }
}
