package io.taskgrid.coordinator.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.proto.v1.ExecutionStatus;
import io.taskgrid.proto.v1.ListExecutionsRequest;
import io.taskgrid.proto.v1.PublishEventRequest;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.UpdateTaskRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestMappingTest {
  private static final List<ApiRoute> ROUTES = ApiRoute.of(TaskServiceGrpc.getServiceDescriptor());

  private static ApiRoute route(String rpc) {
    return ROUTES.stream().filter(r -> r.rpc().getName().equals(rpc)).findFirst().orElseThrow();
  }

  @Test
  void everyRpcButTheBidirectionalStreamHasARoute() {
    assertThat(ROUTES).extracting(r -> r.rpc().getName()).doesNotContain("WatchExecutions")
        .hasSize(TaskServiceGrpc.getServiceDescriptor().getMethods().size() - 1);
    assertThat(route("UpdateTask").httpMethod()).isEqualTo("PUT");
    assertThat(route("UpdateTask").path().template()).isEqualTo("/v1/tasks/{task.id}");
    assertThat(route("WatchExecution").serverStreaming()).isTrue();
  }

  @Test
  void queryParametersFillFiltersRepeatedFieldsMapsAndTimestamps() {
    ListExecutionsRequest r = (ListExecutionsRequest) RequestMapping.build(route("ListExecutions"), Map.of(),
        "handler=send.email&statuses=EXECUTION_STATUS_FAILED&statuses=EXECUTION_STATUS_SUCCEEDED&labels%5Benv%5D=prod&pageSize=5"
            + "&submitted_after=2026-01-01T00:00:00Z", new byte[0]);
    assertThat(r.getHandler()).isEqualTo("send.email");
    assertThat(r.getStatusesList()).containsExactly(ExecutionStatus.EXECUTION_STATUS_FAILED, ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
    assertThat(r.getLabelsMap()).isEqualTo(Map.of("env", "prod"));
    assertThat(r.getPageSize()).isEqualTo(5);
    assertThat(r.getSubmittedAfter().getSeconds()).isEqualTo(1767225600L);
  }

  @Test
  void unknownOrBadQueryParametersAreInvalidArgumentsNamingThem() {
    assertThatThrownBy(() -> RequestMapping.build(route("ListExecutions"), Map.of(), "colour=red", new byte[0]))
        .isInstanceOf(ApiException.class).hasMessageContaining("colour");
    assertThatThrownBy(() -> RequestMapping.build(route("ListExecutions"), Map.of(), "statuses=DONE", new byte[0]))
        .isInstanceOf(ApiException.class).hasMessageContaining("DONE");
    assertThatThrownBy(() -> RequestMapping.build(route("ListExecutions"), Map.of(), "page_size=1&page_size=2", new byte[0]))
        .isInstanceOf(ApiException.class).hasMessageContaining("page_size' is given twice");
    assertThatThrownBy(() -> RequestMapping.build(route("GetExecution"), Map.of("execution_id", "x"), "execution_id=y", new byte[0]))
        .isInstanceOf(ApiException.class).hasMessageContaining("set by the path");
  }

  @Test
  void theBodyFillsTheNamedFieldAndThePathWins() {
    PublishEventRequest e = (PublishEventRequest) RequestMapping.build(route("PublishEvent"), Map.of("name", "user:signup"), null,
        "{\"data\":\"aGk=\",\"contentType\":\"text/plain\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(e.getName()).isEqualTo("user:signup");
    assertThat(e.getData().getData().toStringUtf8()).isEqualTo("hi");
    UpdateTaskRequest u = (UpdateTaskRequest) RequestMapping.build(route("UpdateTask"), Map.of("task.id", "from-path"), null,
        "{\"task\":{\"id\":\"from-body\",\"handler\":\"h\"},\"expected_revision\":\"3\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(u.getTask().getId()).isEqualTo("from-path");
    assertThat(u.getTask().getHandler()).isEqualTo("h");
    assertThat(u.getExpectedRevision()).isEqualTo(3);
  }

  @Test
  void unknownBodyFieldsAndMalformedJsonAreInvalidArguments() {
    assertThatThrownBy(() -> RequestMapping.build(route("SubmitTask"), Map.of(), null, "{\"handler\":\"h\",\"colour\":1}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ApiException.class).hasMessageContaining("colour");
    assertThatThrownBy(() -> RequestMapping.build(route("SubmitTask"), Map.of(), null, "{\"handler\":".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ApiException.class).hasMessageStartingWith("body: not valid JSON: ").hasMessageNotContaining("Exception");
    assertThatThrownBy(() -> RequestMapping.build(route("SubmitTask"), Map.of(), null, "[1]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ApiException.class).hasMessageStartingWith("body: ");
    assertThatThrownBy(() -> RequestMapping.build(route("GetTask"), Map.of("task_id", "t"), null, "{}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ApiException.class).hasMessageContaining("takes no body");
  }

  @Test
  void theOpenApiDescriptionHasEveryRouteAndTheProtoComments() throws Exception {
    var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(OpenApi.describe(ROUTES, 1000));
    for (ApiRoute r : ROUTES) {
      assertThat(doc.at("/paths").get(r.path().template()).get(r.httpMethod().toLowerCase()).get("operationId").asText())
          .isEqualTo(r.rpc().getName());
    }
    assertThat(doc.at("/paths/~1v1~1tasks:submit/post/description").asText()).contains("durably written to Kafka");
    assertThat(doc.at("/components/schemas/taskgrid.v1.SubmitTaskRequest/properties/idempotencyKey/description").asText())
        .contains("duplicate=true");
    assertThat(doc.at("/components/schemas/taskgrid.v1.ExecutionStatus/enum").toString()).contains("EXECUTION_STATUS_SUCCEEDED");
  }
}
