package io.taskgrid.client;

import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Which registered tasks {@link Tasks#list(TaskQuery)} and {@link Tasks#listAll(TaskQuery)}
 * return. Immutable: start from {@link #all()} and narrow with the {@code with*} methods, each of
 * which returns a new query. Filters combine with AND.
 *
 * <pre>{@code
 * TaskQuery paused = TaskQuery.all().withState(TaskState.PAUSED).withTag("reports");
 * client.tasks().listAll(paused).forEach(t -> System.out.println(t.id()));
 * }</pre>
 */
public final class TaskQuery {
  private static final TaskQuery ALL = new TaskQuery(null, null, null, 0, null);

  private final TaskState state;
  private final String tag;
  private final String category;
  private final int pageSize;
  private final String pageToken;

  private TaskQuery(TaskState state, String tag, String category, int pageSize, String pageToken) {
    this.state = state;
    this.tag = tag;
    this.category = category;
    this.pageSize = pageSize;
    this.pageToken = pageToken;
  }

  /**
   * Every task, from the first page, in pages of the cluster's default size (100).
   *
   * @return the query without filters
   */
  public static TaskQuery all() {
    return ALL;
  }

  /**
   * Only tasks in a state.
   *
   * @param state the state, or null for any
   * @return a new query
   */
  public TaskQuery withState(TaskState state) {
    return new TaskQuery(state, tag, category, pageSize, pageToken);
  }

  /**
   * Only tasks with a tag.
   *
   * @param tag the tag, or null or empty for any
   * @return a new query
   */
  public TaskQuery withTag(String tag) {
    return new TaskQuery(state, emptyToNull(tag), category, pageSize, pageToken);
  }

  /**
   * Only tasks in a category.
   *
   * @param category the category, or null or empty for any
   * @return a new query
   */
  public TaskQuery withCategory(String category) {
    return new TaskQuery(state, tag, emptyToNull(category), pageSize, pageToken);
  }

  /**
   * At most this many tasks per page.
   *
   * @param pageSize 1 to 1000 (checked by the cluster), or 0 for the default (100)
   * @return a new query
   */
  public TaskQuery withPageSize(int pageSize) {
    return new TaskQuery(state, tag, category, pageSize, pageToken);
  }

  /**
   * Starts at a page other than the first.
   *
   * @param pageToken a {@link TaskPage#nextPageToken()} returned for this same query, or null or
   *     empty for the first page
   * @return a new query
   */
  public TaskQuery withPageToken(String pageToken) {
    return new TaskQuery(state, tag, category, pageSize, emptyToNull(pageToken));
  }

  /**
   * The state filter.
   *
   * @return the state, or empty for any
   */
  public Optional<TaskState> state() {
    return Optional.ofNullable(state);
  }

  /**
   * The tag filter.
   *
   * @return the tag, or empty for any
   */
  public Optional<String> tag() {
    return Optional.ofNullable(tag);
  }

  /**
   * The category filter.
   *
   * @return the category, or empty for any
   */
  public Optional<String> category() {
    return Optional.ofNullable(category);
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
    return o instanceof TaskQuery q && state == q.state && Objects.equals(tag, q.tag) && Objects.equals(category, q.category)
        && pageSize == q.pageSize && Objects.equals(pageToken, q.pageToken);
  }

  /** Hashes every filter, the page size and the page token. */
  @Override
  public int hashCode() {
    return Objects.hash(state, tag, category, pageSize, pageToken);
  }

  /** The filters that are set. */
  @Override
  public String toString() {
    StringJoiner s = new StringJoiner(", ", "TaskQuery[", "]");
    if (state != null) s.add("state=" + state);
    if (tag != null) s.add("tag=" + tag);
    if (category != null) s.add("category=" + category);
    if (pageSize != 0) s.add("pageSize=" + pageSize);
    if (pageToken != null) s.add("pageToken=" + pageToken);
    return s.toString();
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
