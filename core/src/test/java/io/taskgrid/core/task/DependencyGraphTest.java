package io.taskgrid.core.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.core.SubmissionLimits;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DependencyGraphTest {
  private static TaskId id(String s) {
    return new TaskId(s);
  }

  private static Optional<List<TaskId>> cycle(String start, Map<String, List<String>> graph) {
    return DependencyGraph.cycleThrough(id(start), t -> graph.getOrDefault(t.value(), List.of()).stream().map(TaskId::new).toList());
  }

  @Test
  void findsATwoTaskCycle() {
    assertThat(cycle("a", Map.of("a", List.of("b"), "b", List.of("a"))).map(DependencyGraph::describe)).contains("a -> b -> a");
  }

  @Test
  void findsALongCycleBehindABranchWithout() {
    var graph = Map.of("a", List.of("x", "b"), "x", List.of("y"), "b", List.of("c"), "c", List.of("a"));
    assertThat(cycle("a", graph).map(DependencyGraph::describe)).contains("a -> b -> c -> a");
  }

  @Test
  void aDiamondIsNoCycle() {
    var graph = Map.of("a", List.of("b", "c"), "b", List.of("d"), "c", List.of("d"));
    assertThat(cycle("a", graph)).isEmpty();
  }

  @Test
  void aCycleNotThroughTheStartIsNotItsConcern() {
    // such a cycle was refused when it was closed; only a cycle through the changed task is new
    var graph = Map.of("a", List.of("b"), "b", List.of("c"), "c", List.of("b"));
    assertThat(cycle("a", graph)).isEmpty();
  }

  @Test
  void edgesAreTheDependenciesAndTheOnSuccessUpstream() {
    TaskDefinition d = TaskDraft.of("report", "h").validate(SubmissionLimits.DEFAULTS, ZoneOffset.UTC)
        .withPreconditions(Preconditions.parse(id("report"), null, List.of("load"), null, null))
        .withTrigger(new Trigger.OnSuccess(id("publish")));
    assertThat(DependencyGraph.edges(d)).containsExactly(id("load"), id("publish"));
    assertThat(DependencyGraph.field(d, List.of(id("report"), id("load"), id("report")))).isEqualTo("depends_on");
    assertThat(DependencyGraph.field(d, List.of(id("report"), id("publish"), id("report")))).isEqualTo("trigger.on_success");
  }
}
