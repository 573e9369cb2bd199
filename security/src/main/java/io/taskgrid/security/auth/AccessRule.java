package io.taskgrid.security.auth;

import io.taskgrid.security.Identity;
import io.taskgrid.security.Role;
import java.util.Optional;

/**
 * Who may call one gRPC method.
 *
 * @param openToAll whether anyone may call, authenticated or not (health)
 * @param role the role needed; null for a method every authenticated identity may call (WhoAmI)
 * @param mutating whether an allowed call is written to the audit log too
 * @param scope what an identity with allow-lists may ask of it; {@link Scope#ANY} for methods that touch no handler's or task's data
 */
public record AccessRule(boolean openToAll, Role role, boolean mutating, Scope scope) {
  /** How a request is checked against an identity's allow-lists. */
  @FunctionalInterface
  public interface Scope {
    /** Allow-lists do not limit the method. */
    Scope ANY = (who, request) -> Optional.empty();

    /**
     * Why {@code who} may not make {@code request}, or empty when it may. Called only for
     * restricted identities. {@code request} is the message, or an {@link java.io.InputStream} of its
     * bytes when the service takes raw messages ({@code ServerInterceptors.useInputStreamMessages}).
     */
    Optional<String> denial(Identity who, Object request);
  }

  public AccessRule {
    if (scope == null) throw new IllegalArgumentException("scope is required (Scope.ANY for none)");
    if (openToAll && role != null) throw new IllegalArgumentException("an open method needs no role");
  }

  /** Anyone, authenticated or not. */
  public static AccessRule open() {
    return new AccessRule(true, null, false, Scope.ANY);
  }

  /** Any authenticated identity, whatever its role. */
  public static AccessRule anyIdentity() {
    return new AccessRule(false, null, false, Scope.ANY);
  }

  /** Reads needing {@code role}, limited by allow-lists as {@code scope} says. */
  public static AccessRule read(Role role, Scope scope) {
    return new AccessRule(false, role, false, scope);
  }

  /** Changes needing {@code role}, audited when allowed, limited by allow-lists as {@code scope} says. */
  public static AccessRule write(Role role, Scope scope) {
    return new AccessRule(false, role, true, scope);
  }

  /** Whether anyone may call without credentials. */
  public boolean isOpen() {
    return openToAll;
  }

  /** With {@code scope} instead. */
  public AccessRule withScope(Scope scope) {
    return new AccessRule(openToAll, role, mutating, scope);
  }
}
