package io.taskgrid.wire;

import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.TimeBounds;
import io.taskgrid.core.policy.ConcurrencyPolicy;
import io.taskgrid.core.policy.ExecutionPolicy;
import io.taskgrid.core.policy.RateLimitPolicy;
import io.taskgrid.core.policy.RetryPolicy;
import io.taskgrid.proto.v1.Backoff;
import io.taskgrid.proto.v1.OverlapPolicy;
import io.taskgrid.proto.v1.RateExcess;
import io.taskgrid.proto.v1.RateWindow;
import java.time.Duration;
import java.util.Optional;

/**
 * Execution policies between the wire ({@code taskgrid.v1.ExecutionPolicy}) and the domain. Reading
 * validates every field; a bad one is an {@link InvalidArgumentException} naming it under {@code
 * policy.} (callers add their own prefix, e.g. {@code task.} or {@code tasks[3].}).
 */
public final class PolicyMapping {
  private PolicyMapping() {}

  /**
   * The domain policy of a request.
   *
   * @param handler the execution's handler: the default key of a rate limit
   * @param taskId a registered task's id: the default key of a concurrency policy; null for a
   *     plain submission, which must name its key
   */
  public static ExecutionPolicy fromProto(io.taskgrid.proto.v1.ExecutionPolicy p, String handler, String taskId) {
    try {
      return new ExecutionPolicy(
          p.hasRetry() ? Optional.of(retry(p.getRetry())) : Optional.empty(),
          p.hasConcurrency() ? Optional.of(concurrency(p.getConcurrency(), taskId)) : Optional.empty(),
          p.hasRateLimit() ? Optional.of(rateLimit(p.getRateLimit(), handler)) : Optional.empty(),
          p.getCircuitBreakerKey().isEmpty() ? Optional.empty() : Optional.of(p.getCircuitBreakerKey()));
    } catch (InvalidArgumentException e) {
      throw e.under("policy");
    }
  }

  private static RetryPolicy retry(io.taskgrid.proto.v1.RetryPolicy r) {
    if (r.getMaxAttempts() < 0) {
      throw new InvalidArgumentException("retry.max_attempts", "must be between 1 and " + RetryPolicy.MAX_ATTEMPTS + ", got " + r.getMaxAttempts());
    }
    RetryPolicy.Backoff backoff = switch (r.getBackoff()) {
      case BACKOFF_UNSPECIFIED, BACKOFF_EXPONENTIAL -> RetryPolicy.Backoff.EXPONENTIAL;
      case BACKOFF_FIXED -> RetryPolicy.Backoff.FIXED;
      case UNRECOGNIZED -> throw new InvalidArgumentException("retry.backoff", "unknown backoff " + r.getBackoffValue());
    };
    return RetryPolicy.of(r.getMaxAttempts(),
        r.hasInitialDelay() ? duration("retry.initial_delay", r.getInitialDelay()) : null,
        backoff, r.getMultiplier(),
        r.hasMaxDelay() ? duration("retry.max_delay", r.getMaxDelay()) : null,
        r.getJitter(),
        r.hasMaxDuration() ? duration("retry.max_duration", r.getMaxDuration()) : null,
        r.getNonRetryableErrorsList());
  }

  private static ConcurrencyPolicy concurrency(io.taskgrid.proto.v1.ConcurrencyPolicy c, String taskId) {
    if (c.getLimit() < 0) {
      throw new InvalidArgumentException("concurrency.limit", "must be between 1 and " + ConcurrencyPolicy.MAX_LIMIT + ", got " + c.getLimit());
    }
    if (c.getMaxQueued() < 0) {
      throw new InvalidArgumentException("concurrency.max_queued", "must be between 1 and " + ConcurrencyPolicy.MAX_QUEUED + ", got "
          + c.getMaxQueued());
    }
    ConcurrencyPolicy.Overlap overlap = switch (c.getOverlap()) {
      case OVERLAP_POLICY_UNSPECIFIED, OVERLAP_POLICY_ALLOW -> ConcurrencyPolicy.Overlap.ALLOW;
      case OVERLAP_POLICY_SKIP -> ConcurrencyPolicy.Overlap.SKIP;
      case OVERLAP_POLICY_QUEUE -> ConcurrencyPolicy.Overlap.QUEUE;
      case OVERLAP_POLICY_REPLACE -> ConcurrencyPolicy.Overlap.REPLACE;
      case UNRECOGNIZED -> throw new InvalidArgumentException("concurrency.overlap", "unknown overlap policy " + c.getOverlapValue());
    };
    return ConcurrencyPolicy.of(c.getKey(), c.getLimit(), overlap, c.getMaxQueued(), taskId);
  }

  private static RateLimitPolicy rateLimit(io.taskgrid.proto.v1.RateLimitPolicy r, String handler) {
    RateLimitPolicy.Window window = switch (r.getWindow()) {
      case RATE_WINDOW_UNSPECIFIED, RATE_WINDOW_SLIDING -> RateLimitPolicy.Window.SLIDING;
      case RATE_WINDOW_FIXED -> RateLimitPolicy.Window.FIXED;
      case UNRECOGNIZED -> throw new InvalidArgumentException("rate_limit.window", "unknown window " + r.getWindowValue());
    };
    RateLimitPolicy.Excess excess = switch (r.getOnExcess()) {
      case RATE_EXCESS_UNSPECIFIED, RATE_EXCESS_DELAY -> RateLimitPolicy.Excess.DELAY;
      case RATE_EXCESS_DROP -> RateLimitPolicy.Excess.DROP;
      case UNRECOGNIZED -> throw new InvalidArgumentException("rate_limit.on_excess", "unknown on_excess " + r.getOnExcessValue());
    };
    return RateLimitPolicy.of(r.getKey(), r.getLimit(), r.hasPeriod() ? duration("rate_limit.period", r.getPeriod()) : null, window, excess,
        handler);
  }

  /** The wire form, with every default filled in (what workers receive in a task message). */
  public static io.taskgrid.proto.v1.ExecutionPolicy toProto(ExecutionPolicy p) {
    io.taskgrid.proto.v1.ExecutionPolicy.Builder b = io.taskgrid.proto.v1.ExecutionPolicy.newBuilder();
    p.retry().ifPresent(r -> {
      io.taskgrid.proto.v1.RetryPolicy.Builder rb = io.taskgrid.proto.v1.RetryPolicy.newBuilder()
          .setMaxAttempts(r.maxAttempts())
          .setInitialDelay(duration(r.initialDelay()))
          .setBackoff(switch (r.backoff()) {
            case FIXED -> Backoff.BACKOFF_FIXED;
            case EXPONENTIAL -> Backoff.BACKOFF_EXPONENTIAL;
          })
          .setMultiplier(r.multiplier())
          .setMaxDelay(duration(r.maxDelay()))
          .setJitter(r.jitter())
          .addAllNonRetryableErrors(r.nonRetryableErrors());
      r.maxDuration().ifPresent(d -> rb.setMaxDuration(duration(d)));
      b.setRetry(rb);
    });
    p.concurrency().ifPresent(c -> b.setConcurrency(io.taskgrid.proto.v1.ConcurrencyPolicy.newBuilder()
        .setKey(c.key())
        .setLimit(c.limit())
        .setOverlap(switch (c.overlap()) {
          case ALLOW -> OverlapPolicy.OVERLAP_POLICY_ALLOW;
          case SKIP -> OverlapPolicy.OVERLAP_POLICY_SKIP;
          case QUEUE -> OverlapPolicy.OVERLAP_POLICY_QUEUE;
          case REPLACE -> OverlapPolicy.OVERLAP_POLICY_REPLACE;
        })
        .setMaxQueued(c.maxQueued())));
    p.rateLimit().ifPresent(r -> b.setRateLimit(io.taskgrid.proto.v1.RateLimitPolicy.newBuilder()
        .setKey(r.key())
        .setLimit(r.limit())
        .setPeriod(duration(r.period()))
        .setWindow(switch (r.window()) {
          case SLIDING -> RateWindow.RATE_WINDOW_SLIDING;
          case FIXED -> RateWindow.RATE_WINDOW_FIXED;
        })
        .setOnExcess(switch (r.onExcess()) {
          case DELAY -> RateExcess.RATE_EXCESS_DELAY;
          case DROP -> RateExcess.RATE_EXCESS_DROP;
        })));
    p.breakerKey().ifPresent(b::setCircuitBreakerKey);
    return b.build();
  }

  private static Duration duration(String field, com.google.protobuf.Duration d) {
    return TimeBounds.duration(field, d.getSeconds(), d.getNanos());
  }

  private static com.google.protobuf.Duration duration(Duration d) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
  }
}
