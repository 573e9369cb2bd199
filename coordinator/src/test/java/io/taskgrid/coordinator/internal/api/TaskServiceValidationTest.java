package io.taskgrid.coordinator.internal.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.taskgrid.proto.v1.CreateTaskRequest;
import io.taskgrid.proto.v1.MisfirePolicy;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.PreviewScheduleRequest;
import io.taskgrid.proto.v1.PublishEventRequest;
import io.taskgrid.proto.v1.ReportOutcomesRequest;
import io.taskgrid.proto.v1.SubmitTaskRequest;
import io.taskgrid.proto.v1.SubmitTasksRequest;
import io.taskgrid.proto.v1.TaskDefinition;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.Trigger;
import io.taskgrid.proto.v1.ExecutionStatus;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Durations and timestamps out of protobuf's range, in every field that carries one, are
 * INVALID_ARGUMENT naming the field and the value, and nothing is written.
 */
class TaskServiceValidationTest {
  private static final String SECONDS_RANGE = "seconds must be between -315576000000 and 315576000000 (10,000 years), got ";
  private final InProcessTaskService service = new InProcessTaskService();

  @AfterEach
  void close() {
    service.close();
  }

  private static Duration seconds(long s) {
    return Duration.newBuilder().setSeconds(s).build();
  }

  private Status rejected(Executable call) {
    int before = service.writes();
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::execute);
    assertThat(e).as("the call was rejected").isNotNull();
    assertThat(service.writes()).as("writes").isEqualTo(before);
    return e.getStatus();
  }

  private static TaskDefinition.Builder aTask() {
    return TaskDefinition.newBuilder().setId("report").setHandler("reports.nightly").setTrigger(Trigger.newBuilder().setCron("0 2 * * *"));
  }

  @Test
  void aTimeoutOfLongMaxSecondsIsInvalidArgumentNamingTimeoutAndTheValue() {
    Status s = rejected(() -> service.tasks().submitTask(SubmitTaskRequest.newBuilder().setHandler("echo").setTimeout(seconds(Long.MAX_VALUE)).build()));
    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).isEqualTo("timeout: " + SECONDS_RANGE + "9223372036854775807");
  }

  @Test
  void aTimeoutOfLongMinSecondsIsInvalidArgumentNamingTimeoutAndTheValue() {
    Status s = rejected(() -> service.tasks().submitTask(SubmitTaskRequest.newBuilder().setHandler("echo").setTimeout(seconds(Long.MIN_VALUE)).build()));
    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).isEqualTo("timeout: " + SECONDS_RANGE + "-9223372036854775808");
  }

  @Test
  void aTimeoutWithNanosOutOfRangeOrOfTheWrongSignIsInvalidArgument() {
    Status tooMany = rejected(() -> service.tasks().submitTask(SubmitTaskRequest.newBuilder().setHandler("echo")
        .setTimeout(Duration.newBuilder().setSeconds(1).setNanos(1_000_000_000)).build()));
    assertThat(tooMany.getDescription()).isEqualTo("timeout: nanos must be between -999999999 and 999999999, got 1000000000");
    Status wrongSign = rejected(() -> service.tasks().submitTask(SubmitTaskRequest.newBuilder().setHandler("echo")
        .setTimeout(Duration.newBuilder().setSeconds(30).setNanos(-1)).build()));
    assertThat(wrongSign.getDescription()).isEqualTo("timeout: seconds and nanos must have the same sign, got seconds 30 and nanos -1");
  }

  @Test
  void aTimeoutJustOverTheMaximumIsStillJudgedByItsOwnLimit() {
    Status s = rejected(() -> service.tasks().submitTask(SubmitTaskRequest.newBuilder().setHandler("echo").setTimeout(seconds(315_576_000_000L)).build()));
    assertThat(s.getDescription()).isEqualTo("timeout: must be at most 1d, got 3652500d");
  }

  @Test
  void anOutOfRangeTimeoutInABatchNamesItsIndexAndNothingIsAccepted() {
    Status s = rejected(() -> service.tasks().submitTasks(SubmitTasksRequest.newBuilder()
        .addTasks(SubmitTaskRequest.newBuilder().setHandler("echo"))
        .addTasks(SubmitTaskRequest.newBuilder().setHandler("echo").setTimeout(seconds(Long.MIN_VALUE)))
        .build()));
    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).isEqualTo("tasks[1].timeout: " + SECONDS_RANGE + "-9223372036854775808");
  }

  @Test
  void everyDurationOfATaskDefinitionIsRangeChecked() {
    Status timeout = rejected(() -> service.tasks().createTask(CreateTaskRequest.newBuilder()
        .setTask(aTask().setTimeout(seconds(Long.MAX_VALUE))).build()));
    assertThat(timeout.getDescription()).isEqualTo("task.timeout: " + SECONDS_RANGE + "9223372036854775807");
    Status jitter = rejected(() -> service.tasks().createTask(CreateTaskRequest.newBuilder()
        .setTask(aTask().setJitter(seconds(Long.MIN_VALUE))).build()));
    assertThat(jitter.getDescription()).isEqualTo("task.jitter: " + SECONDS_RANGE + "-9223372036854775808");
    Status window = rejected(() -> service.tasks().createTask(CreateTaskRequest.newBuilder()
        .setTask(aTask().setMisfirePolicy(MisfirePolicy.MISFIRE_POLICY_CATCH_UP).setCatchUpWindow(seconds(Long.MAX_VALUE))).build()));
    assertThat(window.getDescription()).isEqualTo("task.catch_up_window: " + SECONDS_RANGE + "9223372036854775807");
    Status hugeJitter = rejected(() -> service.tasks().createTask(CreateTaskRequest.newBuilder()
        .setTask(aTask().setJitter(seconds(315_576_000_000L))).build()));
    assertThat(hugeJitter.getDescription()).isEqualTo("task.jitter: must be between 0 and 1h, got 3652500d");
  }

  @Test
  void badPreconditionsAndCyclesAreInvalidArgumentNamingTheField() {
    Status window = rejected(() -> service.tasks().createTask(CreateTaskRequest.newBuilder()
        .setTask(aTask().addDependsOn("extract").setDependencyWindow(seconds(Long.MAX_VALUE))).build()));
    assertThat(window.getDescription()).isEqualTo("task.dependency_window: " + SECONDS_RANGE + "9223372036854775807");
    Status condition = rejected(() -> service.tasks().createTask(CreateTaskRequest.newBuilder()
        .setTask(aTask().setCondition("not a name")).build()));
    assertThat(condition.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(condition.getDescription()).startsWith("task.condition: ");
    Status self = rejected(() -> service.tasks().createTask(CreateTaskRequest.newBuilder()
        .setTask(aTask().setTrigger(Trigger.newBuilder().setOnSuccess("report"))).build()));
    assertThat(self.getDescription()).isEqualTo("task.trigger.on_success: cycle report -> report");

    service.tasks().createTask(CreateTaskRequest.newBuilder().setTask(aTask().setId("extract").addDependsOn("report")).build());
    Status cycle = rejected(() -> service.tasks().createTask(CreateTaskRequest.newBuilder().setTask(aTask().addDependsOn("extract")).build()));
    assertThat(cycle.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(cycle.getDescription()).isEqualTo("task.depends_on: cycle report -> extract -> report");
  }

  @Test
  void anAfterOrAtBeyondWhatATimestampHoldsIsInvalidArgumentNamingTheTrigger() {
    Status after = rejected(() -> service.tasks().createTask(CreateTaskRequest.newBuilder()
        .setTask(aTask().setTrigger(Trigger.newBuilder().setAfter("PT9223372036854775807S"))).build()));
    assertThat(after.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(after.getDescription()).startsWith("task.trigger.after: must be within 10,000 years").contains("PT2562047788015215H30M7S");
    Status at = rejected(() -> service.tasks().createTask(CreateTaskRequest.newBuilder()
        .setTask(aTask().setTrigger(Trigger.newBuilder().setAt("+999999999-12-31T23:59:59Z"))).build()));
    assertThat(at.getDescription()).isEqualTo(
        "task.trigger.at: must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, got +999999999-12-31T23:59:59Z");
  }

  @Test
  void aPreviewFromBeyondWhatATimestampHoldsIsInvalidArgumentNamingFrom() {
    Status s = rejected(() -> service.tasks().previewSchedule(PreviewScheduleRequest.newBuilder().setExpression("@hourly")
        .setFrom(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE)).build()));
    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).isEqualTo("from: seconds must be between -62135596800 (0001-01-01T00:00:00Z) and 253402300799"
        + " (9999-12-31T23:59:59Z), got 9223372036854775807");
    Status nanos = rejected(() -> service.tasks().previewSchedule(PreviewScheduleRequest.newBuilder().setExpression("@hourly")
        .setFrom(Timestamp.newBuilder().setSeconds(0).setNanos(-1)).build()));
    assertThat(nanos.getDescription()).isEqualTo("from: nanos must be between 0 and 999999999, got -1");
  }

  @Test
  void aPreviewNearTheLastInstantATimestampHoldsAnswersWithTheFiresLeft() {
    var fires = service.tasks().previewSchedule(PreviewScheduleRequest.newBuilder().setExpression("@hourly").setCount(3)
        .setFrom(ProtoMapping.toProto(java.time.Instant.parse("9999-12-31T21:30:00Z"))).build());
    assertThat(fires.getFireTimesList()).containsExactly(
        ProtoMapping.toProto(java.time.Instant.parse("9999-12-31T22:00:00Z")), ProtoMapping.toProto(java.time.Instant.parse("9999-12-31T23:00:00Z")));
  }

  @Test
  void anOutcomeReportedWithAnOutOfRangeTimeIsInvalidArgumentNamingIt() {
    Status s = rejected(() -> service.results().reportOutcomes(ReportOutcomesRequest.newBuilder().setWorkerId("w")
        .addOutcomes(Outcome.newBuilder().setExecutionId("0190c5d4-7a3e-7000-8000-000000000000")
            .setStatus(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED)
            .setStartedAt(Timestamp.newBuilder().setSeconds(Long.MIN_VALUE)))
        .build()));
    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).startsWith("outcomes[0].started_at: seconds must be between");
  }

  @Test
  void anEventWithABadContentTypeNamesTheDataField() {
    Status s = rejected(() -> service.tasks().publishEvent(PublishEventRequest.newBuilder().setName("user:signup")
        .setData(Payload.newBuilder().setData(ByteString.copyFromUtf8("{}")).setContentType("not a type")).build()));
    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).startsWith("data.content_type: must be a media type");
  }

  @Test
  void aRequestThatIsNotAValidProtobufMessageIsInvalidArgument() {
    MethodDescriptor<byte[], byte[]> submit = InProcessTaskService.asBytes(TaskServiceGrpc.getSubmitTaskMethod());
    byte[] handlerNotUtf8 = {0x0a, 0x02, (byte) 0xff, (byte) 0xfe};
    byte[] cutShort = {0x0a, 0x05, 'e', 'c'};
    Status notUtf8 = rejected(() -> ClientCalls.blockingUnaryCall(service.channel(), submit,
        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), handlerNotUtf8));
    assertThat(notUtf8.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    // the field is named: the request's bytes are read again field by field to find it
    assertThat(notUtf8.getDescription()).isEqualTo("handler: is not valid UTF-8");
    Status truncated = rejected(() -> ClientCalls.blockingUnaryCall(service.channel(), submit,
        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), cutShort));
    assertThat(truncated.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(truncated.getDescription()).startsWith("request: is not a valid protobuf message: ");
  }

  @Test
  void aSideTaskWithATriggerOrABadRestartPolicyIsInvalidArgumentNamingTheField() {
    Status trigger = rejected(() -> service.tasks().createTask(CreateTaskRequest.newBuilder()
        .setTask(aTask().setSide(io.taskgrid.proto.v1.SideTask.getDefaultInstance())).build()));
    assertThat(trigger.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(trigger.getDescription()).isEqualTo("task.side: a side task runs all the time and takes no trigger (cron, after, at or event), got a cron trigger");
    Status delay = rejected(() -> service.tasks().createTask(CreateTaskRequest.newBuilder()
        .setTask(aTask().clearTrigger().setSide(io.taskgrid.proto.v1.SideTask.newBuilder()
            .setRestartInitialDelay(Duration.newBuilder().setSeconds(5)).setRestartMaxDelay(Duration.newBuilder().setSeconds(1)))).build()));
    assertThat(delay.getDescription()).isEqualTo("task.side.restart_max_delay: must not be shorter than restart_initial_delay (5s), got 1s");
    Status multiplier = rejected(() -> service.tasks().createTask(CreateTaskRequest.newBuilder()
        .setTask(aTask().clearTrigger().setSide(io.taskgrid.proto.v1.SideTask.newBuilder().setRestartMultiplier(0.5))).build()));
    assertThat(multiplier.getDescription()).isEqualTo("task.side.restart_multiplier: must be between 1 and 100, got 0.5");
  }
}
