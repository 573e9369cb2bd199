package io.taskgrid.client;

/**
 * The coordinator does not know who is calling (UNAUTHENTICATED): no token was sent, or the token
 * (an API key or a JWT) is unknown, expired or forged, or the client certificate is not trusted.
 * Not retryable as is: give the client a valid credential ({@link TaskgridClient.Builder#token},
 * {@link TaskgridClient.Builder#tokenSupplier}, {@link TaskgridClient.Builder#clientCertificate}).
 * A {@link TaskgridClient.Builder#tokenSupplier} that returns a fresh token is asked again on the
 * next call, so a call repeated after a refresh may succeed.
 */
public final class TaskgridUnauthenticatedException extends TaskgridException {
  /**
   * An authentication error with the server's message.
   *
   * @param message the server's message; it never holds the credential
   * @param cause the underlying failure, or null
   */
  public TaskgridUnauthenticatedException(String message, Throwable cause) {
    super(message, false, cause);
  }
}
