package io.taskgrid.core.policy;

import io.taskgrid.core.Durations;
import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.Outcome;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * When and how often a failed attempt is tried again. Every value is checked when it is built; a
 * bad one is an {@link InvalidArgumentException} naming its field under {@code retry.} (callers
 * put their own prefix in front with {@link InvalidArgumentException#under}).
 *
 * @param maxAttempts attempts in all, the first included (1 = no retry)
 * @param initialDelay the delay before the first retry
 * @param multiplier for {@link Backoff#EXPONENTIAL}, the factor from one delay to the next
 * @param maxDelay the longest delay between two attempts
 * @param jitter each delay is randomized by up to this fraction either way
 * @param maxDuration no retry starts later than this after the first attempt started
 * @param nonRetryableErrors error types that never retry, besides {@link #NEVER_RETRIED}
 */
public record RetryPolicy(
    int maxAttempts,
    Duration initialDelay,
    Backoff backoff,
    double multiplier,
    Duration maxDelay,
    double jitter,
    Optional<Duration> maxDuration,
    Set<String> nonRetryableErrors) {

  public static final int MAX_ATTEMPTS = 100;
  public static final Duration MIN_DELAY = Duration.ofMillis(100);
  public static final Duration MAX_DELAY = Duration.ofDays(7);
  public static final Duration MAX_DURATION = Duration.ofDays(30);
  public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofSeconds(1);
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofHours(1);
  public static final double DEFAULT_MULTIPLIER = 2.0;
  public static final int MAX_NON_RETRYABLE = 32;

  /**
   * Error types that no policy retries: the input is wrong, the handler is missing, the result
   * cannot be stored, or someone asked the execution to stop.
   */
  public static final Set<String> NEVER_RETRIED = Set.of(
      Outcome.Failed.INVALID_PAYLOAD, Outcome.Failed.UNKNOWN_HANDLER, Outcome.Failed.RESULT_TOO_LARGE, Outcome.Failed.INVALID_POLICY);

  /** One attempt only. */
  public static final RetryPolicy NONE =
      new RetryPolicy(1, DEFAULT_INITIAL_DELAY, Backoff.EXPONENTIAL, DEFAULT_MULTIPLIER, DEFAULT_MAX_DELAY, 0, Optional.empty(), Set.of());

  /** How the delay grows from one retry to the next. */
  public enum Backoff {
    FIXED,
    EXPONENTIAL
  }

  public RetryPolicy {
    if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
      throw new InvalidArgumentException("retry.max_attempts", "must be between 1 and " + MAX_ATTEMPTS + ", got " + maxAttempts);
    }
    checkDelay("retry.initial_delay", initialDelay);
    if (backoff == null) throw new InvalidArgumentException("retry.backoff", "must be FIXED or EXPONENTIAL");
    if (!(multiplier >= 1.0 && multiplier <= 100.0)) {
      throw new InvalidArgumentException("retry.multiplier", "must be between 1.0 and 100, got " + multiplier);
    }
    checkDelay("retry.max_delay", maxDelay);
    if (maxDelay.compareTo(initialDelay) < 0) {
      throw new InvalidArgumentException("retry.max_delay", "must not be shorter than initial_delay (" + Durations.format(initialDelay)
          + "), got " + Durations.format(maxDelay));
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new InvalidArgumentException("retry.jitter", "must be between 0 and 1, got " + jitter);
    }
    if (maxDuration == null) throw new NullPointerException("maxDuration");
    maxDuration.ifPresent(d -> {
      if (d.isNegative() || d.isZero() || d.compareTo(MAX_DURATION) > 0) {
        throw new InvalidArgumentException("retry.max_duration", "must be between 1ms and " + Durations.format(MAX_DURATION)
            + ", got " + Durations.format(d));
      }
    });
    if (nonRetryableErrors == null) throw new NullPointerException("nonRetryableErrors");
    if (nonRetryableErrors.size() > MAX_NON_RETRYABLE) {
      throw new InvalidArgumentException("retry.non_retryable_errors", "must hold at most " + MAX_NON_RETRYABLE + " types, got "
          + nonRetryableErrors.size());
    }
    int i = 0;
    for (String type : nonRetryableErrors) checkErrorType(i++, type);
    nonRetryableErrors = Set.copyOf(new TreeSet<>(nonRetryableErrors));
  }

  /**
   * A policy from request values where zero or null means "the default": max attempts 1, initial
   * delay 1 s, exponential backoff with multiplier 2, max delay 1 h (or the initial delay when
   * longer), no jitter, no max duration.
   */
  public static RetryPolicy of(int maxAttempts, Duration initialDelay, Backoff backoff, double multiplier, Duration maxDelay,
      double jitter, Duration maxDuration, Collection<String> nonRetryableErrors) {
    Duration initial = initialDelay == null || initialDelay.isZero() ? DEFAULT_INITIAL_DELAY : initialDelay;
    Duration max = maxDelay == null || maxDelay.isZero() ? (initial.compareTo(DEFAULT_MAX_DELAY) > 0 ? initial : DEFAULT_MAX_DELAY) : maxDelay;
    return new RetryPolicy(
        maxAttempts == 0 ? 1 : maxAttempts,
        initial,
        backoff == null ? Backoff.EXPONENTIAL : backoff,
        multiplier == 0 ? DEFAULT_MULTIPLIER : multiplier,
        max,
        jitter,
        maxDuration == null || maxDuration.isZero() ? Optional.empty() : Optional.of(maxDuration),
        nonRetryableErrors(nonRetryableErrors));
  }

  /** The types checked in the order given, so a message names the index the caller wrote. */
  private static Set<String> nonRetryableErrors(Collection<String> given) {
    if (given == null) return Set.of();
    int i = 0;
    for (String type : given) checkErrorType(i++, type);
    return Set.copyOf(new TreeSet<>(given));
  }

  private static void checkErrorType(int index, String type) {
    if (type == null || type.isEmpty() || type.length() > 200 || !type.matches("[A-Za-z_$][A-Za-z0-9_$.]*")) {
      throw new InvalidArgumentException("retry.non_retryable_errors[" + index + "]",
          "must be an error type such as java.io.IOException or taskgrid.Timeout (at most 200 characters), got "
              + InvalidArgumentException.quote(type));
    }
  }

  /** Whether this policy ever retries. */
  public boolean retries() {
    return maxAttempts > 1;
  }

  private static void checkDelay(String field, Duration d) {
    if (d == null) throw new NullPointerException(field);
    if (d.compareTo(MIN_DELAY) < 0 || d.compareTo(MAX_DELAY) > 0) {
      throw new InvalidArgumentException(field, "must be between " + Durations.format(MIN_DELAY) + " and " + Durations.format(MAX_DELAY)
          + ", got " + Durations.format(d));
    }
  }
}
