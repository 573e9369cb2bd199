package io.taskgrid.coordinator.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.SubmissionLimits;
import io.taskgrid.core.task.Preconditions;
import io.taskgrid.core.task.TaskDefinition;
import io.taskgrid.core.task.TaskDraft;
import io.taskgrid.core.task.TaskId;
import io.taskgrid.core.task.Trigger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cycles through depends_on and on_success are refused on create, upsert and update; in memory. */
class TaskRegistryCycleTest {
  private final RegistryView view = new RegistryView();
  private final TaskRegistry registry = new TaskRegistry(new InMemoryRegistryLog(view, ZoneOffset.UTC), view,
      new TaskLocks() {
        @Override
        public <T> T withLock(TaskId id, java.util.function.Supplier<T> change) {
          return change.get();
        }
      }, Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC));

  private static TaskDefinition task(String id, String... dependsOn) {
    TaskDefinition d = TaskDraft.of(id, "h").validate(SubmissionLimits.DEFAULTS, ZoneOffset.UTC);
    return d.withPreconditions(Preconditions.parse(d.id(), null, List.of(dependsOn), null, null));
  }

  private static TaskDefinition following(String id, String upstream) {
    return task(id).withTrigger(new Trigger.OnSuccess(new TaskId(upstream)));
  }

  private void refused(Runnable change, String field, String cycle) {
    assertThatThrownBy(change::run).isInstanceOf(InvalidArgumentException.class)
        .satisfies(e -> assertThat(((InvalidArgumentException) e).field()).isEqualTo(field))
        .hasMessageContaining("cycle " + cycle);
  }

  @Test
  void aTaskClosingADependencyCycleIsRefusedNamingTheCycle() {
    registry.create(task("extract", "load"));
    registry.create(task("clean", "extract"));
    refused(() -> registry.create(task("load", "clean")), "depends_on", "load -> clean -> extract -> load");
    assertThat(view.task(new TaskId("load"))).isEmpty();
  }

  @Test
  void anUpdateClosingACycleThroughAnOnSuccessTriggerIsRefusedAndChangesNothing() {
    registry.create(task("a"));
    registry.create(following("b", "a"));
    refused(() -> registry.update(task("a", "b"), 0), "depends_on", "a -> b -> a");
    refused(() -> registry.upsert(following("a", "b")), "trigger.on_success", "a -> b -> a");
    assertThat(view.task(new TaskId("a")).orElseThrow().definition()).isEqualTo(task("a"));
  }

  @Test
  void chainsAndDiamondsWithoutCyclesAreAccepted() {
    registry.create(task("base"));
    registry.create(task("left", "base"));
    registry.create(task("right", "base"));
    registry.create(task("top", "left", "right"));
    registry.create(following("after-top", "top"));
    assertThat(view.successorsOf(new TaskId("top"))).extracting(t -> t.id().value()).containsExactly("after-top");
  }
}
