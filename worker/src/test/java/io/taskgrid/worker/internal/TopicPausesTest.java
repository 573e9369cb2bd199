package io.taskgrid.worker.internal;

import static io.taskgrid.core.Priority.BACKGROUND;
import static io.taskgrid.core.Priority.CRITICAL;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.core.Priority;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicPausesTest {
  private final TopicPauses pauses = new TopicPauses(1000);
  private final Map<Priority, Integer> inFlight = new EnumMap<>(Priority.class);

  private java.util.Set<Priority> update(boolean draining) {
    return pauses.update(p -> inFlight.getOrDefault(p, 0), draining);
  }

  @Test
  void aFullBacklogOfBackgroundWorkPausesOnlyTheBackgroundTopic() {
    inFlight.put(BACKGROUND, 1000);
    assertThat(update(false)).containsExactly(BACKGROUND);
  }

  @Test
  void aFloodOfCriticalWorkLeavesTheLowerTopicsFetching() {
    inFlight.put(CRITICAL, 1200);
    inFlight.put(BACKGROUND, 10);
    assertThat(update(false)).containsExactly(CRITICAL);
  }

  @Test
  void resumesATopicOnlyWhenFewerThanHalfItsBudgetIsInFlight() {
    inFlight.put(BACKGROUND, 1000);
    update(false);
    inFlight.put(BACKGROUND, 500);
    assertThat(update(false)).containsExactly(BACKGROUND);
    inFlight.put(BACKGROUND, 499);
    assertThat(update(false)).isEmpty();
    assertThat(pauses.isPaused(BACKGROUND)).isFalse();
  }

  @Test
  void pausesEveryTopicWhileDraining() {
    assertThat(update(true)).containsExactly(Priority.values());
  }
}
