package io.taskgrid.coordinator.internal.store;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Records of finished executions that {@code GetExecution} read lately, so that readers who come
 * back (dashboards, CLIs, clients polling a batch they submitted) do not cost a Redis call each
 * time. Only terminal records are kept: the first terminal outcome wins, so a finished
 * execution's record does not change until retention deletes it. An entry is served for at most
 * {@link #TTL} (after that it is read again, so a record deleted by retention, or lost with
 * Redis's data and rebuilt, shows within that time); entries whose result is larger than {@link
 * #MAX_RESULT_BYTES} are not kept, and the least recently read go first once the entries' size
 * passes {@link #MAX_BYTES}. About 1 KiB per entry plus its result: 16 MiB at most per coordinator.
 */
final class TerminalRecordCache {
  static final Duration TTL = Duration.ofSeconds(30);
  static final int MAX_RESULT_BYTES = 16 * 1024;
  static final long MAX_BYTES = 16L * 1024 * 1024;
  /** What an entry costs besides its result: the record's strings, times and maps, roughly. */
  static final int ENTRY_BYTES = 1024;

  private record Entry(ExecutionRecord record, long until, int bytes) {}

  private final InstantSource clock;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(1024, 0.75f, true);
  private long bytes;

  TerminalRecordCache(InstantSource clock) {
    this.clock = clock;
  }

  /** The cached record of {@code executionId}, or null. */
  synchronized ExecutionRecord get(String executionId) {
    Entry e = entries.get(executionId);
    if (e == null) return null;
    if (clock.millis() >= e.until()) {
      remove(executionId);
      return null;
    }
    return e.record();
  }

  /** Keeps {@code record} when it is terminal and small enough. */
  synchronized void put(ExecutionRecord record) {
    int resultBytes = record.result().map(p -> p.size()).orElse(0);
    if (!record.status().isTerminal() || resultBytes > MAX_RESULT_BYTES) return;
    int size = ENTRY_BYTES + resultBytes + record.attempts().size() * 128 + record.labels().size() * 64
        + (int) Math.min(Integer.MAX_VALUE / 2, record.errorMessage().map(String::length).orElse(0) * 2L);
    remove(record.executionId());
    entries.put(record.executionId(), new Entry(record, clock.millis() + TTL.toMillis(), size));
    bytes += size;
    for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); bytes > MAX_BYTES && it.hasNext(); ) {
      bytes -= it.next().getValue().bytes();
      it.remove();
    }
  }

  private void remove(String executionId) {
    Entry old = entries.remove(executionId);
    if (old != null) bytes -= old.bytes();
  }

  synchronized int size() {
    return entries.size();
  }

  synchronized long bytes() {
    return bytes;
  }
}
