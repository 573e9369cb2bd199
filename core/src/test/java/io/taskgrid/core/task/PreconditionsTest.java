package io.taskgrid.core.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.core.HandlerName;
import io.taskgrid.core.InvalidArgumentException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PreconditionsTest {
  private static final TaskId SELF = new TaskId("load");

  private static void rejects(String field, String message, Runnable parse) {
    assertThatThrownBy(parse::run).isInstanceOf(InvalidArgumentException.class)
        .satisfies(e -> assertThat(((InvalidArgumentException) e).field()).isEqualTo(field))
        .hasMessageContaining(message);
  }

  @Test
  void nothingGivenIsNone() {
    assertThat(Preconditions.parse(SELF, null, null, null, null)).isSameAs(Preconditions.NONE);
    assertThat(Preconditions.parse(SELF, "", List.of(), Duration.ZERO, Duration.ZERO)).isSameAs(Preconditions.NONE);
  }

  @Test
  void dependenciesGetTheDefaultWindowAndNoWait() {
    Preconditions p = Preconditions.parse(SELF, "business-hours", List.of("extract", "clean"), null, null);
    assertThat(p.condition()).contains(new HandlerName("business-hours"));
    assertThat(p.dependsOn()).containsExactly(new TaskId("extract"), new TaskId("clean"));
    assertThat(p.window()).isEqualTo(Preconditions.DEFAULT_WINDOW);
    assertThat(p.waitFor()).isZero();
  }

  @Test
  void aConditionAloneHasNoWindow() {
    Preconditions p = Preconditions.parse(SELF, "business-hours", null, null, null);
    assertThat(p.dependsOn()).isEmpty();
    assertThat(p.window()).isZero();
    assertThat(p.isEmpty()).isFalse();
  }

  @Test
  void badValuesAreRejectedNamingTheirField() {
    rejects("condition", "got \"bad name\"", () -> Preconditions.parse(SELF, "bad name", null, null, null));
    rejects("depends_on[1]", "got \"no spaces\"", () -> Preconditions.parse(SELF, null, List.of("a", "no spaces"), null, null));
    rejects("depends_on[1]", "listed twice", () -> Preconditions.parse(SELF, null, List.of("a", "a"), null, null));
    rejects("depends_on", "at most 32", () -> Preconditions.parse(SELF, null, Collections.nCopies(33, "a"), null, null));
    rejects("dependency_window", "between 0 and 31d", () -> Preconditions.parse(SELF, null, List.of("a"), Duration.ofDays(32), null));
    rejects("dependency_window", "only with depends_on", () -> Preconditions.parse(SELF, null, null, Duration.ofHours(1), null));
    rejects("dependency_wait", "between 0 and 1h", () -> Preconditions.parse(SELF, null, List.of("a"), null, Duration.ofHours(2)));
    rejects("dependency_wait", "between 0 and 1h", () -> Preconditions.parse(SELF, null, List.of("a"), null, Duration.ofSeconds(-1)));
    rejects("dependency_wait", "only with depends_on", () -> Preconditions.parse(SELF, null, List.of(), null, Duration.ofMinutes(1)));
  }

  @Test
  void aTaskDependingOnItselfIsACycle() {
    rejects("depends_on", "cycle load -> load", () -> Preconditions.parse(SELF, null, List.of("extract", "load"), null, null));
  }

  @Test
  void aDefinitionKeepsItsPreconditions() {
    TaskDefinition d = TaskDraft.of("load", "h").validate(io.taskgrid.core.SubmissionLimits.DEFAULTS, java.time.ZoneOffset.UTC);
    assertThat(d.preconditions()).isSameAs(Preconditions.NONE);
    Preconditions p = Preconditions.parse(SELF, null, List.of("extract"), Duration.ofHours(6), Duration.ofMinutes(5));
    assertThat(d.withPreconditions(p).preconditions()).isEqualTo(p);
    assertThat(d.withPreconditions(p).withEnabled(false).preconditions()).isEqualTo(p);
    assertThat(d.withPreconditions(p).preconditions().condition()).isEqualTo(Optional.empty());
  }
}
