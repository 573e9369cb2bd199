package io.taskgrid.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of {@link Tasks#list(TaskQuery)}.
 *
 * <pre>{@code
 * TaskQuery query = TaskQuery.all().withTag("reports");
 * TaskPage page = client.tasks().list(query);
 * while (page.nextPageToken().isPresent()) {
 *   page = client.tasks().list(query.withPageToken(page.nextPageToken().get()));
 * }
 * }</pre>
 *
 * {@link Tasks#listAll(TaskQuery)} does this loop for you.
 *
 * @param tasks the tasks of this page, ordered by id (unmodifiable)
 * @param nextPageToken the token of the next page; empty on the last page
 */
public record TaskPage(List<TaskInfo> tasks, Optional<String> nextPageToken) {
  /** Copies the list and rejects nulls. */
  public TaskPage {
    tasks = List.copyOf(tasks);
    Objects.requireNonNull(nextPageToken, "nextPageToken");
  }
}
