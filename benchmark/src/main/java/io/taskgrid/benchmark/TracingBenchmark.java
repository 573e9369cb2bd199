package io.taskgrid.benchmark;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.coordinator.CoordinatorConfig;
import io.taskgrid.embedded.KafkaProcess;
import io.taskgrid.embedded.RedisProcess;
import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * End-to-end throughput with tracing off and on, in one run: Kafka and Redis as child processes,
 * then alternating rounds (off, on, off, on, ...) each with a fresh coordinator, worker and client
 * in this JVM on topics of their own, the same no-op workload as {@link Benchmark}'s throughput
 * run. "On" traces every execution (always-on sampler) in coordinator, worker and client, and
 * exports over OTLP/gRPC (batch span processor) to a trace endpoint in this JVM that decodes and
 * counts what it receives, so the export's cost is measured, a collector's storage is not.
 * Environment: {@code BENCH_TASKS} per round (default 30000), {@code BENCH_ROUNDS} pairs (default 2).
 */
public final class TracingBenchmark {
  private TracingBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path report = Path.of(args.length > 0 ? args[0] : "tracing-benchmark-report.md");
    int tasks = Integer.parseInt(System.getenv().getOrDefault("BENCH_TASKS", "30000"));
    int rounds = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "2"));
    AtomicLong received = new AtomicLong();
    Server endpoint = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(new TraceServiceGrpc.TraceServiceImplBase() {
          @Override
          public void export(ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> out) {
            long n = 0;
            for (var rs : request.getResourceSpansList()) for (var ss : rs.getScopeSpansList()) n += ss.getSpansCount();
            received.addAndGet(n);
            out.onNext(ExportTraceServiceResponse.getDefaultInstance());
            out.onCompleted();
          }
        })
        .build().start();
    List<Double> off = new ArrayList<>();
    List<Double> on = new ArrayList<>();
    List<Long> spans = new ArrayList<>();
    try (KafkaProcess kafka = KafkaProcess.start(); RedisProcess redis = RedisProcess.start()) {
      for (int r = 0; r < rounds; r++) {
        off.add(round("off-" + r, kafka, redis, tasks, null));
        long before = received.get();
        on.add(round("on-" + r, kafka, redis, tasks, "http://127.0.0.1:" + endpoint.getPort()));
        spans.add(received.get() - before);
      }
    } finally {
      endpoint.shutdownNow();
    }
    double offMean = off.stream().mapToDouble(d -> d).average().orElse(0);
    double onMean = on.stream().mapToDouble(d -> d).average().orElse(0);
    StringBuilder rows = new StringBuilder();
    for (int r = 0; r < rounds; r++) {
      rows.append(String.format(Locale.ROOT, "| %d | %.0f tasks/s | %.0f tasks/s | %d (%.1f per task) |%n", r + 1, off.get(r), on.get(r),
          spans.get(r), spans.get(r) / (double) (tasks + 10_000)));
    }
    Runtime rt = Runtime.getRuntime();
    String text = String.format(Locale.ROOT, """
        ## Tracing benchmark report

        Machine: %d CPUs, max heap %d MiB, Java %s. Kafka and Redis child processes; per round a fresh coordinator, worker
        (concurrency 256) and SDK client in this JVM; %d no-op tasks per round in batches of 1000 after 10000 unmeasured,
        submit to result delivered. "On": always-on sampling in coordinator, worker and client, OTLP/gRPC export (batch
        span processor) to a trace endpoint in this JVM.

        | round | tracing off | tracing on | spans received (warm-up included) |
        |---|---|---|---|
        %s
        Mean: off %.0f tasks/s, on %.0f tasks/s: tracing costs %.1f%% of throughput.
        """, rt.availableProcessors(), rt.maxMemory() >> 20, System.getProperty("java.version"), tasks, rows, offMean, onMean,
        100 * (1 - onMean / offMean));
    System.out.println(text);
    Files.writeString(report, text);
    System.out.println("Report written to " + report);
    System.exit(0);
  }

  /** One round: a fresh cluster traced to {@code otlpEndpoint} (null: not traced); its throughput. */
  private static double round(String name, KafkaProcess kafka, RedisProcess redis, int tasks, String otlpEndpoint) throws Exception {
    OpenTelemetrySdk coordinatorSdk = otlpEndpoint == null ? null : sdk("taskgrid-coordinator", otlpEndpoint);
    OpenTelemetrySdk workerSdk = otlpEndpoint == null ? null : sdk("taskgrid-worker", otlpEndpoint);
    OpenTelemetrySdk clientSdk = otlpEndpoint == null ? null : sdk("benchmark-client", otlpEndpoint);
    String ns = "trbench-" + name;
    CoordinatorConfig config = CoordinatorConfig.defaults(kafka.bootstrapServers(), redis.redisUrl())
        .withNamespace(ns).withTasksTopic(ns + ".tasks", 6).withGrpcPort(0)
        .withScheduling(CoordinatorConfig.defaults(kafka.bootstrapServers(), redis.redisUrl()).scheduling().withTopics("tg." + ns));
    try (Coordinator coordinator = new Coordinator(config, Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()),
        Clock.systemUTC(), otel(coordinatorSdk)).start()) {
      String address = "127.0.0.1:" + coordinator.port();
      WorkerConfig wc = WorkerConfig.defaults(kafka.bootstrapServers(), redis.redisUrl(), address)
          .withNamespace(ns).withTopicAndGroup(ns + ".tasks", ns + "-workers").withConcurrency(256);
      try (Worker worker = Worker.builder(wc).handler("noop", ctx -> null).openTelemetry(otel(workerSdk)).build().start();
          TaskgridClient client = TaskgridClient.builder().coordinators(address).openTelemetry(otel(clientSdk)).build()) {
        System.out.printf("Round %s: warm-up, 10000 tasks%n", name);
        Benchmark.throughput(client, 10_000);
        System.out.printf("Round %s: %d tasks%n", name, tasks);
        return Benchmark.throughput(client, tasks);
      }
    } finally {
      for (OpenTelemetrySdk s : new OpenTelemetrySdk[] {coordinatorSdk, workerSdk, clientSdk}) {
        if (s != null) s.close(); // flushes what is queued
      }
    }
  }

  private static OpenTelemetry otel(OpenTelemetrySdk sdk) {
    return sdk == null ? OpenTelemetry.noop() : sdk;
  }

  private static OpenTelemetrySdk sdk(String service, String endpoint) {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .setSampler(Sampler.alwaysOn())
            .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service))))
            // a queue that holds a second of spans at this rate: the default (2048) would drop most of
            // them, and measure less work than a traced deployment does
            .addSpanProcessor(BatchSpanProcessor.builder(OtlpGrpcSpanExporter.builder().setEndpoint(endpoint).build())
                .setMaxQueueSize(200_000).setMaxExportBatchSize(4096).setScheduleDelay(Duration.ofMillis(200)).build())
            .build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }
}
