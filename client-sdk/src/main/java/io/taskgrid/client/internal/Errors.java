package io.taskgrid.client.internal;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.taskgrid.client.TaskgridAlreadyExistsException;
import io.taskgrid.client.TaskgridConflictException;
import io.taskgrid.client.TaskgridException;
import io.taskgrid.client.TaskgridInvalidArgumentException;
import io.taskgrid.client.TaskgridNotFoundException;
import io.taskgrid.client.TaskgridPermissionDeniedException;
import io.taskgrid.client.TaskgridUnauthenticatedException;
import io.taskgrid.client.TaskgridUnavailableException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The one mapping from gRPC failures to the SDK's exceptions. */
public final class Errors {
  private Errors() {}

  /** A {@link TaskgridException} for any failure; one already of that type is returned as is. */
  public static TaskgridException map(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof TaskgridException t) return t;
    if (e instanceof StatusRuntimeException || e instanceof StatusException) {
      return map(Status.fromThrowable(e), e);
    }
    return new TaskgridException(e.getClass().getSimpleName() + ": " + e.getMessage(), false, e);
  }

  /** A {@link TaskgridException} for a status; {@code cause} is kept for its stack trace only. */
  public static TaskgridException map(Status s, Throwable cause) {
    String message = s.getDescription() == null || s.getDescription().isEmpty() ? s.getCode().toString() : s.getDescription();
    return switch (s.getCode()) {
      case INVALID_ARGUMENT, OUT_OF_RANGE -> new TaskgridInvalidArgumentException(message, cause);
      case NOT_FOUND -> new TaskgridNotFoundException(message, cause);
      case ALREADY_EXISTS -> new TaskgridAlreadyExistsException(message, cause);
      case FAILED_PRECONDITION -> new TaskgridConflictException(message, cause);
      case UNAVAILABLE -> new TaskgridUnavailableException(tlsFailure(s) == null ? message : tlsMessage(tlsFailure(s)), cause);
      case UNAUTHENTICATED -> new TaskgridUnauthenticatedException(message, cause);
      case PERMISSION_DENIED -> new TaskgridPermissionDeniedException(message, cause);
      case DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED -> new TaskgridException(s.getCode() + ": " + message, true, cause);
      default -> new TaskgridException(s.getCode() + ": " + message, false, cause);
    };
  }

  /**
   * The TLS failure behind an UNAVAILABLE status (the server's certificate is not trusted or not
   * for the address called, or the server refused the client's certificate), else null.
   */
  public static Throwable tlsFailure(Status s) {
    if (s.getCode() != Status.Code.UNAVAILABLE) return null;
    for (Throwable t = s.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException || t instanceof java.security.GeneralSecurityException) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root;
      }
    }
    return null;
  }

  private static String tlsMessage(Throwable root) {
    return "TLS handshake with the coordinator failed: " + (root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage())
        + " (is its certificate issued by a CA the client trusts, see Builder.tls(caPem), and for the address called?)";
  }

  /**
   * True for failures of a long-lived stream that reconnecting cannot cure: the server does not
   * serve the call, or refuses this client.
   */
  public static boolean isPermanentStreamFailure(Status s) {
    return switch (s.getCode()) {
      case UNIMPLEMENTED, UNAUTHENTICATED, PERMISSION_DENIED, INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> true;
      default -> false;
    };
  }
}
