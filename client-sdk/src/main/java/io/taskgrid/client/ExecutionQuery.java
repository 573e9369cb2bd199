package io.taskgrid.client;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Which executions {@link TaskgridClient#listExecutions(ExecutionQuery)} and {@link
 * TaskgridClient#listAllExecutions(ExecutionQuery)} return, newest first (by submission time).
 * Immutable: start from {@link #all()} and narrow with the {@code with*} methods, each of which
 * returns a new query. Filters combine with AND.
 *
 * <pre>{@code
 * ExecutionQuery failedToday = ExecutionQuery.all()
 *     .withTaskId("nightly-report")
 *     .withStatuses(ExecutionStatus.FAILED, ExecutionStatus.TIMEOUT)
 *     .withSubmittedAfter(Instant.now().minus(Duration.ofDays(1)));
 * client.listAllExecutions(failedToday).forEach(e -> System.out.println(e.executionId()));
 * }</pre>
 *
 * <p>The cluster keeps executions for its retention (7 days by default). A page examines at most
 * ten executions per execution asked for, so a selective filter can return a short (even empty)
 * page that still has a next page token: keep paging until there is no token.
 */
public final class ExecutionQuery {
  private static final ExecutionQuery ALL = new ExecutionQuery(null, null, Set.of(), null, null, Map.of(), 0, null);

  private final String taskId;
  private final String handler;
  private final Set<ExecutionStatus> statuses;
  private final Instant submittedAfter;
  private final Instant submittedBefore;
  private final Map<String, String> labels;
  private final int pageSize;
  private final String pageToken;

  private ExecutionQuery(String taskId, String handler, Set<ExecutionStatus> statuses, Instant submittedAfter, Instant submittedBefore,
      Map<String, String> labels, int pageSize, String pageToken) {
    this.taskId = taskId;
    this.handler = handler;
    this.statuses = statuses;
    this.submittedAfter = submittedAfter;
    this.submittedBefore = submittedBefore;
    this.labels = labels;
    this.pageSize = pageSize;
    this.pageToken = pageToken;
  }

  /**
   * Every execution kept, newest first, from the first page, in pages of the cluster's default
   * size (100).
   *
   * @return the query without filters
   */
  public static ExecutionQuery all() {
    return ALL;
  }

  /**
   * Only executions of one registered task.
   *
   * @param taskId the task's id, or null or empty for any
   * @return a new query
   */
  public ExecutionQuery withTaskId(String taskId) {
    return new ExecutionQuery(emptyToNull(taskId), handler, statuses, submittedAfter, submittedBefore, labels, pageSize, pageToken);
  }

  /**
   * Only executions of one handler.
   *
   * @param handler the handler's name, or null or empty for any
   * @return a new query
   */
  public ExecutionQuery withHandler(String handler) {
    return new ExecutionQuery(taskId, emptyToNull(handler), statuses, submittedAfter, submittedBefore, labels, pageSize, pageToken);
  }

  /**
   * Only executions in one of these statuses.
   *
   * @param statuses the statuses; none for any
   * @return a new query
   */
  public ExecutionQuery withStatuses(ExecutionStatus... statuses) {
    Set<ExecutionStatus> set = EnumSet.noneOf(ExecutionStatus.class);
    for (ExecutionStatus s : statuses) set.add(Objects.requireNonNull(s, "status"));
    return new ExecutionQuery(taskId, handler, Collections.unmodifiableSet(set), submittedAfter, submittedBefore, labels, pageSize,
        pageToken);
  }

  /**
   * Only executions submitted at or after an instant.
   *
   * @param after the instant, or null for no lower bound
   * @return a new query
   */
  public ExecutionQuery withSubmittedAfter(Instant after) {
    return new ExecutionQuery(taskId, handler, statuses, after, submittedBefore, labels, pageSize, pageToken);
  }

  /**
   * Only executions submitted before an instant.
   *
   * @param before the instant, or null for no upper bound
   * @return a new query
   */
  public ExecutionQuery withSubmittedBefore(Instant before) {
    return new ExecutionQuery(taskId, handler, statuses, submittedAfter, before, labels, pageSize, pageToken);
  }

  /**
   * Only executions carrying a label with a value (added to the labels already required).
   *
   * @param key the label's key
   * @param value the value it must have
   * @return a new query
   */
  public ExecutionQuery withLabel(String key, String value) {
    Map<String, String> more = new LinkedHashMap<>(labels);
    more.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return new ExecutionQuery(taskId, handler, statuses, submittedAfter, submittedBefore, Collections.unmodifiableMap(more), pageSize,
        pageToken);
  }

  /**
   * At most this many executions per page.
   *
   * @param pageSize 1 to 1000 (checked by the cluster), or 0 for the default (100)
   * @return a new query
   */
  public ExecutionQuery withPageSize(int pageSize) {
    return new ExecutionQuery(taskId, handler, statuses, submittedAfter, submittedBefore, labels, pageSize, pageToken);
  }

  /**
   * Starts at a page other than the first.
   *
   * @param pageToken an {@link ExecutionPage#nextPageToken()} returned for this same query, or null
   *     or empty for the first page
   * @return a new query
   */
  public ExecutionQuery withPageToken(String pageToken) {
    return new ExecutionQuery(taskId, handler, statuses, submittedAfter, submittedBefore, labels, pageSize, emptyToNull(pageToken));
  }

  /**
   * The task filter.
   *
   * @return the task id, or empty for any
   */
  public Optional<String> taskId() {
    return Optional.ofNullable(taskId);
  }

  /**
   * The handler filter.
   *
   * @return the handler, or empty for any
   */
  public Optional<String> handler() {
    return Optional.ofNullable(handler);
  }

  /**
   * The status filter.
   *
   * @return the statuses (unmodifiable), empty for any
   */
  public Set<ExecutionStatus> statuses() {
    return statuses;
  }

  /**
   * The lower time bound (inclusive).
   *
   * @return the instant, or empty for none
   */
  public Optional<Instant> submittedAfter() {
    return Optional.ofNullable(submittedAfter);
  }

  /**
   * The upper time bound (exclusive).
   *
   * @return the instant, or empty for none
   */
  public Optional<Instant> submittedBefore() {
    return Optional.ofNullable(submittedBefore);
  }

  /**
   * The labels an execution must carry.
   *
   * @return key to value (unmodifiable), empty for any
   */
  public Map<String, String> labels() {
    return labels;
  }

  /**
   * The page size.
   *
   * @return the size, or 0 for the cluster's default
   */
  public int pageSize() {
    return pageSize;
  }

  /**
   * Where listing starts.
   *
   * @return the page token, or empty for the first page
   */
  public Optional<String> pageToken() {
    return Optional.ofNullable(pageToken);
  }

  /** Equal when every filter, the page size and the page token are equal. */
  @Override
  public boolean equals(Object o) {
    return o instanceof ExecutionQuery q && Objects.equals(taskId, q.taskId) && Objects.equals(handler, q.handler)
        && statuses.equals(q.statuses) && Objects.equals(submittedAfter, q.submittedAfter)
        && Objects.equals(submittedBefore, q.submittedBefore) && labels.equals(q.labels) && pageSize == q.pageSize
        && Objects.equals(pageToken, q.pageToken);
  }

  /** Hashes every filter, the page size and the page token. */
  @Override
  public int hashCode() {
    return Objects.hash(taskId, handler, statuses, submittedAfter, submittedBefore, labels, pageSize, pageToken);
  }

  /** The filters that are set. */
  @Override
  public String toString() {
    StringJoiner s = new StringJoiner(", ", "ExecutionQuery[", "]");
    if (taskId != null) s.add("taskId=" + taskId);
    if (handler != null) s.add("handler=" + handler);
    if (!statuses.isEmpty()) s.add("statuses=" + statuses);
    if (submittedAfter != null) s.add("submittedAfter=" + submittedAfter);
    if (submittedBefore != null) s.add("submittedBefore=" + submittedBefore);
    if (!labels.isEmpty()) s.add("labels=" + labels);
    if (pageSize != 0) s.add("pageSize=" + pageSize);
    if (pageToken != null) s.add("pageToken=" + pageToken);
    return s.toString();
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
