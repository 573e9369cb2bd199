package io.taskgrid.worker.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.TopicPartition;

/**
 * Spreads each topic's partitions evenly over the workers, keeping partitions where they are
 * (sticky), with cooperative rebalancing. Kafka's {@code CooperativeStickyAssignor} balances only
 * the number of partitions per member: with a topic per priority it may give one worker every
 * partition of the MEDIUM topic and another none, which would then idle under a MEDIUM-only load.
 *
 * <p>Per topic: each member subscribed to it gets {@code n / m} or {@code n / m + 1} partitions,
 * keeping those it owns up to that; the members that get one more are those owning more of the
 * topic, then those with the fewest partitions so far, so the extras spread over the members.
 * Cooperative: a partition moving from one member to another is left out of this assignment; its
 * owner revokes it, and the rebalance that follows gives it to its new member.
 */
public final class PerTopicAssignor implements ConsumerPartitionAssignor {
  static final String NAME = "taskgrid-per-topic-sticky";

  /** What the leader knows of one member. */
  record Member(List<String> topics, List<TopicPartition> owned, int generation) {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<RebalanceProtocol> supportedProtocols() {
    return List.of(RebalanceProtocol.COOPERATIVE);
  }

  @Override
  public GroupAssignment assign(Cluster metadata, GroupSubscription groupSubscription) {
    Map<String, Member> members = new HashMap<>();
    Map<String, Integer> partitions = new HashMap<>();
    groupSubscription.groupSubscription().forEach((id, s) -> {
      members.put(id, new Member(s.topics(), s.ownedPartitions(), s.generationId().orElse(-1)));
      for (String topic : s.topics()) {
        Integer n = metadata.partitionCountForTopic(topic);
        if (n != null) partitions.put(topic, n);
      }
    });
    Map<String, Assignment> out = new HashMap<>();
    assign(members, partitions).forEach((id, tps) -> out.put(id, new Assignment(tps)));
    return new GroupAssignment(out);
  }

  /** The partitions of each member, given the members and the partition count of each topic. */
  static Map<String, List<TopicPartition>> assign(Map<String, Member> members, Map<String, Integer> partitions) {
    // a partition two members claim (one of them a zombie of an older generation) is the newest's
    Map<TopicPartition, String> owner = new HashMap<>();
    members.entrySet().stream()
        .sorted(Comparator.comparingInt((Map.Entry<String, Member> e) -> -e.getValue().generation()).thenComparing(Map.Entry::getKey))
        .forEach(e -> e.getValue().owned().forEach(tp -> owner.putIfAbsent(tp, e.getKey())));

    Map<String, List<TopicPartition>> assigned = new TreeMap<>();
    members.keySet().forEach(id -> assigned.put(id, new ArrayList<>()));
    for (String topic : new TreeSet<>(partitions.keySet())) {
      List<String> subscribed = members.keySet().stream().filter(id -> members.get(id).topics().contains(topic)).sorted().toList();
      if (subscribed.isEmpty()) continue;
      int n = partitions.get(topic);
      Map<String, List<TopicPartition>> kept = new LinkedHashMap<>();
      for (String id : subscribed) kept.put(id, new ArrayList<>());
      for (int p = 0; p < n; p++) {
        TopicPartition tp = new TopicPartition(topic, p);
        String o = owner.get(tp);
        if (o != null && kept.containsKey(o)) kept.get(o).add(tp);
      }
      int base = n / subscribed.size();
      int extra = n % subscribed.size();
      List<String> byClaim = subscribed.stream()
          .sorted(Comparator.comparingInt((String id) -> -kept.get(id).size())
              .thenComparingInt(id -> assigned.get(id).size())
              .thenComparing(Comparator.naturalOrder()))
          .toList();
      Map<String, Integer> quota = new HashMap<>();
      for (int i = 0; i < byClaim.size(); i++) quota.put(byClaim.get(i), base + (i < extra ? 1 : 0));

      List<TopicPartition> free = new ArrayList<>();
      for (String id : subscribed) {
        List<TopicPartition> own = kept.get(id);
        int keep = Math.min(own.size(), quota.get(id));
        free.addAll(own.subList(keep, own.size()));
        kept.put(id, new ArrayList<>(own.subList(0, keep)));
      }
      for (int p = 0; p < n; p++) {
        TopicPartition tp = new TopicPartition(topic, p);
        String o = owner.get(tp);
        if (o == null || !kept.containsKey(o)) free.add(tp);
      }
      free.sort(Comparator.comparingInt(TopicPartition::partition));
      for (TopicPartition tp : free) {
        String to = byClaim.stream().filter(id -> kept.get(id).size() < quota.get(id)).findFirst().orElseThrow();
        kept.get(to).add(tp);
      }
      for (String id : subscribed) {
        for (TopicPartition tp : kept.get(id)) {
          String o = owner.get(tp);
          // cooperative: a partition its owner still holds is handed over in the next rebalance
          if (o == null || o.equals(id) || !members.containsKey(o)) assigned.get(id).add(tp);
        }
      }
    }
    return assigned;
  }
}
