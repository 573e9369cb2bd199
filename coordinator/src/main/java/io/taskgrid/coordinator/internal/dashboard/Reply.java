package io.taskgrid.coordinator.internal.dashboard;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.function.Supplier;

/** What one call of the API answered: its response, or the status it failed with. */
sealed interface Reply<T> {
  record Ok<T>(T value) implements Reply<T> {}

  /** The call failed with {@code code}; {@code message} is the server's description (shown as it is, escaped). */
  record Failed<T>(Status.Code code, String message) implements Reply<T> {
    /** UNIMPLEMENTED: the coordinator does not serve this call (an older or partial build). */
    boolean unavailable() {
      return code == Status.Code.UNIMPLEMENTED;
    }
  }

  /** Calls {@code rpc}; a gRPC error becomes {@link Failed} (never a stack trace on a page). */
  static <T> Reply<T> call(Supplier<T> rpc) {
    try {
      return new Ok<>(rpc.get());
    } catch (StatusRuntimeException e) {
      Status s = e.getStatus();
      String message = s.getDescription() != null ? s.getDescription()
          : s.getCause() != null ? s.getCause().getClass().getSimpleName() : s.getCode().name();
      return new Failed<>(s.getCode(), message);
    }
  }
}
