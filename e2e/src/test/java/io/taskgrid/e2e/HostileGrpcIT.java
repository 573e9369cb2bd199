package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.core.SubmissionLimits;
import io.taskgrid.e2e.support.HostileInput;
import io.taskgrid.e2e.support.TestCluster;
import io.taskgrid.proto.v1.ExecutionStatus;
import io.taskgrid.proto.v1.GetExecutionRequest;
import io.taskgrid.proto.v1.GetStatsRequest;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.ResultServiceGrpc;
import io.taskgrid.proto.v1.SubmitTaskRequest;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Hostile input on the gRPC API of a real coordinator (with a worker, Kafka and Redis): generated
 * bad requests for every rpc of TaskService and ResultService (enumerated from the service
 * descriptors), many concurrent malformed watch streams, and a message over the size limit. No
 * call may end INTERNAL or UNKNOWN, an INVALID_ARGUMENT names a field, a rejected call writes
 * nothing to the coordinator's topics, and the coordinator keeps answering. Seeded: a failure
 * prints the seed; {@code -Dtaskgrid.hostile.seed=N} runs another one, {@code
 * -Dtaskgrid.hostile.casesPerMethod=N} more field cases per rpc (default 30).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileGrpcIT {
  private static final long SEED = HostileInput.seed();
  private static final int PER_METHOD = Integer.getInteger("taskgrid.hostile.casesPerMethod", 30);
  private static final int PAYLOAD_LIMIT = 64 * 1024;
  private static final Set<Status.Code> NEVER = Set.of(Status.Code.INTERNAL, Status.Code.UNKNOWN, Status.Code.DATA_LOSS,
      Status.Code.UNAVAILABLE, Status.Code.UNIMPLEMENTED);
  /** A status description that starts with a field path: "tasks[3].handler: ...". */
  // a field path: names, each with an index ([3]) or a map key ([k]) after it
  private static final Pattern FIELD_PATH = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*(\\[[^\\].]*\\])?(\\.[A-Za-z_][A-Za-z0-9_]*(\\[[^\\].]*\\])?)*):");

  private final TestCluster cluster = new TestCluster().limits(SubmissionLimits.DEFAULTS.withMaxPayloadBytes(PAYLOAD_LIMIT));
  private Coordinator coordinator;
  private ManagedChannel channel;
  private Admin admin;
  private List<TopicPartition> written;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() {
    coordinator = cluster.coordinator(cluster.coordinatorConfig(0).withHttpPort(0));
    cluster.worker(List.of(TestCluster.address(coordinator)), b -> b.handler("hostile-echo", ctx -> "echo " + ctx.payloadText()));
    channel = Grpc.newChannelBuilder(TestCluster.address(coordinator), InsecureChannelCredentials.create())
        .maxInboundMessageSize(64 * 1024 * 1024).build();
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.infra().kafkaBootstrap()));
    var config = cluster.coordinatorConfig(0);
    List<String> topics = new ArrayList<>(config.taskTopics().all());
    topics.add(config.tasksTopic() + ".retries");
    topics.add(config.scheduling().registryTopic());
    topics.add(config.scheduling().eventsTopic());
    try {
      written = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values().stream()
          .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition()))).toList();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    // a task for UpdateTask's base request to change
    TaskServiceGrpc.newBlockingStub(channel).createTask(io.taskgrid.proto.v1.CreateTaskRequest.newBuilder()
        .setTask(io.taskgrid.proto.v1.TaskDefinition.newBuilder().setId("hostile-fixed").setHandler("hostile-echo")
            .setTrigger(io.taskgrid.proto.v1.Trigger.newBuilder().setEvent("hostile-never"))).build());
  }

  @AfterAll
  void stop() {
    if (channel != null) channel.shutdownNow();
    if (admin != null) admin.close();
    cluster.close();
  }

  /** Every rpc of the two services, from their descriptors: an rpc added later is fuzzed without a change here. */
  private static List<MethodDescriptor<?, ?>> everyRpc() {
    List<MethodDescriptor<?, ?>> all = new ArrayList<>();
    for (ServiceDescriptor s : List.of(TaskServiceGrpc.getServiceDescriptor(), ResultServiceGrpc.getServiceDescriptor())) {
      all.addAll(s.getMethods());
    }
    return all;
  }

  /**
   * A valid request to change one field of at a time, so the change (not a missing field) is what
   * the server judges; rpcs not listed start from the empty request. Handlers and events are ones
   * nothing else uses.
   */
  private static String baseJson(String method) {
    String unknownExecution = UUID.randomUUID().toString();
    return switch (method) {
      case "SubmitTask" -> "{\"handler\":\"hostile-echo\",\"payload\":{\"data\":\"aGk=\",\"contentType\":\"text/plain\"},\"labels\":{\"a\":\"b\"}}";
      case "SubmitTasks" -> "{\"tasks\":[{\"handler\":\"hostile-echo\",\"labels\":{\"a\":\"b\"}}]}";
      case "GetExecution", "WatchExecution", "CancelExecution" -> "{\"executionId\":\"" + unknownExecution + "\"}";
      case "WatchExecutions" -> "{\"executionIds\":[\"" + unknownExecution + "\"]}";
      case "CreateTask" -> "{\"task\":{\"id\":\"hostile-new\",\"handler\":\"hostile-echo\",\"trigger\":{\"event\":\"hostile-never\"},"
          + "\"tags\":[\"t\"],\"metadata\":{\"a\":\"b\"},\"timeout\":\"5s\",\"policy\":{\"retry\":{\"maxAttempts\":1}}}}";
      case "UpdateTask" -> "{\"task\":{\"id\":\"hostile-fixed\",\"handler\":\"hostile-echo\",\"trigger\":{\"event\":\"hostile-never\"}}}";
      case "GetTask", "PauseTask", "ResumeTask", "DeleteTask", "RunTask" -> "{\"taskId\":\"hostile-absent\"}";
      case "PreviewSchedule" -> "{\"expression\":\"0 9 * * *\",\"timeZone\":\"UTC\",\"count\":3}";
      // not the event of CreateTask's tasks: their runs would write to the tasks topic while a later call is checked
      case "PublishEvent" -> "{\"name\":\"hostile-unheard\",\"data\":{\"data\":\"aGk=\"}}";
      case "ListExecutions" -> "{\"taskId\":\"hostile-absent\",\"pageSize\":10,\"labels\":{\"a\":\"b\"}}";
      case "ListTasks" -> "{\"tag\":\"hostile\",\"pageSize\":10}";
      case "WatchLifecycle" -> "{\"handler\":\"hostile-nobody\",\"kinds\":[\"LIFECYCLE_EVENT_KIND_UNSPECIFIED\"]}";
      case "ReportOutcomes", "StreamOutcomes" -> "{\"workerId\":\"hostile-worker\",\"outcomes\":[{\"executionId\":\"" + unknownExecution
          + "\",\"attempt\":1,\"status\":\"EXECUTION_STATUS_SUCCEEDED\",\"handler\":\"hostile-echo\"}]}";
      case "ReportOutput" -> "{\"workerId\":\"hostile-worker\",\"lines\":[{\"executionId\":\"" + unknownExecution + "\",\"attempt\":1,\"text\":\"hi\"}]}";
      default -> "{}";
    };
  }

  /** What a call ended with: a status, or still open (a stream the server accepted) when the test stopped waiting. */
  private record Answer(Status status) {
    boolean open() {
      return status == null;
    }
  }

  /** Sends {@code bytes} as the one request of {@code method} and waits for the end (a stream: briefly, then cancels). */
  private Answer send(MethodDescriptor<?, ?> method, byte[] bytes) throws Exception {
    ClientCall<byte[], byte[]> call = channel.newCall(HostileInput.raw(method), CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS));
    CompletableFuture<Status> closed = new CompletableFuture<>();
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onClose(Status status, Metadata trailers) {
        closed.complete(status);
      }
    }, new Metadata());
    call.request(Integer.MAX_VALUE);
    call.sendMessage(bytes);
    call.halfClose();
    if (method.getType() == MethodDescriptor.MethodType.UNARY || method.getType() == MethodDescriptor.MethodType.BIDI_STREAMING) {
      // a bidi watch ends when the client half-closes
      return new Answer(closed.get(60, TimeUnit.SECONDS));
    }
    try {
      // a server stream the server refuses ends at once; one it accepted stays open
      return new Answer(closed.get(400, TimeUnit.MILLISECONDS));
    } catch (java.util.concurrent.TimeoutException e) {
      call.cancel("the test has seen enough", null);
      return new Answer(null);
    }
  }

  private long endOffsets() throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    written.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream().mapToLong(o -> o.offset()).sum();
  }

  private void assertHealthy(String after) {
    try {
      TaskServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).getStats(GetStatsRequest.getDefaultInstance());
    } catch (RuntimeException e) {
      throw new AssertionError("the coordinator stopped answering after " + after + "; " + HostileInput.rerun(SEED), e);
    }
  }

  @Test
  void everyRpcAnswersGeneratedBadRequestsWithoutAnInternalErrorAndStoresNothingWhenItRefuses() throws Exception {
    Random random = new Random(SEED);
    List<String> failures = new ArrayList<>();
    Map<Status.Code, Integer> seen = new java.util.TreeMap<>();
    int sent = 0;
    for (MethodDescriptor<?, ?> method : everyRpc()) {
      Descriptor type = HostileInput.inputType(method);
      Set<String> fields = HostileInput.fieldNames(type);
      DynamicMessage base = HostileInput.base(type, baseJson(method.getBareMethodName()));
      long before = endOffsets();
      for (HostileInput.Case c : HostileInput.casesFor(method, base, random, PER_METHOD, PAYLOAD_LIMIT)) {
        Answer a = send(method, c.bytes());
        sent++;
        if (a.open()) {
          before = endOffsets();
          continue;
        }
        Status s = a.status();
        seen.merge(s.getCode(), 1, Integer::sum);
        String description = String.valueOf(s.getDescription());
        if (NEVER.contains(s.getCode())) {
          failures.add(c + " -> " + s.getCode() + ": " + abbreviate(description));
        }
        if (s.getCode() == Status.Code.INVALID_ARGUMENT && !namesAField(description, fields)) {
          failures.add(c + " -> INVALID_ARGUMENT not naming a field: " + abbreviate(description));
        }
        if (c.what().contains("= invalid UTF-8") && !description.contains("is not valid UTF-8")) {
          failures.add(c + " -> " + s.getCode() + " not naming the field that is not UTF-8: " + abbreviate(description));
        }
        long after = endOffsets();
        if (!s.isOk() && after != before) failures.add(c + " -> " + s.getCode() + " but " + (after - before) + " records were written");
        before = after; // what a refused call left is what the next one starts from
        if (sent % 25 == 0) assertHealthy(c.toString());
      }
      assertHealthy("the cases of " + method.getBareMethodName());
    }
    System.out.printf("HostileGrpcIT: %d bad requests, %s; %s%n", sent, seen, HostileInput.rerun(SEED));
    assertThat(failures).as(HostileInput.rerun(SEED)).isEmpty();
    assertAGoodCallStillRuns();
  }

  private static boolean namesAField(String description, Set<String> fields) {
    Matcher m = FIELD_PATH.matcher(description);
    if (!m.find()) return false;
    for (String part : m.group(1).split("\\.")) {
      String name = part.replaceAll("\\[[^\\]]*\\]$", "");
      if (!fields.contains(name) && !name.equals("request")) return false;
    }
    return true;
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }

  private void assertAGoodCallStillRuns() {
    var stub = TaskServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    String id = stub.submitTask(SubmitTaskRequest.newBuilder().setHandler("hostile-echo")
        .setPayload(Payload.newBuilder().setData(com.google.protobuf.ByteString.copyFromUtf8("still here"))).build()).getExecutionId();
    await().atMost(Duration.ofSeconds(30)).until(() -> TaskServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .getExecution(GetExecutionRequest.newBuilder().setExecutionId(id).build()).getStatus() == ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
  }

  private static final MethodDescriptor<?, ?> WATCH_EXECUTIONS = TaskServiceGrpc.getWatchExecutionsMethod();
  private static final MethodDescriptor<?, ?> WATCH_EXECUTION = TaskServiceGrpc.getWatchExecutionMethod();
  private static final MethodDescriptor<?, ?> WATCH_LIFECYCLE = TaskServiceGrpc.getWatchLifecycleMethod();

  @Test
  void manyConcurrentMalformedWatchStreamsLeaveNoWatchesThreadsOrMemoryBehind() throws Exception {
    Random random = new Random(SEED + 1);
    long heapBefore = usedHeapAfterGc();
    // the first round grows the pools (Netty, Redisson, Kafka) to their working size; a leak shows as growth in the second
    hostileWatchStreams(random);
    int threadsAfterFirst = lastingThreads().size();
    hostileWatchStreams(random);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(lastingThreads()).as("threads").hasSizeLessThan(threadsAfterFirst + 10));
    long heapAfter = usedHeapAfterGc();
    assertThat(heapAfter - heapBefore).as("heap growth in bytes; " + HostileInput.rerun(SEED)).isLessThan(128L * 1024 * 1024);
    assertAGoodCallStillRuns();
  }

  /** 150 malformed watch streams at once, cancelled or half-closed at random; returns when all have ended and nothing is watched. */
  private void hostileWatchStreams(Random random) throws Exception {
    int streams = 150;
    List<ClientCall<byte[], byte[]>> calls = new ArrayList<>();
    List<CompletableFuture<Status>> ends = new ArrayList<>();
    java.util.BitSet halfClosed = new java.util.BitSet();
    for (int i = 0; i < streams; i++) {
      int kind = random.nextInt(6);
      MethodDescriptor<?, ?> method = switch (kind) {
        case 0, 1, 2 -> WATCH_EXECUTIONS;
        case 3 -> WATCH_EXECUTION;
        default -> WATCH_LIFECYCLE;
      };
      ClientCall<byte[], byte[]> call = channel.newCall(HostileInput.raw(method), CallOptions.DEFAULT.withDeadlineAfter(120, TimeUnit.SECONDS));
      CompletableFuture<Status> end = new CompletableFuture<>();
      call.start(new ClientCall.Listener<>() {
        @Override
        public void onClose(Status status, Metadata trailers) {
          end.complete(status);
        }
      }, new Metadata());
      // most never read what they are sent: the server must not queue without bound for them
      if (random.nextBoolean()) call.request(1);
      switch (kind) {
        case 0 -> { // thousands of ids a message, well-formed but unknown, in several messages
          for (int m = 0; m < 1 + random.nextInt(4); m++) call.sendMessage(watchRequest(5000, i2 -> UUID.randomUUID().toString()));
        }
        case 1 -> { // thousands of malformed ids (each answered not-found, echoing it)
          call.sendMessage(watchRequest(20_000, i2 -> "../" + "x".repeat(64) + i2));
        }
        case 2 -> { // garbage, then a half-close
          byte[] noise = new byte[1 + random.nextInt(2048)];
          random.nextBytes(noise);
          call.sendMessage(noise);
          call.halfClose();
          halfClosed.set(i);
        }
        case 3 -> {
          call.sendMessage(io.taskgrid.proto.v1.WatchExecutionRequest.newBuilder().setExecutionId(UUID.randomUUID().toString()).build().toByteArray());
          call.halfClose();
          halfClosed.set(i);
        }
        default -> {
          byte[] request = random.nextBoolean() ? io.taskgrid.proto.v1.WatchLifecycleRequest.newBuilder().setHandler("hostile-nobody").build().toByteArray()
              : new byte[] {0x08, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
          call.sendMessage(request);
          call.halfClose();
          halfClosed.set(i);
        }
      }
      calls.add(call);
      ends.add(end);
    }
    // cancel at random points while the server works on them
    List<Integer> order = new ArrayList<>(java.util.stream.IntStream.range(0, streams).boxed().toList());
    java.util.Collections.shuffle(order, random);
    for (int i : order) {
      if (random.nextInt(4) != 0 || halfClosed.get(i)) calls.get(i).cancel("hostile client leaves", null);
      else calls.get(i).halfClose();
    }
    assertHealthy("many malformed watch streams");
    // a gRPC client hears a stream's end only after the messages before it: read them now
    calls.forEach(c -> c.request(Integer.MAX_VALUE));
    for (int i = 0; i < streams; i++) {
      Status s = ends.get(i).get(60, TimeUnit.SECONDS);
      assertThat(s.getCode()).as("stream %d: %s; %s", i, s, HostileInput.rerun(SEED)).isNotIn(NEVER);
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(watchedExecutions()).as(HostileInput.rerun(SEED)).isZero());
  }

  /**
   * The live threads but the pools gRPC calls run on (gRPC's shared executor, the coordinator's call
   * executor), cached pools whose idle threads end after a minute: more of them for a while after a
   * burst is how it works, not a leak.
   */
  private static List<String> lastingThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> !n.startsWith("grpc-default-executor") && !n.startsWith("taskgrid-grpc-call-")).sorted().toList();
  }

  private static byte[] watchRequest(int ids, java.util.function.IntFunction<String> id) {
    var b = io.taskgrid.proto.v1.WatchExecutionsRequest.newBuilder();
    for (int i = 0; i < ids; i++) b.addExecutionIds(id.apply(i));
    return b.build().toByteArray();
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) System.gc();
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  /** The coordinator's gauge of watched executions, from its Prometheus endpoint. */
  private long watchedExecutions() throws Exception {
    String text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + coordinator.httpPort().getAsInt() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return Stream.of(text.split("\n")).filter(l -> l.startsWith("taskgrid_watch_executions") && !l.startsWith("#"))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  void aMessageOverTheSizeLimitIsResourceExhaustedAndTheServerCarriesOn() throws Exception {
    // the server takes up to max(16 MiB, 4 x the payload limit) a message
    byte[] data = new byte[17 * 1024 * 1024];
    new Random(SEED).nextBytes(data);
    byte[] request = SubmitTaskRequest.newBuilder().setHandler("hostile-echo").setPayload(Payload.newBuilder()
        .setData(com.google.protobuf.ByteString.copyFrom(data))).build().toByteArray();
    long before = endOffsets();
    Answer a = send(TaskServiceGrpc.getSubmitTaskMethod(), request);
    assertThat(a.status().getCode()).as(String.valueOf(a.status())).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(endOffsets()).isEqualTo(before);
    assertHealthy("an oversized message");
    assertAGoodCallStillRuns();
  }
}
