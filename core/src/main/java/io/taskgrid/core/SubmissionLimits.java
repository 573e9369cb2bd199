package io.taskgrid.core;

import java.time.Duration;

/**
 * What a coordinator accepts: payload size, default and maximum timeout, batch size. Rejects
 * nonsensical limits when built.
 */
public record SubmissionLimits(
    int maxPayloadBytes, Duration defaultTimeout, Duration maxTimeout, int maxBatchSize) {

  public static final SubmissionLimits DEFAULTS =
      new SubmissionLimits(1024 * 1024, Duration.ofMinutes(5), Duration.ofHours(24), 1000);

  public SubmissionLimits {
    if (maxPayloadBytes < 1) {
      throw new IllegalArgumentException("maxPayloadBytes must be positive, got " + maxPayloadBytes);
    }
    if (defaultTimeout == null || defaultTimeout.isNegative() || defaultTimeout.isZero()) {
      throw new IllegalArgumentException("defaultTimeout must be positive, got " + defaultTimeout);
    }
    if (maxTimeout == null || maxTimeout.compareTo(defaultTimeout) < 0) {
      throw new IllegalArgumentException("maxTimeout must be at least defaultTimeout, got " + maxTimeout);
    }
    if (maxBatchSize < 1) {
      throw new IllegalArgumentException("maxBatchSize must be positive, got " + maxBatchSize);
    }
  }

  public SubmissionLimits withMaxPayloadBytes(int bytes) {
    return new SubmissionLimits(bytes, defaultTimeout, maxTimeout, maxBatchSize);
  }

  public SubmissionLimits withDefaultTimeout(Duration timeout) {
    return new SubmissionLimits(maxPayloadBytes, timeout, maxTimeout, maxBatchSize);
  }
}
