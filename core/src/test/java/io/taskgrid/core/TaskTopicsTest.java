package io.taskgrid.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TaskTopicsTest {
  private final TaskTopics topics = new TaskTopics("taskgrid.tasks");

  @Test
  void mediumKeepsTheTasksTopicAndTheOthersAddTheirPriority() {
    assertThat(topics.forPriority(Priority.MEDIUM)).isEqualTo("taskgrid.tasks");
    assertThat(topics.forPriority(Priority.CRITICAL)).isEqualTo("taskgrid.tasks.critical");
    assertThat(topics.forPriority(Priority.BACKGROUND)).isEqualTo("taskgrid.tasks.background");
  }

  @Test
  void listsEveryTopicHighestPriorityFirst() {
    assertThat(topics.all()).containsExactly("taskgrid.tasks.critical", "taskgrid.tasks.high", "taskgrid.tasks",
        "taskgrid.tasks.low", "taskgrid.tasks.background");
  }

  @Test
  void findsThePriorityOfATopic() {
    for (Priority p : Priority.values()) assertThat(topics.priorityOf(topics.forPriority(p))).contains(p);
    assertThat(topics.priorityOf("taskgrid.tasks.urgent")).isEmpty();
  }

  @Test
  void leavesRoomForTheLongestSuffixWithinKafkasLimit() {
    String longest = "t".repeat(TaskTopics.MAX_BASE_LENGTH);
    assertThat(new TaskTopics(longest).forPriority(Priority.BACKGROUND)).hasSize(TaskTopics.MAX_TOPIC_LENGTH);
    assertThatThrownBy(() -> new TaskTopics(longest + "t")).hasMessageContaining("at most 238 characters");
    assertThatThrownBy(() -> new TaskTopics("a/b")).hasMessageContaining("Kafka topic name");
  }
}
