package io.taskgrid.coordinator.internal.http;

/** A request the HTTP API refuses before (or instead of) calling the service: carries its JSON answer. */
final class ApiException extends RuntimeException {
  private final ApiError error;

  ApiException(ApiError error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  static ApiException invalid(String message) {
    return new ApiException(ApiError.of(io.grpc.Status.Code.INVALID_ARGUMENT, message));
  }

  ApiError error() {
    return error;
  }
}
