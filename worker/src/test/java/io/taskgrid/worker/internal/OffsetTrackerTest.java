package io.taskgrid.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
  private final TopicPartition p0 = new TopicPartition("t", 0);
  private final TopicPartition p1 = new TopicPartition("t", 1);
  private final OffsetTracker tracker = new OffsetTracker();

  @Test
  void commitsNothingWhileTheFirstRecordIsStillRunning() {
    tracker.started(p0, 10);
    tracker.started(p0, 11);
    tracker.done(p0, 11);
    assertThat(tracker.committable(null)).isEmpty();
  }

  @Test
  void commitsUpToTheFirstUnfinishedRecord() {
    for (long o = 10; o <= 13; o++) tracker.started(p0, o);
    tracker.done(p0, 10);
    tracker.done(p0, 11);
    tracker.done(p0, 13);
    assertThat(tracker.committable(null)).containsEntry(p0, new OffsetAndMetadata(12));
  }

  @Test
  void commitsPastTheLastRecordWhenAllAreDone() {
    tracker.started(p0, 5);
    tracker.done(p0, 5);
    assertThat(tracker.committable(null)).containsEntry(p0, new OffsetAndMetadata(6));
  }

  @Test
  void doesNotRecommitAnOffsetAlreadyCommitted() {
    tracker.started(p0, 5);
    tracker.done(p0, 5);
    tracker.committed(Map.of(p0, new OffsetAndMetadata(6)));
    assertThat(tracker.committable(null)).isEmpty();
  }

  @Test
  void limitsCommitsToTheAskedPartitionsAndForgetsRevokedOnes() {
    tracker.started(p0, 1);
    tracker.started(p1, 1);
    tracker.done(p0, 1);
    tracker.done(p1, 1);
    assertThat(tracker.committable(List.of(p1))).containsOnlyKeys(p1);
    tracker.remove(List.of(p1));
    tracker.done(p1, 2); // a late completion of a revoked partition is ignored
    assertThat(tracker.committable(null)).containsOnlyKeys(p0);
  }

  @Test
  void countsPendingRecordsAcrossPartitions() {
    tracker.started(p0, 1);
    tracker.started(p1, 7);
    tracker.started(p1, 8);
    tracker.done(p1, 7);
    assertThat(tracker.pendingCount()).isEqualTo(2);
  }
}
