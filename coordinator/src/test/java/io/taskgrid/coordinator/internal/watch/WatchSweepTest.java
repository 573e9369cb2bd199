package io.taskgrid.coordinator.internal.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchSweepTest {
  private static final long S = 1_000_000_000L;

  @Test
  void aWatchedExecutionIsSweptAtGapsThatDoubleUpToAMinute() {
    long since = 123 * S; // any nanoTime origin
    List<Long> reads = new ArrayList<>();
    long due = since + 5 * S; // the first sweep: one interval after the watch began
    while (due - since <= 400 * S) {
      reads.add((due - since) / S);
      due = WatchHub.nextSweep(since, due, 5 * S);
    }
    assertThat(reads).containsExactly(5L, 10L, 20L, 40L, 80L, 140L, 200L, 260L, 320L, 380L);
  }

  @Test
  void aNewlyWatchedExecutionWaitsAtLeastTheInterval() {
    assertThat(WatchHub.nextSweep(0, S, 5 * S)).isEqualTo(6 * S);
  }

  @Test
  void nanoTimeThatWrapsAroundKeepsTheGaps() {
    long since = Long.MAX_VALUE - 2 * S;
    long now = since + 30 * S; // past the wrap
    assertThat(WatchHub.nextSweep(since, now, 5 * S) - now).isEqualTo(30 * S);
  }
}
