package io.taskgrid.coordinator.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.health.v1.HealthGrpc;
import io.taskgrid.proto.v1.CreateTaskRequest;
import io.taskgrid.proto.v1.GetExecutionRequest;
import io.taskgrid.proto.v1.GetStatsRequest;
import io.taskgrid.proto.v1.ListExecutionsRequest;
import io.taskgrid.proto.v1.ListTasksRequest;
import io.taskgrid.proto.v1.PublishEventRequest;
import io.taskgrid.proto.v1.ResultServiceGrpc;
import io.taskgrid.proto.v1.RunTaskRequest;
import io.taskgrid.proto.v1.SubmitTaskRequest;
import io.taskgrid.proto.v1.SubmitTasksRequest;
import io.taskgrid.proto.v1.TaskDefinition;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.WatchExecutionsRequest;
import io.taskgrid.security.Identity;
import io.taskgrid.security.Role;
import io.taskgrid.security.auth.AccessRule;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ApiAccessTest {
  static final Map<String, ApiAccess.ExecutionOwner> EXECUTIONS = Map.of(
      "e-mail", new ApiAccess.ExecutionOwner("email.send", ""),
      "e-bill", new ApiAccess.ExecutionOwner("invoice.render", "billing.monthly"));
  static final Map<String, AccessRule> RULES = ApiAccess.rules(id -> Optional.ofNullable(EXECUTIONS.get(id)));
  static final Identity MAILER = new Identity("mailer", Role.ADMIN, List.of("email.send"), List.of(), "api-key");
  static final Identity BILLING = new Identity("billing", Role.ADMIN, List.of(), List.of("billing."), "api-key");

  /** The role each rpc needs; a new rpc fails here until it is in this table and in {@link ApiAccess}. */
  static final Map<String, Role> EXPECTED = Map.ofEntries(
      Map.entry("SubmitTask", Role.OPERATOR), Map.entry("SubmitTasks", Role.OPERATOR), Map.entry("RunTask", Role.OPERATOR),
      Map.entry("PauseTask", Role.OPERATOR), Map.entry("ResumeTask", Role.OPERATOR), Map.entry("CancelExecution", Role.OPERATOR),
      Map.entry("PublishEvent", Role.OPERATOR),
      Map.entry("CreateTask", Role.ADMIN), Map.entry("UpdateTask", Role.ADMIN), Map.entry("DeleteTask", Role.ADMIN),
      Map.entry("GetExecution", Role.VIEWER), Map.entry("WatchExecution", Role.VIEWER), Map.entry("WatchExecutions", Role.VIEWER),
      Map.entry("GetTask", Role.VIEWER), Map.entry("ListTasks", Role.VIEWER), Map.entry("PreviewSchedule", Role.VIEWER),
      Map.entry("ListExecutions", Role.VIEWER), Map.entry("ListCircuitBreakers", Role.VIEWER), Map.entry("GetStats", Role.VIEWER),
      Map.entry("WatchLifecycle", Role.VIEWER), Map.entry("ListWorkers", Role.VIEWER),
      Map.entry("ReportOutcomes", Role.WORKER), Map.entry("StreamOutcomes", Role.WORKER), Map.entry("ReportOutput", Role.WORKER));

  @Test
  void everyRpcOfTheApiHasTheRoleItShouldNeed() {
    List<MethodDescriptor<?, ?>> methods = Stream.of(TaskServiceGrpc.getServiceDescriptor(), ResultServiceGrpc.getServiceDescriptor())
        .map(ServiceDescriptor::getMethods).flatMap(java.util.Collection::stream).toList();
    assertThat(methods).hasSize(EXPECTED.size() + 1);
    AccessRule whoAmI = RULES.get(TaskServiceGrpc.getWhoAmIMethod().getFullMethodName());
    assertThat(whoAmI.isOpen()).isFalse();
    assertThat(whoAmI.role()).as("WhoAmI: any authenticated identity").isNull();
    for (MethodDescriptor<?, ?> m : methods) {
      if (m == TaskServiceGrpc.getWhoAmIMethod()) continue;
      assertThat(RULES).as("a rule for %s", m.getFullMethodName()).containsKey(m.getFullMethodName());
      assertThat(RULES.get(m.getFullMethodName()).role()).as(m.getFullMethodName()).isEqualTo(EXPECTED.get(m.getBareMethodName()));
    }
    for (MethodDescriptor<?, ?> m : HealthGrpc.getServiceDescriptor().getMethods()) assertThat(RULES.get(m.getFullMethodName()).isOpen()).isTrue();
    assertThat(RULES).hasSize(methods.size() + HealthGrpc.getServiceDescriptor().getMethods().size());
  }

  @Test
  void changesAreAuditedAndReadsAreNot() {
    assertThat(rule("SubmitTask").mutating()).isTrue();
    assertThat(rule("DeleteTask").mutating()).isTrue();
    assertThat(rule("GetExecution").mutating()).isFalse();
  }

  @Test
  void allowListsLimitWhatRequestsMayName() {
    assertThat(denial("SubmitTask", MAILER, SubmitTaskRequest.newBuilder().setHandler("email.send").build())).isEmpty();
    assertThat(denial("SubmitTask", MAILER, SubmitTaskRequest.newBuilder().setHandler("sms.send").build())).isPresent();
    assertThat(denial("SubmitTasks", MAILER, SubmitTasksRequest.newBuilder()
        .addTasks(SubmitTaskRequest.newBuilder().setHandler("email.send")).addTasks(SubmitTaskRequest.newBuilder().setHandler("sms.send")).build()))
        .as("one handler outside the list refuses the batch").isPresent();
    assertThat(denial("RunTask", BILLING, RunTaskRequest.newBuilder().setTaskId("billing.monthly").build())).isEmpty();
    assertThat(denial("RunTask", BILLING, RunTaskRequest.newBuilder().setTaskId("hr.payroll").build())).isPresent();
    assertThat(denial("CreateTask", BILLING, CreateTaskRequest.newBuilder()
        .setTask(TaskDefinition.newBuilder().setId("billing.yearly").setHandler("invoice.render")).build())).isEmpty();
    assertThat(denial("CreateTask", MAILER, CreateTaskRequest.newBuilder()
        .setTask(TaskDefinition.newBuilder().setId("billing.yearly").setHandler("invoice.render")).build())).isPresent();
    // executions: their handler and task are looked up; unknown ones are refused
    assertThat(denial("GetExecution", MAILER, GetExecutionRequest.newBuilder().setExecutionId("e-mail").build())).isEmpty();
    assertThat(denial("GetExecution", MAILER, GetExecutionRequest.newBuilder().setExecutionId("e-bill").build())).isPresent();
    assertThat(denial("GetExecution", BILLING, GetExecutionRequest.newBuilder().setExecutionId("e-bill").build())).isEmpty();
    assertThat(denial("GetExecution", BILLING, GetExecutionRequest.newBuilder().setExecutionId("e-unknown").build())).isPresent();
    assertThat(denial("WatchExecutions", MAILER, WatchExecutionsRequest.newBuilder().addExecutionIds("e-mail").addExecutionIds("e-bill").build()))
        .isPresent();
    // lists and stats need a filter inside the allow-list
    assertThat(denial("ListExecutions", MAILER, ListExecutionsRequest.getDefaultInstance())).isPresent();
    assertThat(denial("ListExecutions", MAILER, ListExecutionsRequest.newBuilder().setHandler("email.send").build())).isEmpty();
    assertThat(denial("GetStats", BILLING, GetStatsRequest.newBuilder().setTaskId("billing.monthly").build())).isEmpty();
    assertThat(denial("ListTasks", BILLING, ListTasksRequest.getDefaultInstance())).isPresent();
    assertThat(denial("PublishEvent", MAILER, PublishEventRequest.newBuilder().setName("user:signup").build())).isPresent();
  }

  static AccessRule rule(String method) {
    return RULES.entrySet().stream().filter(e -> e.getKey().endsWith("/" + method)).findFirst().orElseThrow().getValue();
  }

  static Optional<String> denial(String method, Identity who, com.google.protobuf.Message request) {
    Optional<String> typed = rule(method).scope().denial(who, request);
    // the coordinator's services take raw messages: the same answer from the bytes
    assertThat(rule(method).scope().denial(who, request.toByteString().newInput())).isEqualTo(typed);
    assertThat(rule(method).scope().denial(who, request.toByteArray())).as("as a byte array (GrpcErrors' raw marshaller)").isEqualTo(typed);
    return typed;
  }

  @Test
  void aMalformedRequestIsLeftToTheServiceToRefuse() {
    assertThat(rule("SubmitTask").scope().denial(MAILER, new java.io.ByteArrayInputStream(new byte[] {(byte) 0xff, 1, 2}))).isEmpty();
    assertThat(rule("SubmitTask").scope().denial(MAILER, new byte[] {(byte) 0xff, 1, 2})).isEmpty();
  }
}
