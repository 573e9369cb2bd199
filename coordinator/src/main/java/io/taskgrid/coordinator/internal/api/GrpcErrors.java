package io.taskgrid.coordinator.internal.api;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.NotFoundException;
import io.taskgrid.core.TaskgridException;
import io.taskgrid.core.UnavailableException;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one mapping from exceptions to gRPC {@link Status}: used by the interceptor for exceptions
 * thrown inside a call, and by asynchronous completions that report errors themselves.
 */
public final class GrpcErrors implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(GrpcErrors.class);

  /** The status a client should see for {@code error}. */
  public static StatusRuntimeException toStatus(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof java.util.concurrent.ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return switch (e) {
      case StatusRuntimeException s -> s;
      case InvalidArgumentException i -> Status.INVALID_ARGUMENT.withDescription(i.getMessage()).asRuntimeException();
      case NotFoundException n -> Status.NOT_FOUND.withDescription(n.getMessage()).asRuntimeException();
      case io.taskgrid.core.AlreadyExistsException a -> Status.ALREADY_EXISTS.withDescription(a.getMessage()).asRuntimeException();
      case io.taskgrid.core.ConflictException c -> Status.FAILED_PRECONDITION.withDescription(c.getMessage()).asRuntimeException();
      case UnavailableException u -> Status.UNAVAILABLE.withDescription(u.getMessage()).asRuntimeException();
      case TaskgridException t when t.isRetryable() -> Status.UNAVAILABLE.withDescription(t.getMessage()).asRuntimeException();
      default -> {
        log.error("Unexpected error in a call", e);
        yield Status.INTERNAL.withDescription("internal error: " + e).asRuntimeException();
      }
    };
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    ServerCall.Listener<Q> delegate = next.startCall(call, headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
      @Override
      public void onMessage(Q message) {
        try {
          super.onMessage(message);
        } catch (RuntimeException e) {
          close(e);
        }
      }

      @Override
      public void onHalfClose() {
        try {
          super.onHalfClose();
        } catch (RuntimeException e) {
          close(e);
        }
      }

      private void close(RuntimeException e) {
        StatusRuntimeException s = toStatus(e);
        call.close(s.getStatus(), s.getTrailers() == null ? new Metadata() : s.getTrailers());
      }
    };
  }
}
