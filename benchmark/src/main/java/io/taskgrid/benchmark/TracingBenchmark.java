package io.taskgrid.benchmark;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
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
 * exports over OTLP/gRPC (batch span processor) to a no-op trace endpoint in this JVM (it takes the
 * bytes and answers), so the cost of tracing and exporting is measured, a collector's is not.
 * Environment: {@code BENCH_TASKS} per round (default 30000), {@code BENCH_ROUNDS} pairs (default 4), after one unmeasured round of each.
 * Pairs run off-on, then on-off, and so on. {@code BENCH_TRACING=off} runs the "off" rounds only: to
 * compare the untraced throughput of two builds, run it in each, alternately.
 */
public final class TracingBenchmark {
  private TracingBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path report = Path.of(args.length > 0 ? args[0] : "tracing-benchmark-report.md");
    int tasks = Integer.parseInt(System.getenv().getOrDefault("BENCH_TASKS", "30000"));
    int rounds = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "4"));
    boolean offOnly = "off".equalsIgnoreCase(System.getenv("BENCH_TRACING"));
    AtomicLong received = new AtomicLong();
    Server endpoint = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(noopTraceService(received)).build().start();
    List<Double> off = new ArrayList<>();
    List<Double> on = new ArrayList<>();
    List<Long> spans = new ArrayList<>();
    List<Long> bytes = new ArrayList<>();
    String otlp = "http://127.0.0.1:" + endpoint.getPort();
    try (KafkaProcess kafka = KafkaProcess.start(); RedisProcess redis = RedisProcess.start()) {
      // the JIT compiles both paths before anything is measured
      round("warm-off", kafka, redis, tasks, null);
      if (!offOnly) round("warm-on", kafka, redis, tasks, otlp);
      SPANS.reset();
      BY_NAME.clear();
      // off-on, then on-off: whatever drifts during the run (JIT, the machine's other load) favours neither
      for (int r = 0; r < rounds; r++) {
        boolean offFirst = r % 2 == 0;
        if (offFirst || offOnly) off.add(round("off-" + r, kafka, redis, tasks, null));
        if (offOnly) continue;
        long before = received.get();
        long ended = SPANS.sum();
        on.add(round("on-" + r, kafka, redis, tasks, otlp));
        bytes.add(received.get() - before);
        spans.add(SPANS.sum() - ended);
        if (!offFirst) off.add(round("off-" + r, kafka, redis, tasks, null));
      }
    } finally {
      endpoint.shutdownNow();
    }
    if (offOnly) {
      String text = String.format(Locale.ROOT, "Tracing off only, %d rounds of %d tasks: %s tasks/s, mean %.0f; CPU per task %s µs%n",
          rounds, tasks, off.stream().map(d -> String.format(Locale.ROOT, "%.0f", d)).toList(), off.stream().mapToDouble(d -> d).average().orElse(0),
          CPU_PER_TASK.entrySet().stream().filter(e -> e.getKey().startsWith("off-")).map(e -> String.format(Locale.ROOT, "%.0f", e.getValue())).toList());
      System.out.println(text);
      Files.writeString(report, text);
      System.exit(0);
    }
    double offMean = off.stream().mapToDouble(d -> d).average().orElse(0);
    double onMean = on.stream().mapToDouble(d -> d).average().orElse(0);
    double offCpu = 0;
    double onCpu = 0;
    StringBuilder rows = new StringBuilder();
    for (int r = 0; r < rounds; r++) {
      double offR = CPU_PER_TASK.get("off-" + r);
      double onR = CPU_PER_TASK.get("on-" + r);
      offCpu += offR / rounds;
      onCpu += onR / rounds;
      rows.append(String.format(Locale.ROOT, "| %d | %.0f tasks/s | %.0f tasks/s | %.0f µs | %.0f µs | %d (%.1f per task), %.1f MB exported |%n",
          r + 1, off.get(r), on.get(r), offR, onR, spans.get(r), spans.get(r) / (double) (tasks + 10_000), bytes.get(r) / 1e6));
    }
    Runtime rt = Runtime.getRuntime();
    String text = String.format(Locale.ROOT, """
        ## Tracing benchmark report

        Machine: %d CPUs, max heap %d MiB, Java %s. Kafka and Redis child processes; per round a fresh coordinator, worker
        (concurrency 256) and SDK client in this JVM; %d no-op tasks per round in batches of 1000 after 10000 unmeasured,
        submit to result delivered. One unmeasured round of each first; then pairs, off-on and on-off in turn. "On": always-on sampling in coordinator, worker and client, OTLP/gRPC export (batch
        span processor) to a no-op trace endpoint in this JVM (it reads the bytes and answers; it decodes nothing).

        | round | tracing off | tracing on | CPU per task, off | CPU per task, on | spans ended and exported (warm-up included) |
        |---|---|---|---|---|---|
        %s
        Mean: off %.0f tasks/s, on %.0f tasks/s: tracing costs %.1f%% of throughput.
        CPU per task (this JVM, Kafka and Redis; the measured part of each round): off %.0f µs, on %.0f µs: tracing adds
        %.1f%%, which costs %.1f%% of the throughput of a machine whose CPU is the limit (as here).

        Spans by name over all "on" rounds: %s
        """, rt.availableProcessors(), rt.maxMemory() >> 20, System.getProperty("java.version"), tasks, rows, offMean, onMean,
        100 * (1 - onMean / offMean), offCpu, onCpu, 100 * (onCpu / offCpu - 1), 100 * (1 - offCpu / onCpu), BY_NAME);
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
        long cpuBefore = cpuNanos();
        double perSecond = Benchmark.throughput(client, tasks);
        CPU_PER_TASK.put(name, (cpuNanos() - cpuBefore) / 1e3 / tasks);
        return perSecond;
      }
    } finally {
      for (OpenTelemetrySdk s : new OpenTelemetrySdk[] {coordinatorSdk, workerSdk, clientSdk}) {
        if (s != null) s.close(); // flushes what is queued
      }
    }
  }

  /** Microseconds of CPU per task of each round (this JVM, Kafka and Redis), by round name. */
  private static final Map<String, Double> CPU_PER_TASK = new ConcurrentSkipListMap<>();

  /**
   * CPU time used so far by this JVM and its child processes (Kafka, Redis). Unlike throughput,
   * barely moved by what else runs on the machine: the cost of tracing in CPU per task is the
   * figure to trust when the machine is shared.
   */
  private static long cpuNanos() {
    long sum = ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    for (ProcessHandle child : ProcessHandle.current().descendants().toList()) {
      sum += child.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }
    return sum;
  }

  private static final LongAdder SPANS = new LongAdder();
  private static final Map<String, LongAdder> BY_NAME = new ConcurrentSkipListMap<>();

  /** Counts ended spans by name (a cheap check that every hop is traced, and of how many spans a task costs). */
  private static final SpanProcessor COUNTER = new SpanProcessor() {
    @Override
    public void onStart(io.opentelemetry.context.Context parent, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      SPANS.increment();
      String name = span.getName();
      int space = name.indexOf(' ');
      BY_NAME.computeIfAbsent(space < 0 ? name : name.substring(0, space), k -> new LongAdder()).increment();
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }
  };

  /**
   * The OTLP trace service as a no-op: takes each request's bytes undecoded and answers with an
   * empty response, so the measure is the traced processes' cost, not a collector's.
   */
  private static ServerServiceDefinition noopTraceService(AtomicLong bytes) {
    MethodDescriptor.Marshaller<byte[]> raw = new MethodDescriptor.Marshaller<>() {
      @Override
      public InputStream stream(byte[] value) {
        return new ByteArrayInputStream(value);
      }

      @Override
      public byte[] parse(InputStream stream) {
        try {
          return stream.readAllBytes();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
    MethodDescriptor<byte[], byte[]> export = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService", "Export"))
        .setRequestMarshaller(raw).setResponseMarshaller(raw).build();
    return ServerServiceDefinition.builder("opentelemetry.proto.collector.trace.v1.TraceService")
        .addMethod(export, ServerCalls.asyncUnaryCall((byte[] request, StreamObserver<byte[]> out) -> {
          bytes.addAndGet(request.length);
          out.onNext(new byte[0]); // an empty ExportTraceServiceResponse
          out.onCompleted();
        }))
        .build();
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
            .addSpanProcessor(COUNTER)
            .build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }
}
