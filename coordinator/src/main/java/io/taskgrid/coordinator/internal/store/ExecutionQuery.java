package io.taskgrid.coordinator.internal.store;

import io.taskgrid.core.ExecutionStatus;
import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.keyspace.Keyspace;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which executions ListExecutions returns, newest first, and from where. Filters combine with AND;
 * an empty status set means any status.
 *
 * @param pageSize 1 to {@value #MAX_PAGE_SIZE}
 * @param from where the previous page stopped, empty for the first page; it must have been issued
 *     for the same filters (the page size may change from page to page)
 */
public record ExecutionQuery(
    Optional<String> taskId,
    Optional<String> handler,
    Set<ExecutionStatus> statuses,
    Optional<Instant> submittedAfter,
    Optional<Instant> submittedBefore,
    Map<String, String> labels,
    int pageSize,
    Optional<PageToken> from) {
  public static final int DEFAULT_PAGE_SIZE = 100;
  public static final int MAX_PAGE_SIZE = 1000;
  /**
   * How many index entries one page may examine, per execution asked for: filters on status and
   * labels are applied to the records, so a selective filter over a long history would otherwise
   * read it all in one call. A page stopped by this budget is short but still has a next token.
   */
  public static final int SCAN_BUDGET_PER_ITEM = 10;
  /** Hex digits of the filters hash a page token carries: enough to tell filter sets apart, short enough to keep tokens small. */
  public static final int FILTERS_HASH_LENGTH = 12;

  public ExecutionQuery {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(handler, "handler");
    statuses = Set.copyOf(statuses);
    labels = Map.copyOf(labels);
    Objects.requireNonNull(from, "from");
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new InvalidArgumentException("page_size", "must be 0 (for " + DEFAULT_PAGE_SIZE + ") to " + MAX_PAGE_SIZE + ", got " + pageSize);
    }
    if (submittedAfter.isPresent() && submittedBefore.isPresent() && !submittedAfter.get().isBefore(submittedBefore.get())) {
      throw new InvalidArgumentException("submitted_after", "must be before submitted_before, got " + submittedAfter.get() + " and "
          + submittedBefore.get());
    }
    if (from.isPresent() && !from.get().filters().equals(filtersHash(taskId, handler, statuses, submittedAfter, submittedBefore, labels))) {
      throw new InvalidArgumentException("page_token", "was issued for other filters; task_id, handler, statuses, submitted_after, "
          + "submitted_before and labels must stay the same from page to page (to change them, start again without page_token)");
    }
  }

  /** A page token that resumes this query after the given index entry. */
  public PageToken next(long score, String executionId) {
    return new PageToken(filtersHash(taskId, handler, statuses, submittedAfter, submittedBefore, labels), score, executionId);
  }

  /**
   * A short hash of the filters, normalized (statuses and labels sorted, instants exact), so a
   * page token names the query it belongs to. Each part is length-prefixed, so no two filter sets
   * write the same text.
   */
  static String filtersHash(Optional<String> taskId, Optional<String> handler, Set<ExecutionStatus> statuses,
      Optional<Instant> submittedAfter, Optional<Instant> submittedBefore, Map<String, String> labels) {
    StringBuilder text = new StringBuilder();
    part(text, taskId.orElse(null));
    part(text, handler.orElse(null));
    statuses.stream().map(Enum::name).sorted().forEach(st -> part(text, st));
    text.append('|');
    part(text, submittedAfter.map(Instant::toString).orElse(null));
    part(text, submittedBefore.map(Instant::toString).orElse(null));
    new TreeMap<>(labels).forEach((k, v) -> {
      part(text, k);
      part(text, v);
    });
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, FILTERS_HASH_LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static void part(StringBuilder text, String value) {
    if (value == null) {
      text.append("-;");
    } else {
      text.append(value.length()).append(':').append(value).append(';');
    }
  }

  /** The most selective index that holds every match: a task's, else a handler's, else all. */
  public String indexKey(Keyspace keys) {
    if (taskId.isPresent()) return keys.historyOfTask(taskId.get());
    if (handler.isPresent()) return keys.historyOfHandler(handler.get());
    return keys.historyAll();
  }

  /** The filters the index does not apply, checked on each record: the handler when the task's index is walked. */
  public Optional<String> handlerToCheck() {
    return taskId.isPresent() ? handler : Optional.empty();
  }

  /** Most index entries one call examines. */
  public int scanBudget() {
    return pageSize * SCAN_BUDGET_PER_ITEM;
  }

  /**
   * Highest score to walk from, as a ZREVRANGEBYSCORE bound: the previous page's position, else
   * just under submitted_before (records keep milliseconds, so rounding the bound up is exact).
   */
  public String maxScore() {
    if (from.isPresent()) return Long.toString(from.get().score());
    return submittedBefore.map(b -> "(" + ceilMillis(b)).orElse("+inf");
  }

  /** Lowest score to walk to, as a ZREVRANGEBYSCORE bound. */
  public String minScore() {
    return submittedAfter.map(a -> Long.toString(ceilMillis(a))).orElse("-inf");
  }

  private static long ceilMillis(Instant i) {
    long ms = i.toEpochMilli();
    return i.getNano() % 1_000_000 == 0 ? ms : ms + 1;
  }
}
