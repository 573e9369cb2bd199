package io.taskgrid.coordinator.internal.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.coordinator.internal.registry.InMemoryRegistryLog;
import io.taskgrid.coordinator.internal.registry.RegistryView;
import io.taskgrid.coordinator.internal.registry.TaskLocks;
import io.taskgrid.coordinator.internal.registry.TaskRegistry;
import io.taskgrid.core.SubmissionLimits;
import io.taskgrid.core.task.TaskDefinition;
import io.taskgrid.core.task.TaskDraft;
import io.taskgrid.core.task.TaskId;
import io.taskgrid.core.task.Trigger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which executions a success fires, and that a repeated success names the same ones; in memory. */
class SuccessTriggersTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private final RegistryView view = new RegistryView();
  private final TaskRegistry registry = new TaskRegistry(new InMemoryRegistryLog(view, ZoneOffset.UTC), view,
      new TaskLocks() {
        @Override
        public <T> T withLock(TaskId id, java.util.function.Supplier<T> change) {
          return change.get();
        }
      }, Clock.fixed(NOW, ZoneOffset.UTC));
  private final SuccessTriggers triggers = new SuccessTriggers(view, null, null, SubmissionLimits.DEFAULTS, Clock.fixed(NOW, ZoneOffset.UTC));

  private static TaskDefinition following(String id, String upstream) {
    return TaskDraft.of(id, "h").validate(SubmissionLimits.DEFAULTS, ZoneOffset.UTC).withTrigger(new Trigger.OnSuccess(new TaskId(upstream)));
  }

  private static SuccessTriggers.Success success(String executionId, String task) {
    return new SuccessTriggers.Success(executionId, new TaskId(task), NOW.minusSeconds(1));
  }

  @Test
  void aSuccessFiresEveryActiveTaskFollowingItOnceWithTheUpstreamLabel() {
    registry.create(following("b", "a"));
    registry.create(following("c", "a"));
    registry.create(following("other", "z"));
    registry.create(following("paused", "a"));
    registry.pause(new TaskId("paused"));

    List<SuccessTriggers.Fire> fires = triggers.plan(List.of(success("up-1", "a")));

    assertThat(fires).extracting(f -> f.task().id().value()).containsExactly("b", "c");
    assertThat(fires).allSatisfy(f -> assertThat(f.execution().spec().labels().values())
        .containsEntry(SuccessTriggers.UPSTREAM_LABEL, "up-1").containsEntry("taskgrid/trigger", "on_success"));
  }

  @Test
  void aRepeatedSuccessNamesTheSameExecutionsAndAnotherSuccessNewOnes() {
    registry.create(following("b", "a"));
    String first = triggers.plan(List.of(success("up-1", "a"))).get(0).execution().executionId();
    String again = triggers.plan(List.of(success("up-1", "a"))).get(0).execution().executionId();
    String next = triggers.plan(List.of(success("up-2", "a"))).get(0).execution().executionId();
    assertThat(again).isEqualTo(first);
    assertThat(next).isNotEqualTo(first);
  }

  @Test
  void aSuccessNoTaskFollowsFiresNothing() {
    assertThat(triggers.plan(List.of(success("up-1", "nobody-follows")))).isEmpty();
  }
}
