package io.taskgrid.coordinator.internal.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.proto.v1.LifecycleEvent;
import io.taskgrid.proto.v1.LifecycleEventKind;
import io.taskgrid.proto.v1.WatchLifecycleRequest;
import org.junit.jupiter.api.Test;

class LifecycleFilterTest {
  private static final String E1 = "0190a1b2-0000-7000-8000-000000000001";
  private static final LifecycleEvent SUCCEEDED = LifecycleEvent.newBuilder().setKind(LifecycleEventKind.EXECUTION_SUCCEEDED)
      .setExecutionId(E1).setHandler("send-email").setTaskId("nightly").build();
  private static final LifecycleEvent PAUSED = LifecycleEvent.newBuilder().setKind(LifecycleEventKind.TASK_PAUSED).setTaskId("nightly").build();

  @Test
  void anEmptyRequestMatchesEveryEvent() {
    LifecycleFilter all = LifecycleFilter.of(WatchLifecycleRequest.getDefaultInstance());

    assertThat(all).isEqualTo(LifecycleFilter.ALL);
    assertThat(all.matches(SUCCEEDED)).isTrue();
    assertThat(all.matches(PAUSED)).isTrue();
  }

  @Test
  void kindsMatchAnyOfThem() {
    LifecycleFilter f = LifecycleFilter.of(WatchLifecycleRequest.newBuilder()
        .addKinds(LifecycleEventKind.EXECUTION_SUCCEEDED).addKinds(LifecycleEventKind.EXECUTION_FAILED).build());

    assertThat(f.matches(SUCCEEDED)).isTrue();
    assertThat(f.matches(PAUSED)).isFalse();
  }

  @Test
  void everyConditionMustHold() {
    LifecycleFilter f = LifecycleFilter.of(WatchLifecycleRequest.newBuilder().setTaskId("nightly").setHandler("send-email").build());

    assertThat(f.matches(SUCCEEDED)).isTrue();
    assertThat(f.matches(PAUSED)).as("a task event has no handler").isFalse();
    assertThat(f.matches(SUCCEEDED.toBuilder().setHandler("other").build())).isFalse();
    assertThat(f.matches(SUCCEEDED.toBuilder().setTaskId("").build())).isFalse();
  }

  @Test
  void anExecutionIdMatchesOnlyThatExecution() {
    LifecycleFilter f = LifecycleFilter.of(WatchLifecycleRequest.newBuilder().setExecutionId(E1).build());

    assertThat(f.matches(SUCCEEDED)).isTrue();
    assertThat(f.matches(SUCCEEDED.toBuilder().setExecutionId("0190a1b2-0000-7000-8000-000000000002").build())).isFalse();
    assertThat(f.matches(PAUSED)).isFalse();
  }

  @Test
  void anUnknownOrUnspecifiedKindIsInvalidNamingItsIndex() {
    assertThatThrownBy(() -> LifecycleFilter.of(WatchLifecycleRequest.newBuilder().addKinds(LifecycleEventKind.TASK_PAUSED).addKindsValue(99).build()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("kinds[1]")
        .hasMessageContaining("99")
        .hasMessageContaining("EXECUTION_SUCCEEDED=13");
    assertThatThrownBy(() -> LifecycleFilter.of(WatchLifecycleRequest.newBuilder().addKindsValue(0).build()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("kinds[0]");
  }

  @Test
  void badIdsAndHandlersAreInvalidNamingTheirField() {
    assertThatThrownBy(() -> LifecycleFilter.of(WatchLifecycleRequest.newBuilder().setTaskId("has space").build()))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("task_id");
    assertThatThrownBy(() -> LifecycleFilter.of(WatchLifecycleRequest.newBuilder().setHandler("-bad").build()))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("handler");
    assertThatThrownBy(() -> LifecycleFilter.of(WatchLifecycleRequest.newBuilder().setExecutionId("x".repeat(500)).build()))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("execution_id");
  }
}
