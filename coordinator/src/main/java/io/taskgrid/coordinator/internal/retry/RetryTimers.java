package io.taskgrid.coordinator.internal.retry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * The retries waiting to be released, as the leader read them from the retries topic: a min-heap
 * by due time, at most one per execution (the topic is compacted by execution id, so a later
 * record of an execution replaces the earlier one and a tombstone removes it). Pure: no clock, no
 * Kafka; the releasing loop feeds it records and asks what is due, and tests step it by hand.
 *
 * <p>Memory: per pending retry, the record's bytes (the task message: its payload plus about 200
 * bytes) and about 150 bytes of heap for the entry, its map slot and heap slot. A leader with
 * 100,000 pending retries of 1 KiB payloads holds about 130 MB.
 */
public final class RetryTimers {
  /** One pending retry: the record of {@code executionId} for {@code attempt}, due at {@code dueAt}. */
  public record Pending(String executionId, int attempt, Instant dueAt, byte[] message, long sequence) {}

  private final Map<String, Pending> byExecution = new HashMap<>();
  private final PriorityQueue<Pending> heap = new PriorityQueue<>((a, b) -> {
    int c = a.dueAt().compareTo(b.dueAt());
    return c != 0 ? c : Long.compare(a.sequence(), b.sequence());
  });
  private long sequence;

  /** A record of the retries topic: the execution's retry for {@code attempt}, due at {@code dueAt}. */
  public void put(String executionId, int attempt, Instant dueAt, byte[] message) {
    Pending previous = byExecution.get(executionId);
    // a duplicate of an older attempt (a worker resending its batch after a later attempt was scheduled) never replaces a newer one
    if (previous != null && previous.attempt() > attempt) return;
    Pending p = new Pending(executionId, attempt, dueAt, message, sequence++);
    byExecution.put(executionId, p);
    heap.add(p);
  }

  /** A tombstone of the retries topic: the execution's retry was released (or is no longer wanted). */
  public void remove(String executionId) {
    byExecution.remove(executionId);
  }

  /**
   * Takes the retries due at or before {@code horizon}, earliest first, at most {@code max}. They
   * count as pending until {@link #released}; if releasing them fails, the leader's term ends and
   * the next one reads the topic again ({@link #clear}).
   */
  public List<Pending> due(Instant horizon, int max) {
    List<Pending> out = new ArrayList<>();
    while (!heap.isEmpty() && out.size() < max && !heap.peek().dueAt().isAfter(horizon)) {
      Pending p = heap.poll();
      if (byExecution.get(p.executionId()) == p) out.add(p);
    }
    return out;
  }

  /** These retries were written to the tasks topic (with their tombstones): they are no longer pending. */
  public void released(List<Pending> done) {
    for (Pending p : done) byExecution.remove(p.executionId(), p);
  }

  /** When the earliest pending retry is due. */
  public Optional<Instant> nextDue() {
    while (!heap.isEmpty() && byExecution.get(heap.peek().executionId()) != heap.peek()) heap.poll();
    return heap.isEmpty() ? Optional.empty() : Optional.of(heap.peek().dueAt());
  }

  /** How long to wait from {@code now} until something is due {@code ahead} early, at most {@code max}. */
  public Duration waitFrom(Instant now, Duration ahead, Duration max) {
    Optional<Instant> next = nextDue();
    if (next.isEmpty()) return max;
    Duration d = Duration.between(now.plus(ahead), next.get());
    if (d.isNegative()) return Duration.ZERO;
    return d.compareTo(max) > 0 ? max : d;
  }

  public int size() {
    return byExecution.size();
  }

  /** Forgets everything: leadership was lost (a new term reads the topic again). */
  public void clear() {
    byExecution.clear();
    heap.clear();
  }
}
