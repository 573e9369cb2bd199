package io.taskgrid.coordinator.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.core.ExecutionStatus;
import io.taskgrid.core.Payload;
import io.taskgrid.core.Priority;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TerminalRecordCacheTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
  private final TerminalRecordCache cache = new TerminalRecordCache(clock);

  @Test
  void keepsFinishedExecutionsForTheTtlOnly() {
    ExecutionRecord done = record("e1", ExecutionStatus.SUCCEEDED, 10);
    cache.put(done);
    assertThat(cache.get("e1")).isSameAs(done);
    now.addAndGet(TerminalRecordCache.TTL.toMillis() - 1);
    assertThat(cache.get("e1")).isSameAs(done);
    now.addAndGet(1);
    assertThat(cache.get("e1")).isNull();
    assertThat(cache.size()).isZero();
    assertThat(cache.bytes()).isZero();
  }

  @Test
  void neverKeepsAnExecutionThatCanStillChange() {
    for (ExecutionStatus s : ExecutionStatus.values()) {
      if (s.isTerminal()) continue;
      cache.put(record("e-" + s, s, 0));
      assertThat(cache.get("e-" + s)).as(s.name()).isNull();
    }
    assertThat(cache.size()).isZero();
  }

  @Test
  void skipsLargeResultsAndEvictsTheLeastRecentlyReadPastItsBudget() {
    cache.put(record("big", ExecutionStatus.SUCCEEDED, TerminalRecordCache.MAX_RESULT_BYTES + 1));
    assertThat(cache.get("big")).isNull();

    int each = TerminalRecordCache.MAX_RESULT_BYTES;
    int fit = (int) (TerminalRecordCache.MAX_BYTES / (each + TerminalRecordCache.ENTRY_BYTES));
    for (int i = 0; i < fit; i++) cache.put(record("e" + i, ExecutionStatus.FAILED, each));
    assertThat(cache.size()).isEqualTo(fit);
    assertThat(cache.get("e0")).isNotNull(); // read: now the most recent
    cache.put(record("one-more", ExecutionStatus.SUCCEEDED, each));
    assertThat(cache.get("e1")).as("the least recently read").isNull();
    assertThat(cache.get("e0")).isNotNull();
    assertThat(cache.get("one-more")).isNotNull();
    assertThat(cache.bytes()).isLessThanOrEqualTo(TerminalRecordCache.MAX_BYTES);
  }

  @Test
  void aRecordPutAgainReplacesTheOldOneAndItsSize() {
    cache.put(record("e1", ExecutionStatus.SUCCEEDED, 100));
    long one = cache.bytes();
    ExecutionRecord again = record("e1", ExecutionStatus.SUCCEEDED, 100);
    cache.put(again);
    assertThat(cache.bytes()).isEqualTo(one);
    assertThat(cache.get("e1")).isSameAs(again);
  }

  private static ExecutionRecord record(String id, ExecutionStatus status, int resultBytes) {
    Instant t = Instant.parse("2026-12-02T00:00:00Z");
    return new ExecutionRecord(id, "h", status, 1, Priority.MEDIUM, Map.of(), Duration.ofSeconds(30), "", t, Optional.of(t),
        Optional.of(t), "w", Optional.of(new Payload(new byte[resultBytes], Payload.OCTET_STREAM)), Optional.empty(), Optional.empty());
  }
}
