package io.taskgrid.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.core.TaskTopics;
import io.taskgrid.worker.internal.PerTopicAssignor.Member;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PerTopicAssignorTest {
  private final List<String> topics = new TaskTopics("tasks").all();

  private Map<String, Integer> partitions(int each) {
    Map<String, Integer> m = new HashMap<>();
    topics.forEach(t -> m.put(t, each));
    return m;
  }

  private static long of(List<TopicPartition> tps, String topic) {
    return tps.stream().filter(tp -> tp.topic().equals(topic)).count();
  }

  @Test
  void givesEveryWorkerItsShareOfEachTopic() {
    Map<String, Member> members = Map.of(
        "a", new Member(topics, List.of(), 1),
        "b", new Member(topics, List.of(), 1),
        "c", new Member(topics, List.of(), 1));

    Map<String, List<TopicPartition>> out = PerTopicAssignor.assign(members, partitions(6));

    for (String m : members.keySet()) {
      for (String t : topics) assertThat(of(out.get(m), t)).as("%s of %s", m, t).isEqualTo(2);
    }
  }

  @Test
  void aJoiningWorkerGetsItsShareOfEachTopicOnceTheOwnerHasLetGo() {
    List<TopicPartition> all = topics.stream().flatMap(t -> java.util.stream.IntStream.range(0, 6).mapToObj(p -> new TopicPartition(t, p))).toList();
    Map<String, Member> first = Map.of("a", new Member(topics, all, 1), "b", new Member(topics, List.of(), -1));

    Map<String, List<TopicPartition>> round1 = PerTopicAssignor.assign(first, partitions(6));
    // cooperative: a keeps half of each topic, and b gets nothing until a has revoked the rest
    for (String t : topics) assertThat(of(round1.get("a"), t)).isEqualTo(3);
    assertThat(round1.get("b")).isEmpty();

    Map<String, Member> second = Map.of("a", new Member(topics, round1.get("a"), 2), "b", new Member(topics, List.of(), 2));
    Map<String, List<TopicPartition>> round2 = PerTopicAssignor.assign(second, partitions(6));
    assertThat(round2.get("a")).containsExactlyInAnyOrderElementsOf(round1.get("a"));
    for (String t : topics) assertThat(of(round2.get("b"), t)).isEqualTo(3);
  }

  @Test
  void spreadsTheOddPartitionsOverTheWorkers() {
    Map<String, Member> members = Map.of("a", new Member(topics, List.of(), 1), "b", new Member(topics, List.of(), 1));

    Map<String, List<TopicPartition>> out = PerTopicAssignor.assign(members, partitions(5));

    assertThat(Math.abs(out.get("a").size() - out.get("b").size())).isLessThanOrEqualTo(1);
    for (String t : topics) assertThat(of(out.get("a"), t)).isBetween(2L, 3L);
  }

  @Test
  void aPartitionClaimedTwiceStaysWithTheNewerGeneration() {
    TopicPartition tp = new TopicPartition("tasks", 0);
    Map<String, Member> members = Map.of("a", new Member(List.of("tasks"), List.of(tp), 1), "b", new Member(List.of("tasks"), List.of(tp), 2));

    Map<String, List<TopicPartition>> out = PerTopicAssignor.assign(members, Map.of("tasks", 1));

    assertThat(out.get("b")).containsExactly(tp);
    assertThat(out.get("a")).isEmpty();
  }
}
