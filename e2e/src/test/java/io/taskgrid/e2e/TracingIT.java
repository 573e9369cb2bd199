package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.taskgrid.client.ExecutionInfo;
import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.TaskDefinition;
import io.taskgrid.client.TaskHandle;
import io.taskgrid.client.TaskRequest;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.CoordinatorMain;
import io.taskgrid.e2e.support.JavaProcess;
import io.taskgrid.e2e.support.OtlpReceiver;
import io.taskgrid.e2e.support.OtlpReceiver.ReceivedSpan;
import io.taskgrid.e2e.support.TestCluster;
import io.taskgrid.e2e.support.TracedWorkerMain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * One trace per execution, across a coordinator process and a worker process that export over
 * OTLP (configured only by {@code OTEL_*} environment variables) to a receiver in this JVM: from
 * the SDK caller's span, from a cron fire, and from an event whose Kafka record carries a W3C
 * {@code traceparent}, down to the span the handler starts itself, with every parent link intact.
 *
 * <p>The submitted task's test runs first: it checks that the worker's report of the outcome is in
 * the execution's trace, which holds for a report call carrying one outcome (a batch of several is
 * a trace of its own), so no fire of the other tests' tasks may finish beside it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TracingIT {
  private static final String COORDINATOR = "taskgrid-coordinator";
  private static final String WORKER = "taskgrid-worker";
  @TempDir static Path dir;
  private static TestCluster cluster;
  private static OtlpReceiver receiver;
  private static OpenTelemetrySdk callerSdk;
  private static TaskgridClient client;
  private static JavaProcess worker;

  @BeforeAll
  static void start() throws Exception {
    cluster = new TestCluster();
    receiver = cluster.own(OtlpReceiver.start());
    Map<String, String> otel = Map.of(
        "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
        "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc",
        "OTEL_BSP_SCHEDULE_DELAY", "100");
    int port = TestCluster.freePort();
    Map<String, String> coordinatorEnv = new HashMap<>(cluster.coordinatorEnv());
    coordinatorEnv.put("TASKGRID_GRPC_PORT", Integer.toString(port));
    coordinatorEnv.putAll(otel);
    cluster.own(JavaProcess.start(CoordinatorMain.class, coordinatorEnv, "TASKGRID_COORDINATOR_READY", Duration.ofSeconds(90), dir));
    String address = "127.0.0.1:" + port;
    Map<String, String> workerEnv = new HashMap<>(otel);
    workerEnv.put("TASKGRID_EXECUTION_LOG_LEVEL", "INFO");
    workerEnv.put("TASKGRID_KAFKA_BOOTSTRAP", cluster.infra().kafkaBootstrap());
    workerEnv.put("TASKGRID_REDIS_URL", cluster.redisUrl());
    workerEnv.put("TASKGRID_COORDINATORS", address);
    workerEnv.put("TASKGRID_NAMESPACE", cluster.namespace());
    workerEnv.put("TASKGRID_TASKS_TOPIC", cluster.topic());
    workerEnv.put("TASKGRID_WORKER_GROUP", cluster.group());
    worker = cluster.own(JavaProcess.start(TracedWorkerMain.class, workerEnv, "TASKGRID_WORKER_READY", Duration.ofSeconds(90), dir));

    callerSdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .setResource(Resource.create(Attributes.of(io.opentelemetry.api.common.AttributeKey.stringKey("service.name"), "caller")))
            .addSpanProcessor(SimpleSpanProcessor.create(OtlpGrpcSpanExporter.builder().setEndpoint(receiver.endpoint()).build()))
            .build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
    client = cluster.own(TaskgridClient.builder().coordinators(address).openTelemetry(callerSdk).build());
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
    if (callerSdk != null) callerSdk.close();
  }

  private static ReceivedSpan awaitSpan(String what, java.util.function.Predicate<ReceivedSpan> p) {
    return await(what).atMost(Duration.ofSeconds(60)).until(() -> receiver.find(p), java.util.Optional::isPresent).orElseThrow();
  }

  private static ReceivedSpan handlerSpan(String attribute, String value) {
    return awaitSpan("the handler's own span", s -> s.name().equals(TracedWorkerMain.HANDLER_SPAN) && value.equals(s.attribute(attribute)));
  }

  /** The spans from the handler's up to the first one of this execution's trace, checked link by link. */
  private static List<ReceivedSpan> pathToTop(ReceivedSpan handler, String topService) {
    // spans arrive in batches from three processes: wait until the whole path is in
    return await("the spans between the handler's and the " + topService + "'s").atMost(Duration.ofSeconds(30))
        .until(() -> receiver.ancestry(handler), path -> path.get(path.size() - 1).service().equals(topService)
            && path.stream().anyMatch(s -> s.name().startsWith("process ")));
  }

  @Test
  @Order(1)
  void aTaskSubmittedInsideTheCallersSpanRunsInThatTraceDownToTheHandlersOwnSpan() throws Exception {
    String payload = "submitted-" + UUID.randomUUID();
    Span caller = callerSdk.getTracer("it").spanBuilder("caller").startSpan();
    TaskHandle handle;
    try (Scope scope = caller.makeCurrent()) {
      handle = client.submit(TaskRequest.builder("traced").payloadText(payload).build());
    } finally {
      caller.end();
    }
    // the caller's span has ended: the result's delivery is an event of the span that awaits it
    Span awaiting = callerSdk.getTracer("it").spanBuilder("await").setParent(io.opentelemetry.context.Context.root().with(caller))
        .startSpan();
    ExecutionInfo done;
    try (Scope scope = awaiting.makeCurrent()) {
      done = handle.await(Duration.ofSeconds(60));
    } finally {
      awaiting.end();
    }
    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    String traceId = caller.getSpanContext().getTraceId();

    ReceivedSpan handler = handlerSpan("payload", payload);
    assertThat(handler.traceId()).isEqualTo(traceId);
    assertThat(handler.service()).isEqualTo(WORKER);
    List<ReceivedSpan> path = pathToTop(handler, "caller");
    System.out.println("Trace of a submitted task, from the handler's span up: "
        + path.stream().map(sp -> sp.service() + ":" + sp.name()).toList());
    ReceivedSpan top = path.get(path.size() - 1);
    assertThat(top.spanId()).isEqualTo(caller.getSpanContext().getSpanId());
    assertThat(top.isRoot()).isTrue();
    assertThat(path).extracting(ReceivedSpan::traceId).containsOnly(traceId);
    // handler <- attempt <- process (worker) <- publish <- SubmitTask server (coordinator) <- SubmitTask client <- caller
    assertThat(path).extracting(s -> s.service() + " " + s.kind()).containsSubsequence(
        WORKER + " SPAN_KIND_INTERNAL", WORKER + " SPAN_KIND_INTERNAL", WORKER + " SPAN_KIND_CONSUMER",
        COORDINATOR + " SPAN_KIND_PRODUCER", COORDINATOR + " SPAN_KIND_SERVER", "caller SPAN_KIND_CLIENT", "caller SPAN_KIND_INTERNAL");
    ReceivedSpan attempt = path.get(1);
    assertThat(attempt.name()).isEqualTo("attempt traced");
    assertThat(attempt.attributes()).containsEntry("taskgrid.attempt", "1").containsEntry("taskgrid.outcome", "SUCCEEDED");
    ReceivedSpan process = path.get(2);
    assertThat(process.name()).isEqualTo("process " + cluster.topic());
    assertThat(process.attributes()).containsEntry("messaging.system", "kafka").containsEntry("taskgrid.execution.id", done.executionId())
        .containsEntry("taskgrid.handler", "traced").containsEntry("taskgrid.attempt", "1").containsEntry("taskgrid.outcome", "SUCCEEDED");
    assertThat(path).anySatisfy(s -> assertThat(s.name()).contains("SubmitTask"));

    // the outcome's report belongs to the same trace (a call carrying one outcome, as here, is made
    // in the worker's process span), and its recording is an event of the coordinator's server span
    ReceivedSpan recorded = awaitSpan("the recording of the outcome", s -> s.traceId().equals(traceId)
        && s.name().endsWith("ReportOutcomes") && s.kind().equals("SPAN_KIND_SERVER") && s.events().contains("outcomes recorded"));
    assertThat(recorded.service()).isEqualTo(COORDINATOR);
    ReceivedSpan report = awaitSpan("the worker's report call", s -> s.spanId().equals(recorded.parentSpanId()));
    assertThat(report.service()).isEqualTo(WORKER);
    assertThat(report.kind()).isEqualTo("SPAN_KIND_CLIENT");
    assertThat(report.parentSpanId()).isEqualTo(process.spanId());

    // and so does the delivery of the result to the caller
    ReceivedSpan delivered = awaitSpan("the span that awaited the result", s -> s.spanId().equals(awaiting.getSpanContext().getSpanId()));
    assertThat(delivered.traceId()).isEqualTo(traceId);
    assertThat(delivered.parentSpanId()).isEqualTo(caller.getSpanContext().getSpanId());
    assertThat(delivered.events()).contains("taskgrid.result_delivered");

    // the worker's execution lines carry the trace id
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.readAllLines(worker.log()).stream()
        .anyMatch(l -> l.contains(done.executionId()) && l.contains("SUCCEEDED") && l.contains(traceId)));
  }

  @Test
  void aCronFireStartsATraceThatReachesTheHandlersOwnSpan() {
    String id = "cron-" + UUID.randomUUID().toString().substring(0, 8);
    client.tasks().create(TaskDefinition.builder(id, "traced").cron("* * * * * *").payloadText(id).build());
    try {
      ReceivedSpan handler = handlerSpan("task", id);
      List<ReceivedSpan> path = pathToTop(handler, COORDINATOR);
      ReceivedSpan fire = path.get(path.size() - 1);
      assertThat(fire.name()).startsWith("taskgrid.fire");
      assertThat(fire.kind()).isEqualTo("SPAN_KIND_PRODUCER");
      assertThat(fire.isRoot()).isTrue();
      assertThat(fire.attributes()).containsEntry("taskgrid.task.id", id).containsEntry("taskgrid.trigger", "cron")
          .containsKey("taskgrid.fire_time");
      assertThat(path).extracting(ReceivedSpan::traceId).containsOnly(handler.traceId());
      assertThat(path.get(2).attributes()).containsEntry("taskgrid.task.id", id); // the process span
    } finally {
      client.tasks().delete(id);
    }
  }

  @Test
  void anEventFromAPlainKafkaProducerWithATraceparentContinuesItsTrace() throws Exception {
    String id = "on-trace-" + UUID.randomUUID().toString().substring(0, 8);
    client.tasks().create(TaskDefinition.builder(id, "traced").onEvent("trace:*").payloadText(id).build());
    byte[] random = new byte[16];
    new java.security.SecureRandom().nextBytes(random);
    String traceId = HexFormat.of().formatHex(random);
    String parentId = "00f067aa0ba902b7";
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        cluster.infra().kafkaBootstrap()), new StringSerializer(), new ByteArraySerializer())) {
      ProducerRecord<String, byte[]> event = new ProducerRecord<>(cluster.coordinatorConfig(0).scheduling().eventsTopic(), "trace:seen",
          "{}".getBytes(StandardCharsets.UTF_8));
      event.headers().add("traceparent", ("00-" + traceId + "-" + parentId + "-01").getBytes(StandardCharsets.UTF_8));
      producer.send(event).get();
    }
    try {
      ReceivedSpan handler = handlerSpan("task", id);
      assertThat(handler.traceId()).isEqualTo(traceId);
      List<ReceivedSpan> path = pathToTop(handler, COORDINATOR);
      ReceivedSpan fire = path.get(path.size() - 1);
      assertThat(fire.name()).startsWith("taskgrid.fire");
      assertThat(fire.parentSpanId()).isEqualTo(parentId);
      assertThat(fire.attributes()).containsEntry("taskgrid.trigger", "event").containsEntry("taskgrid.event.name", "trace:seen");
      assertThat(path).extracting(ReceivedSpan::traceId).containsOnly(traceId);
    } finally {
      client.tasks().delete(id);
    }
  }
}
