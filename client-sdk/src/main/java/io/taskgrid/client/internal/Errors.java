package io.taskgrid.client.internal;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.taskgrid.client.TaskgridAlreadyExistsException;
import io.taskgrid.client.TaskgridException;
import io.taskgrid.client.TaskgridInvalidArgumentException;
import io.taskgrid.client.TaskgridNotFoundException;
import io.taskgrid.client.TaskgridUnavailableException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The one mapping from gRPC failures to the SDK's exceptions. */
public final class Errors {
  private Errors() {}

  public static TaskgridException map(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) e = e.getCause();
    if (e instanceof TaskgridException t) return t;
    if (!(e instanceof StatusRuntimeException sre)) {
      return new TaskgridException(String.valueOf(e.getMessage()), false, e);
    }
    Status s = sre.getStatus();
    String message = s.getDescription() == null ? s.getCode().toString() : s.getDescription();
    return switch (s.getCode()) {
      case INVALID_ARGUMENT, OUT_OF_RANGE -> new TaskgridInvalidArgumentException(message, sre);
      case NOT_FOUND -> new TaskgridNotFoundException(message, sre);
      case ALREADY_EXISTS -> new TaskgridAlreadyExistsException(message, sre);
      case UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED -> new TaskgridUnavailableException(message, sre);
      default -> new TaskgridException(s.getCode() + ": " + message, false, sre);
    };
  }
}
