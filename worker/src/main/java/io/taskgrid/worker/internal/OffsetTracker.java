package io.taskgrid.worker.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.Collection;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets of each partition may be committed. An offset is committable only when it and
 * every offset before it in its partition are done, so a crash never skips a record whose outcome
 * was not recorded. Thread-safe: records complete on many threads.
 */
public final class OffsetTracker {
  private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();

  private static final class PartitionState {
    final TreeSet<Long> pending = new TreeSet<>();
    long highestSeen = -1;
    long lastCommitted = -1;
  }

  /** A record was handed out and is not done yet. */
  public synchronized void started(TopicPartition tp, long offset) {
    PartitionState s = partitions.computeIfAbsent(tp, k -> {
      PartitionState fresh = new PartitionState();
      // consumption starts at the committed offset (or the reset position): nothing before it to commit
      fresh.lastCommitted = offset;
      return fresh;
    });
    s.pending.add(offset);
    s.highestSeen = Math.max(s.highestSeen, offset);
  }

  /** A record is done; ignored for partitions no longer assigned. */
  public synchronized void done(TopicPartition tp, long offset) {
    PartitionState s = partitions.get(tp);
    if (s != null) s.pending.remove(offset);
  }

  /** Offsets to commit now for {@code among} (null: all), only those that moved since the last commit. */
  public synchronized Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> among) {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    partitions.forEach((tp, s) -> {
      if (among != null && !among.contains(tp)) return;
      long next = s.pending.isEmpty() ? s.highestSeen + 1 : s.pending.first();
      if (next > s.lastCommitted) out.put(tp, new OffsetAndMetadata(next));
    });
    return out;
  }

  /** Remembers what was committed so it is not sent again. */
  public synchronized void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
    offsets.forEach((tp, o) -> {
      PartitionState s = partitions.get(tp);
      if (s != null) s.lastCommitted = Math.max(s.lastCommitted, o.offset());
    });
  }

  /** Forgets partitions that were revoked; their late completions are ignored. */
  public synchronized void remove(Collection<TopicPartition> revoked) {
    revoked.forEach(partitions::remove);
  }

  public synchronized int pendingCount() {
    return partitions.values().stream().mapToInt(s -> s.pending.size()).sum();
  }
}
