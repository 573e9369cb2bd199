package io.taskgrid.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskgrid.core.ExecutionStatus;
import io.taskgrid.core.Outcome;
import io.taskgrid.core.task.DependencyCheck;
import io.taskgrid.core.task.TaskId;
import io.taskgrid.proto.v1.Preconditions;
import io.taskgrid.proto.v1.TaskMessage;
import io.taskgrid.worker.ConditionResult;
import io.taskgrid.worker.RunCondition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Run conditions and dependency checks before the handler, with a fake clock and fake dependency reads. */
class PreconditionCheckTest {
  private static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");
  private final Map<String, RunCondition> conditions = new HashMap<>();
  private final Map<TaskId, Deque<Optional<DependencyCheck.Latest>>> reads = new HashMap<>();
  private Instant now = T0;
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };

  private PreconditionCheck check() {
    return new PreconditionCheck(new HandlerRegistry(Map.of(), conditions), task -> {
      Deque<Optional<DependencyCheck.Latest>> q = reads.get(task);
      return q.size() > 1 ? q.poll() : q.peek();
    }, clock, d -> now = now.plus(d));
  }

  private static Run run(int attempt, Preconditions p) {
    TaskMessage m = TaskMessage.newBuilder().setExecutionId("e-1").setHandler("h").setTaskId("load").setPreconditions(p).build();
    return new Run(new Delivery(new TopicPartition("t", 0), 0, m), attempt, T0, T0.plusSeconds(60));
  }

  private Optional<Outcome> check(Run run) throws InterruptedException {
    Context context = new Context(run, new ObjectMapper(), ExecutionTracing.off(), null);
    return check().check(run, context).map(PreconditionCheck.Stop::outcome);
  }

  private static Preconditions condition(String name) {
    return Preconditions.newBuilder().setCondition(name).build();
  }

  private static Preconditions dependsOn(String task, Duration wait) {
    var b = Preconditions.newBuilder().addDependsOn(task).setDependencyWindow(com.google.protobuf.Duration.newBuilder().setSeconds(3600));
    if (!wait.isZero()) b.setDependencyWait(com.google.protobuf.Duration.newBuilder().setSeconds(wait.toSeconds()));
    return b.build();
  }

  private void latest(String task, ExecutionStatus... statuses) {
    Deque<Optional<DependencyCheck.Latest>> q = new ArrayDeque<>();
    for (ExecutionStatus s : statuses) {
      q.add(Optional.of(new DependencyCheck.Latest("up-1", s, s.isTerminal() ? Optional.of(T0.minusSeconds(60)) : Optional.empty())));
    }
    reads.put(new TaskId(task), q);
  }

  @Test
  void aConditionThatSaysRunLetsTheHandlerRun() throws Exception {
    conditions.put("open", ctx -> ConditionResult.run());
    assertThat(check(run(1, condition("open")))).isEmpty();
  }

  @Test
  void aConditionThatSaysSkipEndsTheExecutionSkippedWithItsReason() throws Exception {
    conditions.put("business-hours", ctx -> ConditionResult.of(false, "outside business hours"));
    assertThat(check(run(1, condition("business-hours")))).contains(new Outcome.Skipped(T0, T0, "outside business hours"));
  }

  @Test
  void aConditionThatThrowsEndsTheExecutionFailedWithItsError() throws Exception {
    conditions.put("flaky", ctx -> {
      throw new IllegalStateException("calendar service down");
    });
    Outcome o = check(run(1, condition("flaky"))).orElseThrow();
    assertThat(o).isInstanceOf(Outcome.Failed.class);
    assertThat(((Outcome.Failed) o).errorType()).isEqualTo(Outcome.Failed.CONDITION_FAILED);
    assertThat(((Outcome.Failed) o).message()).isEqualTo("run condition \"flaky\" threw java.lang.IllegalStateException: calendar service down");
  }

  @Test
  void aConditionTheWorkerDoesNotHaveFailsNamingIt() throws Exception {
    conditions.put("open", ctx -> ConditionResult.run());
    Outcome.Failed f = (Outcome.Failed) check(run(1, condition("missing"))).orElseThrow();
    assertThat(f.errorType()).isEqualTo(Outcome.Failed.UNKNOWN_CONDITION);
    assertThat(f.message()).contains("\"missing\"").contains("registered: open");
  }

  @Test
  void retriesAreNotCheckedAgain() throws Exception {
    conditions.put("never", ctx -> ConditionResult.skip("no"));
    assertThat(check(run(2, condition("never")))).isEmpty();
  }

  @Test
  void aSucceededDependencyLetsTheHandlerRun() throws Exception {
    latest("extract", ExecutionStatus.SUCCEEDED);
    assertThat(check(run(1, dependsOn("extract", Duration.ZERO)))).isEmpty();
  }

  @Test
  void aFailedDependencySkipsNamingIt() throws Exception {
    latest("extract", ExecutionStatus.FAILED);
    assertThat(check(run(1, dependsOn("extract", Duration.ZERO)))).contains(new Outcome.Skipped(T0, T0, "dependency_not_met:extract"));
  }

  @Test
  void aRunningDependencyIsWaitedForAndItsSuccessLetsTheHandlerRun() throws Exception {
    latest("extract", ExecutionStatus.RUNNING, ExecutionStatus.RUNNING, ExecutionStatus.SUCCEEDED);
    assertThat(check(run(1, dependsOn("extract", Duration.ofSeconds(30))))).isEmpty();
    assertThat(now).isEqualTo(T0.plus(PreconditionCheck.POLL.multipliedBy(2)));
  }

  @Test
  void aDependencyStillRunningWhenTheWaitEndsSkips() throws Exception {
    latest("extract", ExecutionStatus.RUNNING);
    Outcome o = check(run(1, dependsOn("extract", Duration.ofSeconds(1)))).orElseThrow();
    assertThat(o).isEqualTo(new Outcome.Skipped(T0.plusSeconds(1), T0.plusSeconds(1), "dependency_not_met:extract"));
  }

  @Test
  void theConditionIsAskedOnlyWhenTheDependenciesAreMet() throws Exception {
    latest("extract", ExecutionStatus.FAILED);
    conditions.put("open", ctx -> {
      throw new AssertionError("must not be asked");
    });
    Preconditions both = dependsOn("extract", Duration.ZERO).toBuilder().setCondition("open").build();
    assertThat(check(run(1, both))).contains(new Outcome.Skipped(T0, T0, "dependency_not_met:extract"));
  }

  @Test
  void anUnreadableStoreFailsTheExecution() throws Exception {
    PreconditionCheck failing = new PreconditionCheck(new HandlerRegistry(Map.of()), task -> {
      throw new IllegalStateException("Redis unreachable");
    }, clock, d -> now = now.plus(d));
    Run r = run(1, dependsOn("extract", Duration.ZERO));
    Outcome.Failed f = (Outcome.Failed) failing.check(r, new Context(r, new ObjectMapper(), ExecutionTracing.off(), null)).orElseThrow().outcome();
    assertThat(f.errorType()).isEqualTo(Outcome.Failed.DEPENDENCY_CHECK_FAILED);
    assertThat(f.message()).contains("Redis unreachable");
  }
}
