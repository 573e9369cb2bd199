package io.taskgrid.core.stats;

import io.taskgrid.core.Outcome;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Run times counted in log-spaced buckets, so a percentile read from the counts is within {@value
 * #RELATIVE_ACCURACY} (relative) of the true run time at that rank, whatever the spread (the
 * DDSketch mapping): bucket 0 holds runs under a millisecond, bucket {@code i >= 1} the runs of
 * {@code (γ^(i-2), γ^(i-1)]} ms with {@code γ = (1 + a) / (1 - a)}. One day is bucket ~190, so a
 * group has at most that many buckets per ending status, and a few dozen in practice.
 *
 * <p>Pure: the counts live wherever the caller keeps them (Redis hashes, for GetStats).
 */
public final class DurationHistogram {
  /** The relative error of a value read back from its bucket. */
  public static final double RELATIVE_ACCURACY = 0.05;

  private static final double GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
  private static final double LOG_GAMMA = Math.log(GAMMA);

  private final SortedMap<Integer, Long> counts = new TreeMap<>();
  private long total;

  /** The bucket of a run time. */
  public static int bucketOf(Duration runTime) {
    long micros = Math.max(0, runTime.toNanos() / 1000);
    if (micros < 1000) return 0;
    return 1 + (int) Math.max(0, Math.ceil(Math.log(micros / 1000.0) / LOG_GAMMA - 1e-9));
  }

  /** The run time a bucket stands for: within {@link #RELATIVE_ACCURACY} of every run time in it. */
  public static Duration valueOf(int bucket) {
    if (bucket <= 0) return Duration.ZERO;
    double upperMs = Math.pow(GAMMA, bucket - 1);
    double ms = 2 * upperMs / (GAMMA + 1);
    return Duration.ofNanos(Math.round(ms * 1_000_000));
  }

  /**
   * The histogram bucket of an outcome's run time (start of its attempt to its end), as text for the
   * stats counters, or empty when its handler did not run to an end of its own (skipped,
   * cancelled).
   */
  public static String runBucket(Outcome outcome) {
    return switch (outcome) {
      case Outcome.Succeeded s -> Integer.toString(bucketOf(Duration.between(s.startedAt(), s.finishedAt())));
      case Outcome.Failed f -> Integer.toString(bucketOf(Duration.between(f.startedAt(), f.finishedAt())));
      case Outcome.TimedOut t -> Integer.toString(bucketOf(Duration.between(t.startedAt(), t.finishedAt())));
      case Outcome.Skipped sk -> "";
      case Outcome.Cancelled c -> "";
    };
  }

  /** Adds {@code count} runs to {@code bucket}; a negative bucket or count is ignored. */
  public DurationHistogram add(int bucket, long count) {
    if (bucket < 0 || count <= 0) return this;
    counts.merge(bucket, count, Long::sum);
    total += count;
    return this;
  }

  /** Adds all of another histogram's counts. */
  public DurationHistogram addAll(DurationHistogram other) {
    other.counts.forEach(this::add);
    return this;
  }

  /** Runs counted. */
  public long count() {
    return total;
  }

  /** The counts by bucket, ascending. */
  public Map<Integer, Long> counts() {
    return java.util.Collections.unmodifiableSortedMap(counts);
  }

  /**
   * The run time at quantile {@code q} (0 to 1): the value of the bucket holding the run of rank
   * {@code ceil(q * count)} (at least the first); empty when nothing was counted.
   */
  public Optional<Duration> quantile(double q) {
    if (!(q >= 0 && q <= 1)) throw new IllegalArgumentException("quantile must be within 0 and 1, got " + q);
    if (total == 0) return Optional.empty();
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (Map.Entry<Integer, Long> e : counts.entrySet()) {
      seen += e.getValue();
      if (seen >= rank) return Optional.of(valueOf(e.getKey()));
    }
    return Optional.of(valueOf(counts.lastKey()));
  }
}
