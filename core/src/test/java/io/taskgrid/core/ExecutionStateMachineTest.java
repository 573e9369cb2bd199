package io.taskgrid.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.core.ExecutionStateMachine.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ExecutionStateMachineTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  private static final Event CLAIM = new Event.Claimed();
  private static final Event OK = new Event.Finished(new Outcome.Succeeded(T, T, Payload.EMPTY));
  private static final Event FAIL = new Event.Finished(new Outcome.Failed(T, T, "x", "y"));
  private static final Event TIMEOUT = new Event.Finished(Outcome.TimedOut.after(T, T, Duration.ofSeconds(1)));

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(ExecutionStatus.PENDING, CLAIM, ExecutionStatus.RUNNING),
        Arguments.of(null, CLAIM, ExecutionStatus.RUNNING),
        Arguments.of(ExecutionStatus.RUNNING, CLAIM, ExecutionStatus.RUNNING),
        Arguments.of(ExecutionStatus.RUNNING, OK, ExecutionStatus.SUCCEEDED),
        Arguments.of(ExecutionStatus.RUNNING, FAIL, ExecutionStatus.FAILED),
        Arguments.of(ExecutionStatus.RUNNING, TIMEOUT, ExecutionStatus.TIMEOUT),
        Arguments.of(ExecutionStatus.PENDING, OK, ExecutionStatus.SUCCEEDED),
        Arguments.of(null, FAIL, ExecutionStatus.FAILED),
        Arguments.of(ExecutionStatus.SUCCEEDED, CLAIM, ExecutionStatus.SUCCEEDED),
        Arguments.of(ExecutionStatus.SUCCEEDED, FAIL, ExecutionStatus.SUCCEEDED),
        Arguments.of(ExecutionStatus.FAILED, OK, ExecutionStatus.FAILED),
        Arguments.of(ExecutionStatus.TIMEOUT, OK, ExecutionStatus.TIMEOUT));
  }

  @ParameterizedTest(name = "{0} + {1} -> {2}")
  @MethodSource("cases")
  void movesAsTheTableSays(ExecutionStatus from, Event event, ExecutionStatus to) {
    assertThat(ExecutionStateMachine.transition(from, event)).isEqualTo(to);
  }
}
