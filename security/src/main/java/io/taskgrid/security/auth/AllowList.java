package io.taskgrid.security.auth;

import io.taskgrid.security.Identity;
import java.util.Collection;
import java.util.Optional;

/**
 * The allow-list rule. An identity with allow-lists may make a request only when the request names
 * at least one handler or task id that a non-empty list of the identity covers, and every handler
 * it names is in the identity's handlers (when that list is not empty) and every task id it names
 * starts with one of the identity's task prefixes (when that list is not empty). So a request
 * naming nothing (a list without filter, a published event) is refused, and a filter narrower than
 * the allow-list is accepted.
 */
public final class AllowList {
  private AllowList() {}

  /** Why {@code who} may not act on these handlers and task ids (empty texts are ignored), or empty. */
  public static Optional<String> denial(Identity who, Collection<String> handlers, Collection<String> taskIds) {
    if (!who.restricted()) return Optional.empty();
    boolean covered = false;
    for (String h : handlers) {
      if (h == null || h.isEmpty() || who.allowedHandlers().isEmpty()) continue;
      if (!who.allowedHandlers().contains(h)) return Optional.of("handler '" + h + "' is not in the allowed handlers of " + who.name());
      covered = true;
    }
    for (String t : taskIds) {
      if (t == null || t.isEmpty() || who.allowedTaskPrefixes().isEmpty()) continue;
      if (who.allowedTaskPrefixes().stream().noneMatch(t::startsWith)) {
        return Optional.of("task '" + t + "' does not start with an allowed task prefix of " + who.name());
      }
      covered = true;
    }
    if (covered) return Optional.empty();
    return Optional.of(who.name() + " is limited to " + describe(who) + ": the request must name one of them");
  }

  private static String describe(Identity who) {
    String h = who.allowedHandlers().isEmpty() ? "" : "handlers " + who.allowedHandlers();
    String t = who.allowedTaskPrefixes().isEmpty() ? "" : "task prefixes " + who.allowedTaskPrefixes();
    return h.isEmpty() ? t : t.isEmpty() ? h : h + " and " + t;
  }
}
