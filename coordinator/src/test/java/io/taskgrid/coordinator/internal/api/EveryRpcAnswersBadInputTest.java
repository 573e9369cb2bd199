package io.taskgrid.coordinator.internal.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.taskgrid.core.TimeBounds;
import io.taskgrid.proto.v1.CreateTaskRequest;
import io.taskgrid.proto.v1.DeleteTaskRequest;
import io.taskgrid.proto.v1.ExecutionUpdate;
import io.taskgrid.proto.v1.GetExecutionRequest;
import io.taskgrid.proto.v1.GetTaskRequest;
import io.taskgrid.proto.v1.ListTasksRequest;
import io.taskgrid.proto.v1.PauseTaskRequest;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.PreviewScheduleRequest;
import io.taskgrid.proto.v1.PublishEventRequest;
import io.taskgrid.proto.v1.ResumeTaskRequest;
import io.taskgrid.proto.v1.RunTaskRequest;
import io.taskgrid.proto.v1.SubmitTaskRequest;
import io.taskgrid.proto.v1.SubmitTasksRequest;
import io.taskgrid.proto.v1.TaskDefinition;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.Trigger;
import io.taskgrid.proto.v1.UpdateTaskRequest;
import io.taskgrid.proto.v1.WatchExecutionRequest;
import io.taskgrid.proto.v1.WatchExecutionsRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A property of the whole public API: whatever a client sends, every rpc of TaskService answers
 * with a status the contract names (never INTERNAL or UNKNOWN), an INVALID_ARGUMENT names the
 * field, and a rejected request writes nothing anywhere.
 *
 * <p>Requests come from a seeded generator that mixes valid values (so later fields are reached)
 * with edge and bad ones: longs and ints at their limits, durations and timestamps outside
 * protobuf's ranges, negative and oversized nanos, huge counts, empty and 70,000-character
 * strings, control characters and unknown enum numbers. A failure reports the seed and the
 * request; {@code -Dtaskgrid.badInput.seed=N} replays another run, {@code
 * -Dtaskgrid.badInput.requests=N} sizes it.
 */
class EveryRpcAnswersBadInputTest {
  private static final long SEED = Long.getLong("taskgrid.badInput.seed", 20261201L);
  private static final int REQUESTS = Integer.getInteger("taskgrid.badInput.requests", 3000);
  private static final Set<Status.Code> CONTRACT = Set.of(Status.Code.OK, Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND,
      Status.Code.ALREADY_EXISTS, Status.Code.FAILED_PRECONDITION);
  /** A field path first ({@code task.trigger.cron}, {@code tasks[3].timeout}, {@code labels[k]}), then the problem. */
  private static final Pattern NAMES_A_FIELD = Pattern.compile("^[a-z_]+(\\[[^\\]]*\\])?(\\.[a-z_]+(\\[[^\\]]*\\])?)*: .+", Pattern.DOTALL);
  private static final Pattern REPEATED = Pattern.compile("(\\\\[0-7]{3}|[^\\\\])\\1{19,}");
  private static final List<String> READ_ONLY = List.of("GetExecution", "WatchExecution", "WatchExecutions", "GetTask", "ListTasks",
      "PreviewSchedule");

  private InProcessTaskService service;
  private Values values;

  /** One rpc call of the run, as a name, the request, and a way to make it. */
  private record Call(String rpc, Message request, Supplier<Status> send) {}

  @BeforeEach
  void start() {
    service = new InProcessTaskService();
    values = new Values(new Random(SEED));
    for (String id : Values.EXISTING_TASKS) {
      service.tasks().createTask(CreateTaskRequest.newBuilder().setTask(TaskDefinition.newBuilder().setId(id).setHandler("h")
          .setTrigger(Trigger.newBuilder().setCron("*/5 * * * *"))).build());
    }
    for (int i = 0; i < 3; i++) {
      values.knownExecutions.add(service.tasks().submitTask(SubmitTaskRequest.newBuilder().setHandler("echo").build()).getExecutionId());
    }
  }

  @AfterEach
  void stop() {
    service.close();
  }

  @Test
  void everyRpcAnswersGeneratedBadAndEdgeValuesWithAContractStatusAndWritesNothingWhenItRejects() {
    Map<Status.Code, Integer> seen = new EnumMap<>(Status.Code.class);
    Map<String, Integer> perRpc = new java.util.TreeMap<>();
    for (int i = 0; i < REQUESTS; i++) {
      Call call = nextCall();
      int before = service.writes();
      Status status = call.send().get();
      seen.merge(status.getCode(), 1, Integer::sum);
      perRpc.merge(call.rpc(), 1, Integer::sum);
      int n = i;
      Supplier<String> where = () -> "request " + n + " of seed " + SEED + ": " + call.rpc() + " " + shown(call.request()) + "\nanswered " + status;
      if (!CONTRACT.contains(status.getCode())) fail(where.get() + "\n(cause: " + status.getCause() + ")");
      if (status.getCode() == Status.Code.INVALID_ARGUMENT) {
        assertThat(status.getDescription()).as(where).matches(NAMES_A_FIELD);
      }
      if (!status.isOk() || READ_ONLY.contains(call.rpc())) {
        assertThat(service.writes()).as(() -> "writes after " + where.get()).isEqualTo(before);
      }
    }
    // the run reached every rpc and both sides of validation
    assertThat(perRpc).containsOnlyKeys("SubmitTask", "SubmitTasks", "GetExecution", "WatchExecution", "WatchExecutions", "CreateTask",
        "UpdateTask", "GetTask", "ListTasks", "PauseTask", "ResumeTask", "DeleteTask", "RunTask", "PreviewSchedule", "PublishEvent");
    assertThat(seen).containsKeys(Status.Code.OK, Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND);
  }

  private Call nextCall() {
    TaskServiceGrpc.TaskServiceBlockingStub stub = service.tasks();
    Values v = values;
    v.nextRequest();
    return switch (v.random.nextInt(15)) {
      case 0 -> unary("SubmitTask", v.submitTask(), stub::submitTask);
      case 1 -> unary("SubmitTasks", v.submitTasks(), stub::submitTasks);
      case 2 -> unary("GetExecution", GetExecutionRequest.newBuilder().setExecutionId(v.executionId()).build(), stub::getExecution);
      case 3 -> {
        WatchExecutionRequest r = WatchExecutionRequest.newBuilder().setExecutionId(v.executionId()).build();
        yield new Call("WatchExecution", r, () -> watchOne(r));
      }
      case 4 -> {
        WatchExecutionsRequest r = v.watchExecutions();
        yield new Call("WatchExecutions", r, () -> watchMany(r));
      }
      case 5 -> unary("CreateTask", CreateTaskRequest.newBuilder().setTask(v.taskDefinition()).build(), stub::createTask);
      case 6 -> unary("UpdateTask", UpdateTaskRequest.newBuilder().setTask(v.taskDefinition()).setExpectedRevision(v.expectedRevision()).build(),
          stub::updateTask);
      case 7 -> unary("GetTask", GetTaskRequest.newBuilder().setTaskId(v.taskId()).build(), stub::getTask);
      case 8 -> unary("ListTasks", v.listTasks(), stub::listTasks);
      case 9 -> unary("PauseTask", PauseTaskRequest.newBuilder().setTaskId(v.taskId()).build(), stub::pauseTask);
      case 10 -> unary("ResumeTask", ResumeTaskRequest.newBuilder().setTaskId(v.taskId()).build(), stub::resumeTask);
      case 11 -> unary("DeleteTask", DeleteTaskRequest.newBuilder().setTaskId(v.taskId()).build(), stub::deleteTask);
      case 12 -> {
        RunTaskRequest.Builder r = RunTaskRequest.newBuilder().setTaskId(v.taskId());
        if (v.random.nextBoolean()) r.setPayload(v.payload());
        yield unary("RunTask", r.build(), stub::runTask);
      }
      case 13 -> unary("PreviewSchedule", v.preview(), stub::previewSchedule);
      default -> {
        PublishEventRequest.Builder r = PublishEventRequest.newBuilder().setName(v.eventName());
        if (v.random.nextBoolean()) r.setData(v.payload());
        yield unary("PublishEvent", r.build(), stub::publishEvent);
      }
    };
  }

  private static <Q extends Message> Call unary(String rpc, Q request, java.util.function.Function<Q, ?> method) {
    return new Call(rpc, request, () -> {
      try {
        method.apply(request);
        return Status.OK;
      } catch (StatusRuntimeException e) {
        return e.getStatus();
      }
    });
  }

  /** The first answer of a WatchExecution stream (a live one is then cancelled). */
  private Status watchOne(WatchExecutionRequest request) {
    Context.CancellableContext context = Context.current().withCancellation();
    try {
      return context.call(() -> {
        Iterator<ExecutionUpdate> updates = service.tasks().watchExecution(request);
        try {
          updates.hasNext();
          return Status.OK;
        } catch (StatusRuntimeException e) {
          return e.getStatus();
        }
      });
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      context.cancel(null);
    }
  }

  /** Sends one request on a WatchExecutions stream and half-closes it; the status it ends with. */
  private Status watchMany(WatchExecutionsRequest request) {
    CompletableFuture<Status> ended = new CompletableFuture<>();
    StreamObserver<WatchExecutionsRequest> requests = service.tasksAsync().watchExecutions(new StreamObserver<>() {
      @Override
      public void onNext(ExecutionUpdate update) {}

      @Override
      public void onError(Throwable t) {
        ended.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        ended.complete(Status.OK);
      }
    });
    requests.onNext(request);
    requests.onCompleted();
    try {
      return ended.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("WatchExecutions did not end: " + shown(request), e);
    }
  }

  /** A request as text, runs of one character or byte shortened ({@code a{×70000}}) so a failure stays readable. */
  private static String shown(Message m) {
    java.util.regex.Matcher runs = REPEATED.matcher(com.google.protobuf.TextFormat.shortDebugString(m));
    StringBuilder out = new StringBuilder();
    while (runs.find()) {
      runs.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(runs.group(1) + "{×" + runs.group().length() / runs.group(1).length() + "}"));
    }
    String s = runs.appendTail(out).toString();
    return s.length() > 4000 ? s.substring(0, 4000) + "…" : s;
  }

  /**
   * The generator. Each request draws how bad it is (from all fields valid to about half of them
   * bad); each field then gets a valid value or, that often, an edge or bad one. Valid requests
   * reach the deeper checks (an existing id, a stale revision, an `at` in the past).
   */
  private static final class Values {
    static final List<String> EXISTING_TASKS = List.of("cron-task", "other.task");
    private static final String LONG = "a".repeat(70_000);
    private static final String LONG_TOKEN = Base64.getUrlEncoder().encodeToString("a".repeat(70_000).getBytes(StandardCharsets.UTF_8));
    private static final ByteString OVER_LIMIT = ByteString.copyFrom(new byte[1024 * 1024 + 1]);
    private static final ByteString AT_LIMIT = OVER_LIMIT.substring(1);
    private static final long[] LONGS = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1,
        Integer.MAX_VALUE, Integer.MIN_VALUE, 86_400, 86_401, -5, 30, 3_600, 3_601,
        TimeBounds.MAX_DURATION_SECONDS, TimeBounds.MAX_DURATION_SECONDS + 1, -TimeBounds.MAX_DURATION_SECONDS, -TimeBounds.MAX_DURATION_SECONDS - 1,
        TimeBounds.MIN_INSTANT.getEpochSecond(), TimeBounds.MIN_INSTANT.getEpochSecond() - 1,
        TimeBounds.MAX_INSTANT.getEpochSecond(), TimeBounds.MAX_INSTANT.getEpochSecond() + 1, 1_780_000_000L};
    private static final int[] INTS = {0, 1, -1, 2, 3, 4, 5, 6, 10, 100, 999, 1000, 1001, 64, 65, Integer.MAX_VALUE, Integer.MIN_VALUE,
        999_999_999, 1_000_000_000, -999_999_999, -1_000_000_000};

    final Random random;
    final List<String> knownExecutions = new ArrayList<>();
    private double badness;

    Values(Random random) {
      this.random = random;
    }

    /** Draws how bad the next request is. */
    void nextRequest() {
      badness = oneOf(0.0, 0.0, 0.05, 0.2, 0.5);
    }

    boolean valid() {
      return random.nextDouble() >= badness;
    }

    @SafeVarargs
    private <T> T oneOf(T... options) {
      return options[random.nextInt(options.length)];
    }

    long aLong() {
      return random.nextInt(6) == 0 ? random.nextLong() : LONGS[random.nextInt(LONGS.length)];
    }

    int anInt() {
      return random.nextInt(6) == 0 ? random.nextInt() : INTS[random.nextInt(INTS.length)];
    }

    /** Strings any field may be given: empty, huge, control characters, odd Unicode. */
    String aString() {
      return switch (random.nextInt(14)) {
        case 0 -> "";
        case 1 -> " ";
        case 2 -> LONG;
        case 3 -> "\u0000";
        case 4 -> "a\nb";
        case 5 -> "tab\there";
        case 6 -> "\u0007\u001b[31m";
        case 7 -> "é😀\u202e";
        case 8 -> "x".repeat(201);
        case 9 -> "%s%n${x}";
        case 10 -> "\ud800"; // a lone surrogate, sent as '?'
        case 11 -> randomChars(1 + random.nextInt(300));
        case 12 -> "a".repeat(257);
        default -> "\u0085\u2028";
      };
    }

    private String randomChars(int n) {
      StringBuilder s = new StringBuilder(n);
      for (int i = 0; i < n; i++) s.append((char) random.nextInt(0xD800));
      return s.toString();
    }

    /** One of {@code valid}, or else one of {@code edge} or any bad string. */
    String text(List<String> valid, List<String> edge) {
      if (!valid.isEmpty() && valid()) return valid.get(random.nextInt(valid.size()));
      return edge.isEmpty() || random.nextBoolean() ? aString() : edge.get(random.nextInt(edge.size()));
    }

    String text(String... valid) {
      return text(List.of(valid), List.of());
    }

    int enumValue(int count) {
      return valid() ? random.nextInt(count) : anInt();
    }

    Duration duration() {
      Duration.Builder d = Duration.newBuilder();
      if (valid()) return random.nextBoolean() ? d.setNanos(500_000_000).build() : d.setSeconds(oneOf(1L, 30L, 3_600L)).build();
      return d.setSeconds(aLong()).setNanos(anInt()).build();
    }

    Timestamp timestamp() {
      Timestamp.Builder t = Timestamp.newBuilder();
      if (valid()) return t.setSeconds(oneOf(1_780_000_000L, 0L, -1L, 253_402_300_000L)).setNanos(oneOf(0, 999_999_999)).build();
      return t.setSeconds(aLong()).setNanos(anInt()).build();
    }

    Payload payload() {
      Payload.Builder p = Payload.newBuilder();
      p.setData(valid() || random.nextBoolean() ? ByteString.copyFrom(new byte[random.nextInt(64)]) : oneOf(AT_LIMIT, OVER_LIMIT));
      p.setContentType(text(List.of("", "application/json", "text/plain; charset=utf-8", "application/octet-stream"),
          List.of("not a type", "a/" + "b".repeat(300), "text/plain; x=\u0001")));
      return p.build();
    }

    String executionId() {
      if (valid()) return random.nextBoolean() ? knownExecutions.get(random.nextInt(knownExecutions.size())) : UUID.randomUUID().toString();
      return text(List.of(), List.of(UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT), "0190c5d4-7a3e-7000-8000-000000000000",
          "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "0-0-0-0-0"));
    }

    String taskId() {
      return text(List.of("cron-task", "other.task", "missing", "new-" + random.nextInt(20), "a:b/c_d-e.f"), List.of("-x", "x".repeat(201)));
    }

    String eventName() {
      return text(List.of("user:signup", "audit:x"), List.of("*", "user:*", "-x"));
    }

    SubmitTaskRequest submitTask() {
      SubmitTaskRequest.Builder r = SubmitTaskRequest.newBuilder().setHandler(text(List.of("echo", "reports.nightly", "a/b:c"), List.of("-x")));
      if (random.nextBoolean()) r.setPayload(payload());
      if (random.nextBoolean()) r.setTimeout(duration());
      if (random.nextBoolean()) r.setPriorityValue(enumValue(6));
      int labels = valid() ? random.nextInt(3) : oneOf(64, 65);
      for (int i = 0; i < labels; i++) r.putLabels(text(List.of("k" + i, "app.io/team" + i), List.of("")), text(List.of("v", ""), List.of()));
      if (random.nextBoolean()) r.setIdempotencyKey(text(List.of("key-" + random.nextInt(50), "k"), List.of("x".repeat(129), "has space")));
      return r.build();
    }

    SubmitTasksRequest submitTasks() {
      SubmitTasksRequest.Builder r = SubmitTasksRequest.newBuilder();
      int n = valid() ? 1 + random.nextInt(4) : oneOf(0, 1000, 1001);
      for (int i = 0; i < n; i++) {
        r.addTasks(n >= 1000 ? SubmitTaskRequest.newBuilder().setHandler("echo").build() : submitTask());
      }
      return r.build();
    }

    WatchExecutionsRequest watchExecutions() {
      WatchExecutionsRequest.Builder r = WatchExecutionsRequest.newBuilder().setTerminalOnly(random.nextBoolean()).setBatch(random.nextBoolean());
      int n = random.nextInt(5);
      for (int i = 0; i < n; i++) r.addExecutionIds(executionId());
      return r.build();
    }

    TaskDefinition taskDefinition() {
      TaskDefinition.Builder d = TaskDefinition.newBuilder().setId(taskId()).setHandler(text("h", "reports.nightly"));
      if (random.nextInt(4) == 0) d.setName(text(List.of("Nightly", "x".repeat(200)), List.of("x".repeat(201))));
      if (random.nextInt(4) == 0) d.setDescription(text(List.of("the numbers", "d".repeat(2000)), List.of("d".repeat(2001))));
      if (random.nextInt(4) == 0) d.setPayload(payload());
      Trigger.Builder t = Trigger.newBuilder();
      switch (random.nextInt(6)) {
        case 0 -> d.setTrigger(t.setCron(text(List.of("*/5 * * * *", "0 2 * * *", "@hourly", "@every 90s", "0 0 29 2 *", "* * * * * *"),
            List.of("61 * * * *", "@every PT9223372036854775807S", "@every 0s", "0 0 31 2 *", "@every 1ms", "0 0 * * MON#6", "* * * * * * *"))));
        case 1 -> d.setTrigger(t.setAfter(text(List.of("5m", "1s", "3650d", "in 5 minutes", "PT1.5S"),
            List.of("0s", "-5s", "PT9223372036854775807S", "9223372036854775807ms", "9223372036854775807d", "PT0.0005S", "106751991167300d",
                "3652500d", "3652501d"))));
        case 2 -> d.setTrigger(t.setAt(text(List.of("2026-12-24T18:00", "2027-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-06-01T12:00:00.000000001Z"),
            List.of("2020-01-01T00:00:00Z", "+10000-01-01T00:00:00Z", "+999999999-12-31T23:59:59", "-999999999-01-01T00:00:00Z",
                "2026-13-01T00:00", "2026-06-01T12:00:00+18:00", "0000-01-01T00:00:00Z"))));
        case 3 -> d.setTrigger(t.setEvent(text(List.of("user:*", "*", "audit:x"), List.of("a b", "**"))));
        default -> { }
      }
      if (random.nextInt(3) == 0) d.setTimeZone(text(List.of("Europe/London", "UTC", "america/new_york"), List.of("+05:00", "Mars/Olympus", "Z")));
      if (random.nextInt(4) == 0) d.setEnabled(random.nextBoolean());
      int tags = valid() ? random.nextInt(3) : oneOf(32, 33);
      for (int i = 0; i < tags; i++) d.addTags(text("reports", "t" + i));
      if (random.nextInt(4) == 0) d.setCategory(text("reporting"));
      if (random.nextInt(4) == 0) d.putMetadata(text("owner"), text("data"));
      if (random.nextInt(3) == 0) d.setMisfirePolicyValue(enumValue(4));
      if (d.getMisfirePolicyValue() == 3 || random.nextInt(8) == 0) d.setCatchUpWindow(duration());
      if (random.nextInt(3) == 0) d.setJitter(duration());
      if (random.nextInt(3) == 0) d.setTimeout(duration());
      if (random.nextInt(4) == 0) d.setPriorityValue(enumValue(6));
      return d.build();
    }

    long expectedRevision() {
      return valid() ? oneOf(0L, 1L, 2L, 3L) : aLong();
    }

    ListTasksRequest listTasks() {
      ListTasksRequest.Builder r = ListTasksRequest.newBuilder();
      if (random.nextBoolean()) r.setStateValue(enumValue(5));
      if (random.nextInt(3) == 0) r.setTag(text("reports"));
      if (random.nextInt(3) == 0) r.setCategory(text("reporting"));
      if (random.nextBoolean()) r.setPageSize(valid() ? 1 + random.nextInt(3) : anInt());
      if (random.nextInt(3) == 0) {
        r.setPageToken(valid()
            ? Base64.getUrlEncoder().withoutPadding().encodeToString(taskId().getBytes(StandardCharsets.UTF_8))
            : text(List.of(), List.of("!!!", "YQ", "LXg", LONG_TOKEN)));
      }
      return r.build();
    }

    PreviewScheduleRequest preview() {
      PreviewScheduleRequest.Builder r = PreviewScheduleRequest.newBuilder()
          .setExpression(text(List.of("*/5 * * * *", "@yearly", "@every 90s", "0 0 29 2 MON", "* * * * * *", "0 0 L * *"),
              List.of("@every PT9223372036854775807S", "0 0 30 2 *", "61 * * * *", "@every", "@ever 1s")));
      if (random.nextBoolean()) r.setTimeZone(text(List.of("Europe/London", "Pacific/Chatham"), List.of("+05:00")));
      if (random.nextBoolean()) r.setFrom(timestamp());
      if (random.nextBoolean()) r.setCount(valid() ? 1 + random.nextInt(10) : anInt());
      return r.build();
    }
  }
}
