package io.taskgrid.core;

import java.time.Duration;
import java.time.Instant;

/**
 * The one place where durations and instants given in requests are range-checked, before any
 * arithmetic touches them. The ranges are those protobuf documents for {@code
 * google.protobuf.Duration} (±10,000 years, nanos of the same sign as the seconds) and {@code
 * google.protobuf.Timestamp} (0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z), the types
 * the API carries them in; a duration or instant written as text ({@code after}, {@code at}) is
 * held to the same ranges. A value outside them is an {@link InvalidArgumentException} naming the
 * field and the value. Each field's own limits (a timeout's maximum, say) apply after this check.
 */
public final class TimeBounds {
  /** protobuf's Duration range, in seconds either side of zero: 10,000 years. */
  public static final long MAX_DURATION_SECONDS = 315_576_000_000L;
  public static final Duration MAX_DURATION = Duration.ofSeconds(MAX_DURATION_SECONDS, 999_999_999);
  public static final Duration MIN_DURATION = MAX_DURATION.negated();
  /** protobuf's Timestamp range: years 1 to 9999, UTC. */
  public static final Instant MIN_INSTANT = Instant.parse("0001-01-01T00:00:00Z");
  public static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999999999Z");

  private static final int NANOS_PER_SECOND = 1_000_000_000;

  private TimeBounds() {}

  /** The duration that {@code seconds} and {@code nanos} stand for, as protobuf's Duration carries them. */
  public static Duration duration(String field, long seconds, int nanos) {
    if (seconds < -MAX_DURATION_SECONDS || seconds > MAX_DURATION_SECONDS) {
      throw new InvalidArgumentException(field, "seconds must be between " + -MAX_DURATION_SECONDS + " and " + MAX_DURATION_SECONDS
          + " (10,000 years), got " + seconds);
    }
    if (nanos <= -NANOS_PER_SECOND || nanos >= NANOS_PER_SECOND) {
      throw new InvalidArgumentException(field, "nanos must be between -999999999 and 999999999, got " + nanos);
    }
    if ((seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0)) {
      throw new InvalidArgumentException(field, "seconds and nanos must have the same sign, got seconds " + seconds + " and nanos " + nanos);
    }
    return Duration.ofSeconds(seconds, nanos);
  }

  /** The instant that {@code seconds} and {@code nanos} since the epoch stand for, as protobuf's Timestamp carries them. */
  public static Instant instant(String field, long seconds, int nanos) {
    if (seconds < MIN_INSTANT.getEpochSecond() || seconds > MAX_INSTANT.getEpochSecond()) {
      throw new InvalidArgumentException(field, "seconds must be between " + MIN_INSTANT.getEpochSecond() + " (" + MIN_INSTANT + ") and "
          + MAX_INSTANT.getEpochSecond() + " (9999-12-31T23:59:59Z), got " + seconds);
    }
    if (nanos < 0 || nanos >= NANOS_PER_SECOND) {
      throw new InvalidArgumentException(field, "nanos must be between 0 and 999999999, got " + nanos);
    }
    return Instant.ofEpochSecond(seconds, nanos);
  }

  /** Rejects a duration outside protobuf's range (one read from text, say). */
  public static Duration require(String field, Duration d) {
    if (d.compareTo(MIN_DURATION) < 0 || d.compareTo(MAX_DURATION) > 0) {
      throw new InvalidArgumentException(field, "must be within 10,000 years (" + MAX_DURATION_SECONDS + "s), got " + d);
    }
    return d;
  }

  /** Rejects an instant outside protobuf's range (one read from text, say). */
  public static Instant require(String field, Instant i) {
    if (i.isBefore(MIN_INSTANT) || i.isAfter(MAX_INSTANT)) {
      throw new InvalidArgumentException(field, "must be between " + MIN_INSTANT + " and 9999-12-31T23:59:59Z, got " + i);
    }
    return i;
  }
}
