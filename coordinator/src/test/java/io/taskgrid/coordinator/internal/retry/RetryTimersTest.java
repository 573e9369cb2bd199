package io.taskgrid.coordinator.internal.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryTimersTest {
  private static final Instant T0 = Instant.parse("2026-12-01T11:00:00Z");
  private static final Duration AHEAD = Duration.ofMillis(50);
  private static final Duration MAX = Duration.ofSeconds(1);

  /** A fake clock in milliseconds that drives the timers as the releasing loop does. */
  private static final class Loop {
    final RetryTimers timers = new RetryTimers();
    Instant now = T0;

    List<String> tick(long ms) {
      now = now.plusMillis(ms);
      List<RetryTimers.Pending> due = timers.due(now.plus(AHEAD), 500);
      timers.released(due);
      return due.stream().map(p -> p.executionId() + "#" + p.attempt()).toList();
    }
  }

  @Test
  void releasesEachRetryWhenItIsDueAheadByTheReleaseMargin() {
    Loop loop = new Loop();
    loop.timers.put("a", 2, T0.plusMillis(1000), new byte[0]);
    loop.timers.put("b", 2, T0.plusMillis(300), new byte[0]);

    assertThat(loop.tick(200)).isEmpty();
    assertThat(loop.tick(50)).containsExactly("b#2");
    assertThat(loop.tick(649)).isEmpty();
    assertThat(loop.tick(51)).containsExactly("a#2");
    assertThat(loop.timers.size()).isZero();
  }

  @Test
  void waitsUntilTheEarliestRetryIsDueAheadButNoLongerThanTheMaximum() {
    RetryTimers timers = new RetryTimers();
    assertThat(timers.waitFrom(T0, AHEAD, MAX)).isEqualTo(MAX);

    timers.put("a", 2, T0.plusMillis(300), new byte[0]);
    assertThat(timers.waitFrom(T0, AHEAD, MAX)).isEqualTo(Duration.ofMillis(250));

    timers.put("b", 2, T0.minusMillis(10), new byte[0]);
    assertThat(timers.waitFrom(T0, AHEAD, MAX)).isZero();

    timers.put("c", 2, T0.plusSeconds(3600), new byte[0]);
    timers.remove("a");
    timers.remove("b");
    assertThat(timers.waitFrom(T0, AHEAD, MAX)).isEqualTo(MAX);
  }

  @Test
  void keepsOnlyTheLatestRecordOfAnExecutionAsTheCompactedTopicDoes() {
    Loop loop = new Loop();
    loop.timers.put("a", 2, T0.plusMillis(100), new byte[0]);
    loop.timers.put("a", 2, T0.plusMillis(500), new byte[0]); // a worker's resent batch: written again

    assertThat(loop.tick(100)).isEmpty();
    assertThat(loop.tick(400)).containsExactly("a#2");
    assertThat(loop.tick(1000)).isEmpty();
  }

  @Test
  void neverLetsAnOlderAttemptReplaceANewerOne() {
    Loop loop = new Loop();
    loop.timers.put("a", 3, T0.plusMillis(400), new byte[0]);
    loop.timers.put("a", 2, T0.plusMillis(100), new byte[0]);

    assertThat(loop.tick(100)).isEmpty();
    assertThat(loop.tick(300)).containsExactly("a#3");
  }

  @Test
  void forgetsARetryWhoseTombstoneItReads() {
    Loop loop = new Loop();
    loop.timers.put("a", 2, T0.plusMillis(100), new byte[0]);
    loop.timers.remove("a");

    assertThat(loop.tick(1000)).isEmpty();
    assertThat(loop.timers.size()).isZero();
  }

  @Test
  void aNewLeaderRebuildsThePendingRetriesFromTheTopicAndReleasesThoseDueAtOnce() {
    // the topic as a new leader reads it: a released retry (value then tombstone), a pending one
    // that fell due during the failover, one still in the future, and a later attempt after a release
    Loop leader = new Loop();
    leader.timers.put("released", 2, T0.minusSeconds(5), new byte[0]);
    leader.timers.remove("released");
    leader.timers.put("overdue", 2, T0.minusSeconds(1), new byte[0]);
    leader.timers.put("future", 4, T0.plusMillis(700), new byte[0]);
    leader.timers.put("again", 2, T0.minusSeconds(9), new byte[0]);
    leader.timers.remove("again");
    leader.timers.put("again", 3, T0.plusMillis(200), new byte[0]);

    assertThat(leader.tick(0)).containsExactly("overdue#2");
    assertThat(leader.tick(150)).containsExactly("again#3");
    assertThat(leader.tick(500)).containsExactly("future#4");
  }

  @Test
  void clearingForAnEndedTermKeepsNothing() {
    RetryTimers timers = new RetryTimers();
    timers.put("a", 2, T0, new byte[0]);
    timers.clear();

    assertThat(timers.size()).isZero();
    assertThat(timers.due(T0.plusSeconds(10), 10)).isEmpty();
  }

  @Test
  void releasesAtMostABatchAtATimeEarliestFirst() {
    RetryTimers timers = new RetryTimers();
    for (int i = 9; i >= 0; i--) timers.put("e" + i, 2, T0.plusMillis(i), new byte[0]);

    List<RetryTimers.Pending> first = timers.due(T0.plusSeconds(1), 4);
    timers.released(first);

    assertThat(first).extracting(RetryTimers.Pending::executionId).containsExactly("e0", "e1", "e2", "e3");
    assertThat(timers.size()).isEqualTo(6);
  }
}
