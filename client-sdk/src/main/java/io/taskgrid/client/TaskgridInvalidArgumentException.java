package io.taskgrid.client;

/**
 * The server rejected a request field. The message names the field and the value, e.g. {@code
 * handler: must not be empty}. Nothing was recorded; fix the request rather than retrying.
 */
public final class TaskgridInvalidArgumentException extends TaskgridException {
  /** An invalid-argument error with the server's message. */
  public TaskgridInvalidArgumentException(String message, Throwable cause) {
    super(message, false, cause);
  }

  /** The field the server named (the text before the first colon), e.g. {@code tasks[3].handler}. */
  public String field() {
    String m = getMessage() == null ? "" : getMessage();
    int colon = m.indexOf(':');
    return colon < 0 ? "" : m.substring(0, colon);
  }
}
