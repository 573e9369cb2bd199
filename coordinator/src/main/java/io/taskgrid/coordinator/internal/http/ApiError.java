package io.taskgrid.coordinator.internal.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;

/**
 * The JSON body of every error the HTTP API answers: {@code {"code":"INVALID_ARGUMENT",
 * "message":"handler: ...","httpStatus":400}}. {@code code} is always a gRPC status code name and
 * {@code message} the gRPC description (which names the field and value); {@code httpStatus} is
 * the status of the HTTP answer, from {@link #httpStatus(Status.Code)}, except for the few errors
 * of HTTP itself (405 wrong method, 413 body too large, 415 not JSON).
 */
record ApiError(Status.Code code, String message, int httpStatus) {
  private static final ObjectMapper JSON = new ObjectMapper();

  ApiError {
    message = message == null ? "" : message;
  }

  static ApiError of(Status.Code code, String message) {
    return new ApiError(code, message, httpStatus(code));
  }

  static ApiError of(Status status) {
    return of(status.getCode(), status.getDescription() != null ? status.getDescription() : status.getCode().name());
  }

  /**
   * The HTTP status of a gRPC code, as Google's APIs map them, with one choice of ours:
   * FAILED_PRECONDITION is 409 Conflict (a task's revision moved on, an execution already ended),
   * like ABORTED, rather than 400, so a client can tell "fix your request" from "the state changed".
   */
  static int httpStatus(Status.Code code) {
    return switch (code) {
      case OK -> 200;
      case CANCELLED -> 499;
      case UNKNOWN, INTERNAL, DATA_LOSS -> 500;
      case INVALID_ARGUMENT, OUT_OF_RANGE -> 400;
      case DEADLINE_EXCEEDED -> 504;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED, FAILED_PRECONDITION -> 409;
      case PERMISSION_DENIED -> 403;
      case UNAUTHENTICATED -> 401;
      case RESOURCE_EXHAUSTED -> 429;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
    };
  }

  byte[] json() {
    ObjectNode node = JSON.createObjectNode();
    node.put("code", code.name());
    node.put("message", message);
    node.put("httpStatus", httpStatus);
    return (node.toString() + "\n").getBytes(StandardCharsets.UTF_8);
  }
}
