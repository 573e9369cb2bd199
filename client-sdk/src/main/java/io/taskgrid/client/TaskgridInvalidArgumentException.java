package io.taskgrid.client;

/**
 * The server rejected a request field. The message names the field and the value, for example
 * {@code handler: must not be empty} or {@code tasks[3].handler: ...}. Nothing was recorded and
 * nothing was queued; fix the request rather than retrying it.
 */
public final class TaskgridInvalidArgumentException extends TaskgridException {
  /**
   * An invalid-argument error with the server's message.
   *
   * @param message the server's message, naming the field
   * @param cause the underlying failure, or null
   */
  public TaskgridInvalidArgumentException(String message, Throwable cause) {
    super(message, false, cause);
  }

  /**
   * The field the server named: the text before the first colon of the message.
   *
   * @return for example {@code handler} or {@code tasks[3].handler}; empty when the message names
   *     no field
   */
  public String field() {
    String m = getMessage() == null ? "" : getMessage();
    int colon = m.indexOf(':');
    return colon < 0 ? "" : m.substring(0, colon);
  }
}
