package io.taskgrid.security.auth;

/**
 * A call whose caller could not be established: no credentials, an unknown key, a bad token. The
 * message says why and never contains the credential itself: it goes to the caller and to logs.
 */
public final class AuthenticationException extends RuntimeException {
  public AuthenticationException(String reason) {
    super(reason, null, false, false);
  }
}
