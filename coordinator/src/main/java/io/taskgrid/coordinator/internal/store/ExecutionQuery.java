package io.taskgrid.coordinator.internal.store;

import io.taskgrid.core.ExecutionStatus;
import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.keyspace.Keyspace;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which executions ListExecutions returns, newest first, and from where. Filters combine with AND;
 * an empty status set means any status.
 *
 * @param pageSize 1 to {@value #MAX_PAGE_SIZE}
 * @param from where the previous page stopped, empty for the first page
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
