package io.taskgrid.client;

import java.util.List;

/**
 * Who the coordinator takes the caller to be, and what it may do: the answer of {@link
 * TaskgridClient#whoAmI()}.
 *
 * @param name the identity's name: an API key's name, a JWT's subject or a client certificate's
 *     common name; {@code anonymous} when the coordinator does not authenticate calls
 * @param role {@code viewer} (reads), {@code operator} (also submits, runs, pauses, cancels,
 *     publishes events), {@code admin} (also creates, updates and deletes tasks), or {@code worker}
 *     (reports outcomes only)
 * @param authenticatedBy how the caller was authenticated: {@code api-key}, {@code jwt}, {@code
 *     mtls}, or {@code none} when authentication is off
 * @param allowedHandlers when not empty, the only handlers this identity may submit to or read
 * @param allowedTaskPrefixes when not empty, the only registered tasks (by id prefix) this identity
 *     may act on or read
 * @param authenticationEnabled whether the coordinator authenticates calls at all
 */
public record CallerIdentity(String name, String role, String authenticatedBy, List<String> allowedHandlers,
    List<String> allowedTaskPrefixes, boolean authenticationEnabled) {
  /** Copies the lists. */
  public CallerIdentity {
    allowedHandlers = List.copyOf(allowedHandlers);
    allowedTaskPrefixes = List.copyOf(allowedTaskPrefixes);
  }
}
