package io.taskgrid.worker.internal.admission;

import java.time.Duration;
import java.time.Instant;

/** Windows of a fixed length aligned to the Unix epoch: which one an instant is in, and when it ends. */
public record FixedWindow(Duration length) {
  public FixedWindow {
    if (length.toMillis() < 1) throw new IllegalArgumentException("window length must be at least 1ms, got " + length);
  }

  /** The index of the window holding {@code t} (window n spans [n * length, (n + 1) * length)). */
  public long index(Instant t) {
    return Math.floorDiv(t.toEpochMilli(), length.toMillis());
  }

  /** Time from {@code t} until the next window begins (at least 1 ms). */
  public Duration untilNext(Instant t) {
    long ms = length.toMillis();
    return Duration.ofMillis(ms - Math.floorMod(t.toEpochMilli(), ms));
  }
}
