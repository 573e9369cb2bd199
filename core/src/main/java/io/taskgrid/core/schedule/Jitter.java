package io.taskgrid.core.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Spreads tasks that share a fire time (every {@code @hourly} task at :00) over a window, the same
 * way on every node and every restart: the offset is a hash of the task and the fire time, never
 * random.
 */
public final class Jitter {
  private Jitter() {}

  /**
   * A deterministic offset in {@code [0, max)}, in whole milliseconds, from {@code (taskId,
   * fireTime)}; zero when {@code max} is under one millisecond.
   */
  public static Duration offset(String taskId, Instant fireTime, Duration max) {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(fireTime, "fireTime");
    Objects.requireNonNull(max, "max");
    if (max.isNegative()) {
      throw new IllegalArgumentException("max must not be negative, got " + max);
    }
    long bound = max.toMillis();
    if (bound == 0) {
      return Duration.ZERO;
    }
    long h = 0xcbf29ce484222325L; // FNV-1a over the UTF-16 units: stable across JVMs, unlike a seed
    for (int i = 0; i < taskId.length(); i++) {
      h = (h ^ taskId.charAt(i)) * 0x100000001b3L;
    }
    h = mix(h ^ mix(fireTime.getEpochSecond() * 1_000_000_007L + fireTime.getNano()));
    return Duration.ofMillis(Math.unsignedMultiplyHigh(h, bound));
  }

  /** SplitMix64's finalizer: every input bit affects every output bit. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
