package io.taskgrid.worker.internal.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.core.breaker.BreakerId;
import io.taskgrid.core.breaker.BreakerState;
import io.taskgrid.core.breaker.BreakerTransition;
import io.taskgrid.worker.internal.breaker.BreakerSync.Action;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BreakerSyncTest {
  private static final Instant NOW = Instant.parse("2026-12-01T11:00:00Z");
  private static final Duration WAIT = Duration.ofSeconds(30);

  @ParameterizedTest(name = "remote {0} at now{1}s, local {2} since now{3}s, from self {4}: {5}")
  @CsvSource({
      // remote,  at,  local,     since, self,  action
      "OPEN,      -1,  CLOSED,    -60,   false, OPEN_UNTIL",
      "OPEN,      -1,  HALF_OPEN, -10,   false, OPEN_UNTIL",
      "OPEN,      -1,  OPEN,      -10,   false, IGNORE",      // already open: its own wait is not restarted
      "OPEN,      -1,  CLOSED,    -60,   true,  IGNORE",      // own echo
      "OPEN,      -10, CLOSED,    -5,    false, IGNORE",      // older than the local state
      "OPEN,      -31, CLOSED,    -60,   false, IGNORE",      // its wait is over: the cluster probes already
      "CLOSED,    -1,  OPEN,      -10,   false, CLOSE",
      "CLOSED,    -1,  HALF_OPEN, -10,   false, CLOSE",
      "CLOSED,    -1,  CLOSED,    -10,   false, IGNORE",
      "CLOSED,    -1,  OPEN,      -10,   true,  IGNORE",
      "HALF_OPEN, -1,  OPEN,      -10,   false, IGNORE",      // each worker probes on its own
      "HALF_OPEN, -1,  CLOSED,    -10,   false, IGNORE",
  })
  void followsTheOtherWorkersTransitionsWithoutEchoes(BreakerState remote, int at, BreakerState local, int since, boolean self,
      String expected) {
    BreakerTransition t = new BreakerTransition(new BreakerId("mail.send", ""), remote, NOW.plusSeconds(at), "w2", 80f, -1f);

    Action action = BreakerSync.onRemote(t, self, local, NOW.plusSeconds(since), WAIT, NOW);

    switch (expected) {
      case "OPEN_UNTIL" -> assertThat(action).isEqualTo(new Action.OpenUntil(NOW.plusSeconds(at).plus(WAIT)));
      case "CLOSE" -> assertThat(action).isEqualTo(new Action.Close());
      default -> assertThat(action).isInstanceOf(Action.Ignore.class);
    }
  }

  @ParameterizedTest
  @CsvSource({"OPEN", "CLOSED"})
  void aNewBreakerFollowsAnyRecentTransition(BreakerState remote) {
    BreakerTransition t = new BreakerTransition(new BreakerId("mail.send", "tenant-a"), remote, NOW.minusSeconds(1), "w2", 80f, -1f);

    Action action = BreakerSync.onRemote(t, false, BreakerState.CLOSED, Instant.EPOCH, WAIT, NOW);

    assertThat(action).isInstanceOf(remote == BreakerState.OPEN ? Action.OpenUntil.class : Action.Ignore.class);
  }
}
