package io.taskgrid.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.taskgrid.core.Outcome;
import io.taskgrid.core.Payload;
import io.taskgrid.core.policy.ExecutionPolicy;
import io.taskgrid.core.policy.RetryPolicy;
import io.taskgrid.proto.v1.TaskMessage;
import io.taskgrid.wire.PolicyMapping;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class RetryPlannerTest {
  private static final Instant START = Instant.parse("2026-03-29T00:59:00Z");
  private static final Instant NOW = START.plusSeconds(2);
  private static final RetryPolicy THREE = RetryPolicy.of(3, Duration.ofSeconds(1), RetryPolicy.Backoff.EXPONENTIAL, 2.0,
      Duration.ofMinutes(1), 0, null, List.of("java.lang.IllegalStateException"));
  private static final ExecutionPolicy WITH_THREE = new ExecutionPolicy(Optional.of(THREE), Optional.empty(), Optional.empty(), Optional.empty());

  static Stream<Arguments> cases() {
    Outcome failed = new Outcome.Failed(START, NOW, "java.io.IOException", "down");
    Outcome timedOut = Outcome.TimedOut.after(START, NOW, Duration.ofSeconds(2));
    Outcome succeeded = new Outcome.Succeeded(START, NOW, Payload.EMPTY);
    Outcome invalidPayload = new Outcome.Failed(START, NOW, Outcome.Failed.INVALID_PAYLOAD, "bad");
    Outcome unknownHandler = new Outcome.Failed(START, NOW, Outcome.Failed.UNKNOWN_HANDLER, "none");
    Outcome listed = new Outcome.Failed(START, NOW, "java.lang.IllegalStateException", "listed");
    return Stream.of(
        // policy on the message, outcome, attempt, handler defaults, non-retryable exception -> next attempt (0: none), delay ms
        Arguments.of("a failure retries after the initial delay", WITH_THREE, failed, 1, ExecutionPolicy.NONE, false, 2, 1000),
        Arguments.of("the second failure waits twice as long", WITH_THREE, failed, 2, ExecutionPolicy.NONE, false, 3, 2000),
        Arguments.of("the last attempt does not retry", WITH_THREE, failed, 3, ExecutionPolicy.NONE, false, 0, 0),
        Arguments.of("a timeout retries", WITH_THREE, timedOut, 1, ExecutionPolicy.NONE, false, 2, 1000),
        Arguments.of("a success never retries", WITH_THREE, succeeded, 1, ExecutionPolicy.NONE, false, 0, 0),
        Arguments.of("an invalid payload never retries", WITH_THREE, invalidPayload, 1, ExecutionPolicy.NONE, false, 0, 0),
        Arguments.of("an unknown handler never retries", WITH_THREE, unknownHandler, 1, ExecutionPolicy.NONE, false, 0, 0),
        Arguments.of("a non-retryable exception does not retry", WITH_THREE, failed, 1, ExecutionPolicy.NONE, true, 0, 0),
        Arguments.of("an error type listed in the policy does not retry", WITH_THREE, listed, 1, ExecutionPolicy.NONE, false, 0, 0),
        Arguments.of("no policy anywhere: one attempt", ExecutionPolicy.NONE, failed, 1, ExecutionPolicy.NONE, false, 0, 0),
        Arguments.of("the handler's default applies when the message has none", null, failed, 1, WITH_THREE, false, 2, 1000),
        Arguments.of("the message's policy replaces the handler's", new ExecutionPolicy(Optional.of(RetryPolicy.NONE), Optional.empty(),
            Optional.empty(), Optional.empty()), failed, 1, WITH_THREE, false, 0, 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decidesTheNextAttempt(String name, ExecutionPolicy onMessage, Outcome outcome, int attempt, ExecutionPolicy defaults,
      boolean nonRetryable, int nextAttempt, long delayMs) {
    RetryPlanner.Plan plan = RetryPlanner.plan(message(onMessage), attempt, outcome, ResolvedPolicy.of(message(onMessage), defaults), nonRetryable, NOW, () -> 0.5);

    assertThat(plan.outcome()).isEqualTo(outcome);
    if (nextAttempt == 0) {
      assertThat(plan.retry()).isEmpty();
    } else {
      TaskMessage next = plan.retry().orElseThrow();
      assertThat(next.getAttempt()).isEqualTo(nextAttempt);
      assertThat(instant(next.getNotBefore())).isEqualTo(NOW.plusMillis(delayMs));
      assertThat(instant(next.getFirstAttemptAt())).isEqualTo(START);
      assertThat(next.getExecutionId()).isEqualTo("e1");
    }
  }

  @Test
  void keepsTheFirstAttemptsStartAcrossRetries() {
    Instant first = START.minusSeconds(30);
    TaskMessage second = message(WITH_THREE).toBuilder().setAttempt(2).setFirstAttemptAt(ts(first)).build();

    RetryPlanner.Plan plan = RetryPlanner.plan(second, 2, new Outcome.Failed(START, NOW, "x.Y", "m"), ResolvedPolicy.of(second, ExecutionPolicy.NONE), false, NOW, () -> 0.5);

    assertThat(instant(plan.retry().orElseThrow().getFirstAttemptAt())).isEqualTo(first);
  }

  @Test
  void givesUpWhenTheNextAttemptWouldStartAfterMaxDuration() {
    RetryPolicy bounded = RetryPolicy.of(5, Duration.ofSeconds(10), RetryPolicy.Backoff.FIXED, 0, null, 0, Duration.ofSeconds(5), Set.of());
    TaskMessage m = message(new ExecutionPolicy(Optional.of(bounded), Optional.empty(), Optional.empty(), Optional.empty()));

    RetryPlanner.Plan plan = RetryPlanner.plan(m, 1, new Outcome.Failed(START, NOW, "x.Y", "m"), ResolvedPolicy.of(m, ExecutionPolicy.NONE), false, NOW, () -> 0.5);

    assertThat(plan.retry()).isEmpty();
  }

  @Test
  void failsWithInvalidPolicyWhenTheMessagesPolicyCannotBeRead() {
    TaskMessage m = message(null).toBuilder()
        .setPolicy(io.taskgrid.proto.v1.ExecutionPolicy.newBuilder().setRetry(io.taskgrid.proto.v1.RetryPolicy.newBuilder().setMaxAttempts(1000)))
        .build();

    RetryPlanner.Plan plan = RetryPlanner.plan(m, 1, new Outcome.Failed(START, NOW, "x.Y", "m"), ResolvedPolicy.of(m, ExecutionPolicy.NONE), false, NOW, () -> 0.5);

    assertThat(plan.retry()).isEmpty();
    assertThat(((Outcome.Failed) plan.outcome()).errorType()).isEqualTo(Outcome.Failed.INVALID_POLICY);
    assertThat(((Outcome.Failed) plan.outcome()).message()).contains("policy.retry.max_attempts");
  }

  private static TaskMessage message(ExecutionPolicy policy) {
    TaskMessage.Builder b = TaskMessage.newBuilder().setExecutionId("e1").setHandler("h").setAttempt(1);
    if (policy != null) b.setPolicy(PolicyMapping.toProto(policy));
    return b.build();
  }

  private static Timestamp ts(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
