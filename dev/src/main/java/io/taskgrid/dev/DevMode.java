package io.taskgrid.dev;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.taskgrid.client.ExecutionInfo;
import io.taskgrid.client.TaskHandle;
import io.taskgrid.client.TaskRequest;
import io.taskgrid.client.Payload;
import io.taskgrid.client.TaskDefinition;
import io.taskgrid.client.TaskInfo;
import io.taskgrid.client.TaskQuery;
import io.taskgrid.client.Trigger;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.client.TaskgridException;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.coordinator.CoordinatorConfig;
import io.taskgrid.embedded.Infrastructure;
import io.taskgrid.telemetry.LogFormat;
import io.taskgrid.telemetry.OpsServer;
import io.taskgrid.worker.ExampleHandlers;
import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Dev mode: real Kafka (KRaft) and Redis started by this process, a coordinator, a worker with the
 * example handlers, and a few example tasks. Reads commands from standard input; Ctrl-C stops
 * everything and removes the temporary data.
 */
public final class DevMode {
  /** Traces of dev mode's own client; set when started with {@code -Dtraces}. */
  private static OpenTelemetry callerTelemetry = OpenTelemetry.noop();

  private DevMode() {}

  public static void main(String[] args) throws Exception {
    long t0 = System.nanoTime();
    LogFormat.SETTING.read(System.getenv()).apply();
    System.out.println("Taskgrid dev mode: starting Kafka and Redis...");
    Infrastructure infra = Infrastructure.start();
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put(CoordinatorConfig.KAFKA_BOOTSTRAP.name(), infra.kafkaBootstrap());
    env.put(CoordinatorConfig.REDIS_URL.name(), infra.redisUrl());
    // dev mode's own Kafka and Redis are plaintext on loopback: security meant for a real cluster does not apply
    for (var s : io.taskgrid.core.config.InfraSecurity.SETTINGS) env.remove(s.name());
    String tasksFile = System.getProperty("taskgrid.dev.tasksFile", "");
    if (!tasksFile.isEmpty() && java.nio.file.Files.exists(java.nio.file.Path.of(tasksFile))) {
      env.putIfAbsent(CoordinatorConfig.TASKS_FILE.name(), tasksFile);
    }
    // the operations endpoints are on in dev mode: the coordinator's on 8233, the worker's on the next port
    env.putIfAbsent(OpsServer.HTTP_PORT.name(), "8233");
    // dev mode is plaintext and open: it listens on loopback only, so only this machine reaches it
    env.putIfAbsent(io.taskgrid.security.ApiSecurity.BIND_ADDRESS.name(), "127.0.0.1");
    boolean traced = Boolean.getBoolean("taskgrid.dev.traces");
    TraceViewer viewer = traced ? TraceViewer.start(16686) : null;
    OpenTelemetrySdk coordinatorSdk = traced ? sdk("taskgrid-coordinator", viewer) : null;
    OpenTelemetrySdk workerSdk = traced ? sdk("taskgrid-worker", viewer) : null;
    OpenTelemetrySdk clientSdk = traced ? sdk("dev-client", viewer) : null;
    if (traced) callerTelemetry = clientSdk;
    CoordinatorConfig coordinatorConfig = CoordinatorConfig.fromEnvironment(env);
    Coordinator coordinator = (traced ? new Coordinator(coordinatorConfig, coordinatorSdk) : new Coordinator(coordinatorConfig)).start();
    String address = "127.0.0.1:" + coordinator.port();
    env.put(WorkerConfig.COORDINATORS.name(), address);
    env.putIfAbsent(WorkerConfig.SESSION_TIMEOUT.name(), "6s");
    // the process handler, with programs that only print: no shell, nothing that writes or deletes
    env.putIfAbsent(io.taskgrid.worker.ProcessConfig.ENABLED.name(), "true");
    env.putIfAbsent(io.taskgrid.worker.ProcessConfig.PROGRAMS.name(), "echo,date,uname,sleep");
    coordinator.httpPort().ifPresent(p -> env.put(OpsServer.HTTP_PORT.name(), Integer.toString(p == 0 ? 0 : p + 1)));
    Worker worker = ExampleHandlers.register(Worker.builder(WorkerConfig.fromEnvironment(env)))
        .handler(ClockWatcher.NAME, new ClockWatcher())
        .openTelemetry(traced ? workerSdk : OpenTelemetry.noop()).build().start();
    TaskgridClient client = TaskgridClient.builder().coordinators(address).openTelemetry(callerTelemetry).build();

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("\nStopping: client, worker, coordinator, Kafka, Redis...");
      client.close();
      worker.close();
      coordinator.close();
      infra.close();
      for (OpenTelemetrySdk sdk : new OpenTelemetrySdk[] {coordinatorSdk, workerSdk, clientSdk}) {
        if (sdk != null) sdk.close();
      }
      if (viewer != null) viewer.close();
      System.out.println("Stopped.");
      stopped.countDown();
    }, "tg-dev-shutdown"));

    System.out.printf("""

        ==========================================================================
         Taskgrid is running (started in %.1f s)
           gRPC API (TaskService):  %s  (%s)
           dashboard:               %s
           metrics and health:      %s
           infrastructure:          %s
           worker:                  %s with handlers echo, sleep, fail, log, process, clock.watch (side task)
           tasks file:              %s
           traces:                  %s
        ==========================================================================
        """, (System.nanoTime() - t0) / 1e9, address, security(coordinatorConfig), dashboard(coordinator, coordinatorConfig), opsDescription(coordinator, coordinatorConfig, worker), infra.description(), worker.id(),
        env.getOrDefault(CoordinatorConfig.TASKS_FILE.name(), "(none)"),
        traced ? viewer.address() + "  (every execution; its trace id is on its lines)" : "off (start with -Dtraces to see them)");
    System.out.println("Registered tasks:");
    listTasks(client);

    System.out.println("Submitting example tasks:");
    example(client, TaskRequest.builder("echo").payloadText("hello from Taskgrid").build());
    example(client, TaskRequest.builder("sleep").payloadText("1s").build());
    example(client, TaskRequest.builder("fail").payloadText("failing on purpose").build());
    example(client, io.taskgrid.client.ProcessRequest.builder("uname").args("-s", "-m").timeout(java.time.Duration.ofSeconds(5)).build());

    System.out.println("""

        Type a command and press Enter (Ctrl-C stops Taskgrid):
          submit <handler> [payload]   e.g.  submit echo hi   |  submit sleep 3s  |  submit fail boom
                                       |  submit process {"program":"date","args":["-u"]}  (allowed: echo, date, uname, sleep)
          get <execution-id>           show an execution
          tasks                        list registered tasks with their next fire time
          run <task-id> [payload]      run a registered task now (optionally with another payload)
          pause <task-id> | resume <task-id> | delete <task-id>
          cron <id> <handler> <expr>   register a task, e.g.  cron tick log */5 * * * * *
          publish <event> [json]       publish an event, e.g.  publish user:signup {"name":"Ada"}
          preview <cron expression>    the next 5 fire times, e.g.  preview 0 9 * * MON-FRI
          help                         this list
        From code: TaskgridClient.builder().coordinators("%s").build()
        """.formatted(address));
    readCommands(client);
    stopped.await();
  }

  /** How the gRPC port is secured: dev mode's default is plaintext on loopback, and the banner says so. */
  private static String security(CoordinatorConfig config) {
    var api = config.apiSecurity();
    String where = api.bindAddress().isEmpty() ? "all interfaces" : api.bindAddress().equals("127.0.0.1") ? "loopback only" : api.bindAddress();
    return (api.tls() ? "TLS" : "plaintext") + " on " + where + ", authentication " + (api.auth() ? "on" : "off");
  }

  /** The coordinator's HTTP port's scheme: https when it has TLS (TASKGRID_TLS_CERT). */
  private static String scheme(CoordinatorConfig config) {
    return config.apiSecurity().tls() ? "https" : "http";
  }

  private static String dashboard(Coordinator coordinator, CoordinatorConfig config) {
    return coordinator.httpPort().isPresent() ? scheme(config) + "://127.0.0.1:" + coordinator.httpPort().getAsInt() + "/ui/"
        : "off (it is served on TASKGRID_HTTP_PORT)";
  }

  private static String opsDescription(Coordinator coordinator, CoordinatorConfig config, Worker worker) {
    if (coordinator.httpPort().isEmpty()) return "off (TASKGRID_HTTP_PORT=off)";
    String w = worker.httpPort().isPresent() ? ", worker http://127.0.0.1:" + worker.httpPort().getAsInt() : "";
    return "coordinator " + scheme(config) + "://127.0.0.1:" + coordinator.httpPort().getAsInt() + w + " (/metrics, /health/ready)";
  }

  /** An SDK that sends its spans to the trace page. */
  private static OpenTelemetrySdk sdk(String service, TraceViewer viewer) {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service))))
            .addSpanProcessor(BatchSpanProcessor.builder(viewer).setScheduleDelay(java.time.Duration.ofMillis(200)).build())
            .build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }

  /** Submits inside a span of dev mode's client, so the execution's trace starts here; the trace id, or "" when not tracing. */
  private static TaskHandle submit(TaskgridClient client, TaskRequest request, String[] traceId) {
    Span span = callerTelemetry.getTracer("io.taskgrid.dev").spanBuilder("dev submit " + request.handler()).startSpan();
    try (Scope scope = span.makeCurrent()) {
      return client.submit(request);
    } finally {
      span.end();
      traceId[0] = span.getSpanContext().isValid() ? " trace " + span.getSpanContext().getTraceId() : "";
    }
  }

  private static void example(TaskgridClient client, TaskRequest request) {
    try {
      String[] trace = {""};
      TaskHandle handle = submit(client, request, trace);
      System.out.printf("  submitted %-6s -> %s%s%n", request.handler(), handle.id(), trace[0]);
      print(handle.await(java.time.Duration.ofSeconds(30)));
    } catch (TaskgridException e) {
      System.out.println("  error: " + e.getMessage());
    }
  }

  private static void print(ExecutionInfo info) {
    String detail = switch (info.status()) {
      case SUCCEEDED -> "result: " + (info.result() == null ? "" : info.result().asText());
      case FAILED, TIMEOUT -> "error: " + (info.error() == null ? "" : info.error().type() + ": " + info.error().message());
      default -> "";
    };
    System.out.printf("  %s %s on %s (attempt %d) %s%n", info.executionId(), info.status(), info.workerId(), info.attempt(), detail);
  }

  private static void listTasks(TaskgridClient client) {
    try {
      client.tasks().listAll(TaskQuery.all()).forEach(DevMode::printTask);
    } catch (TaskgridException e) {
      System.out.println("  error: " + e.getMessage());
    }
  }

  private static void printTask(TaskInfo t) {
    String trigger = switch (t.definition().trigger()) {
      case Trigger.Cron c -> "cron " + c.expression() + t.definition().timeZone().map(z -> " (" + z + ")").orElse("");
      case Trigger.After a -> "after " + a.delay();
      case Trigger.At a -> "at " + a.time();
      case Trigger.OnEvent e -> "event " + e.pattern();
      case Trigger.OnSuccess s -> "on success of " + s.taskId();
      case Trigger.OnDemand d -> t.definition().side().isPresent() ? "side task" : "on demand";
    };
    if (t.definition().side().isPresent()) {
      String where = t.sideState().map(s -> (s.running() ? "running on " : "last ran on ") + s.worker()
          + s.since().map(x -> " since " + x).orElse("") + ", restarts " + s.restarts()
          + s.lastError().map(e -> ", last error " + e).orElse("")).orElse("not started yet");
      System.out.printf("  %-16s %-9s %-34s %s%n", t.id(), t.state(), trigger, where);
      return;
    }
    System.out.printf("  %-16s %-9s %-34s next %s%n", t.id(), t.state(), trigger, t.nextFireTime().map(Object::toString).orElse("-"));
  }

  private static void readCommands(TaskgridClient client) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        String[] words = line.trim().split("\\s+", 3);
        try {
          switch (words[0]) {
            case "" -> {}
            case "submit" -> {
              if (words.length < 2) {
                System.out.println("usage: submit <handler> [payload]");
                continue;
              }
              String[] trace = {""};
              TaskHandle h = submit(client, TaskRequest.builder(words[1]).payloadText(words.length > 2 ? words[2] : "").build(), trace);
              System.out.println("  accepted " + h.id() + trace[0]);
              h.result().thenAccept(DevMode::print);
            }
            case "get" -> {
              if (words.length < 2) {
                System.out.println("usage: get <execution-id>");
                continue;
              }
              print(client.get(words[1]));
            }
            case "tasks" -> listTasks(client);
            case "run" -> {
              if (words.length < 2) {
                System.out.println("usage: run <task-id> [payload]");
                continue;
              }
              TaskHandle h = words.length > 2 ? client.tasks().runNow(words[1], Payload.text(words[2])) : client.tasks().runNow(words[1]);
              System.out.println("  accepted " + h.id());
              h.result().thenAccept(DevMode::print);
            }
            case "pause", "resume", "delete" -> {
              if (words.length < 2) {
                System.out.println("usage: " + words[0] + " <task-id>");
                continue;
              }
              switch (words[0]) {
                case "pause" -> printTask(client.tasks().pause(words[1]));
                case "resume" -> printTask(client.tasks().resume(words[1]));
                default -> {
                  client.tasks().delete(words[1]);
                  System.out.println("  deleted " + words[1]);
                }
              }
            }
            case "cron" -> {
              String[] parts = line.trim().split("\\s+", 4);
              if (parts.length < 4) {
                System.out.println("usage: cron <task-id> <handler> <cron expression>");
                continue;
              }
              printTask(client.tasks().create(TaskDefinition.builder(parts[1], parts[2]).cron(parts[3]).build()));
            }
            case "publish" -> {
              if (words.length < 2) {
                System.out.println("usage: publish <event> [json]");
                continue;
              }
              String id = client.events().publish(words[1], Payload.of((words.length > 2 ? words[2] : "{}").getBytes(StandardCharsets.UTF_8), "application/json"));
              System.out.println("  published " + words[1] + " as " + id);
            }
            case "preview" -> {
              String expression = line.trim().length() > 8 ? line.trim().substring(8).trim() : "";
              for (java.time.Instant t : client.tasks().preview(expression, 5)) System.out.println("  " + t);
            }
            case "help" -> System.out.println("commands: submit, get, tasks, run, pause, resume, delete, cron, publish, preview, help");
            default -> System.out.println("unknown command \"" + words[0] + "\"; try help");
          }
        } catch (TaskgridException e) {
          System.out.println("  error: " + e.getMessage());
        }
      }
    } catch (java.io.IOException e) {
      // no console: keep running until Ctrl-C
    }
  }
}
