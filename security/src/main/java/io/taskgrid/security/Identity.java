package io.taskgrid.security;

import io.grpc.Context;
import java.util.List;

/**
 * Who made a call, as authenticated by the coordinator, and what it may do.
 *
 * @param name an API key's name, a JWT's subject or a client certificate's common name
 * @param role what the identity may do
 * @param allowedHandlers when not empty, the only handlers it may submit to or read
 * @param allowedTaskPrefixes when not empty, the only registered task ids (by prefix) it may act on or read
 * @param authenticatedBy {@code api-key}, {@code jwt}, {@code mtls}, or {@code none} when authentication is off
 */
public record Identity(String name, Role role, List<String> allowedHandlers, List<String> allowedTaskPrefixes, String authenticatedBy) {
  /** The caller of a coordinator that authenticates nobody: may do anything a person may. */
  public static final Identity ANONYMOUS = new Identity("anonymous", Role.ADMIN, List.of(), List.of(), "none");

  /** Where a call's identity is kept while the call is served. */
  public static final Context.Key<Identity> CONTEXT_KEY = Context.key("taskgrid-identity");

  public Identity {
    allowedHandlers = List.copyOf(allowedHandlers);
    allowedTaskPrefixes = List.copyOf(allowedTaskPrefixes);
  }

  /** The identity of the call being served; {@link #ANONYMOUS} when authentication is off. */
  public static Identity current() {
    Identity id = CONTEXT_KEY.get();
    return id == null ? ANONYMOUS : id;
  }

  /** Whether the identity is limited to some handlers or tasks. */
  public boolean restricted() {
    return !allowedHandlers.isEmpty() || !allowedTaskPrefixes.isEmpty();
  }
}
