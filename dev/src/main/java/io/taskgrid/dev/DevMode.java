package io.taskgrid.dev;

import io.taskgrid.client.ExecutionInfo;
import io.taskgrid.client.TaskHandle;
import io.taskgrid.client.TaskRequest;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.client.TaskgridException;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.coordinator.CoordinatorConfig;
import io.taskgrid.embedded.Infrastructure;
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
  private DevMode() {}

  public static void main(String[] args) throws Exception {
    long t0 = System.nanoTime();
    System.out.println("Taskgrid dev mode: starting Kafka and Redis...");
    Infrastructure infra = Infrastructure.start();
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put(CoordinatorConfig.KAFKA_BOOTSTRAP.name(), infra.kafkaBootstrap());
    env.put(CoordinatorConfig.REDIS_URL.name(), infra.redisUrl());
    Coordinator coordinator = new Coordinator(CoordinatorConfig.fromEnvironment(env)).start();
    String address = "127.0.0.1:" + coordinator.port();
    env.put(WorkerConfig.COORDINATORS.name(), address);
    env.putIfAbsent(WorkerConfig.SESSION_TIMEOUT.name(), "6s");
    Worker worker = ExampleHandlers.register(Worker.builder(WorkerConfig.fromEnvironment(env))).build().start();
    TaskgridClient client = TaskgridClient.builder().coordinators(address).build();

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("\nStopping: client, worker, coordinator, Kafka, Redis...");
      client.close();
      worker.close();
      coordinator.close();
      infra.close();
      System.out.println("Stopped.");
      stopped.countDown();
    }, "tg-dev-shutdown"));

    System.out.printf("""

        ==========================================================================
         Taskgrid is running (started in %.1f s)
           gRPC API (TaskService):  %s
           infrastructure:          %s
           worker:                  %s with handlers echo, sleep, fail
        ==========================================================================
        """, (System.nanoTime() - t0) / 1e9, address, infra.description(), worker.id());

    System.out.println("Submitting example tasks:");
    example(client, TaskRequest.builder("echo").payloadText("hello from Taskgrid").build());
    example(client, TaskRequest.builder("sleep").payloadText("1s").build());
    example(client, TaskRequest.builder("fail").payloadText("failing on purpose").build());

    System.out.println("""

        Type a command and press Enter (Ctrl-C stops Taskgrid):
          submit <handler> [payload]   e.g.  submit echo hi   |  submit sleep 3s  |  submit fail boom
          get <execution-id>           show an execution
          help                         this list
        From code: TaskgridClient.builder().coordinators("%s").build()
        """.formatted(address));
    readCommands(client);
    stopped.await();
  }

  private static void example(TaskgridClient client, TaskRequest request) {
    try {
      TaskHandle handle = client.submit(request);
      System.out.printf("  submitted %-6s -> %s%n", request.handler(), handle.id());
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
              TaskHandle h = client.submit(TaskRequest.builder(words[1]).payloadText(words.length > 2 ? words[2] : "").build());
              System.out.println("  accepted " + h.id());
              h.result().thenAccept(DevMode::print);
            }
            case "get" -> {
              if (words.length < 2) {
                System.out.println("usage: get <execution-id>");
                continue;
              }
              print(client.get(words[1]));
            }
            case "help" -> System.out.println("commands: submit <handler> [payload] | get <execution-id> | help");
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
