package io.taskgrid.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of {@link TaskgridClient#listExecutions(ExecutionQuery)}.
 *
 * <pre>{@code
 * ExecutionQuery query = ExecutionQuery.all().withHandler("send-email");
 * ExecutionPage page = client.listExecutions(query);
 * while (page.nextPageToken().isPresent()) {
 *   page = client.listExecutions(query.withPageToken(page.nextPageToken().get()));
 * }
 * }</pre>
 *
 * A page can be short, or empty, and still have a next token (the cluster bounds the work of one
 * page); {@link TaskgridClient#listAllExecutions(ExecutionQuery)} does this loop for you.
 *
 * @param executions the executions of this page, newest first (unmodifiable)
 * @param nextPageToken the token of the next page; empty on the last page
 */
public record ExecutionPage(List<ExecutionInfo> executions, Optional<String> nextPageToken) {
  /** Copies the list and rejects nulls. */
  public ExecutionPage {
    executions = List.copyOf(executions);
    Objects.requireNonNull(nextPageToken, "nextPageToken");
  }
}
