package io.taskgrid.coordinator.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ApiErrorTest {

  @Test
  void mapsGrpcCodesToHttpStatuses() {
    assertThat(ApiError.httpStatus(Status.Code.INVALID_ARGUMENT)).isEqualTo(400);
    assertThat(ApiError.httpStatus(Status.Code.OUT_OF_RANGE)).isEqualTo(400);
    assertThat(ApiError.httpStatus(Status.Code.NOT_FOUND)).isEqualTo(404);
    assertThat(ApiError.httpStatus(Status.Code.ALREADY_EXISTS)).isEqualTo(409);
    assertThat(ApiError.httpStatus(Status.Code.FAILED_PRECONDITION)).isEqualTo(409);
    assertThat(ApiError.httpStatus(Status.Code.ABORTED)).isEqualTo(409);
    assertThat(ApiError.httpStatus(Status.Code.UNAVAILABLE)).isEqualTo(503);
    assertThat(ApiError.httpStatus(Status.Code.UNIMPLEMENTED)).isEqualTo(501);
    assertThat(ApiError.httpStatus(Status.Code.DEADLINE_EXCEEDED)).isEqualTo(504);
    assertThat(ApiError.httpStatus(Status.Code.RESOURCE_EXHAUSTED)).isEqualTo(429);
    assertThat(ApiError.httpStatus(Status.Code.PERMISSION_DENIED)).isEqualTo(403);
    assertThat(ApiError.httpStatus(Status.Code.UNAUTHENTICATED)).isEqualTo(401);
    assertThat(ApiError.httpStatus(Status.Code.INTERNAL)).isEqualTo(500);
    assertThat(ApiError.httpStatus(Status.Code.UNKNOWN)).isEqualTo(500);
    assertThat(ApiError.httpStatus(Status.Code.DATA_LOSS)).isEqualTo(500);
    assertThat(ApiError.httpStatus(Status.Code.CANCELLED)).isEqualTo(499);
  }

  @Test
  void anErrorIsJsonWithTheCodeNameTheDescriptionAndTheHttpStatus() {
    ApiError e = ApiError.of(Status.INVALID_ARGUMENT.withDescription("handler: must not be empty, got \"\""));
    assertThat(new String(e.json(), StandardCharsets.UTF_8).strip())
        .isEqualTo("{\"code\":\"INVALID_ARGUMENT\",\"message\":\"handler: must not be empty, got \\\"\\\"\",\"httpStatus\":400}");
    assertThat(ApiError.of(Status.NOT_FOUND).message()).isEqualTo("NOT_FOUND");
  }
}
