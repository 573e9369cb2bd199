package io.taskgrid.e2e.support;

import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;

/**
 * A worker process for retry tests. Its {@code flaky} handler appends {@code start <id> <attempt>
 * <epochMillis>} to the file named by {@code JOURNAL} and fails every attempt before the one its
 * payload names ("3": attempts 1 and 2 fail, 3 succeeds).
 */
public final class RetryWorkerMain {
  public static void main(String[] args) throws Exception {
    Path journal = Path.of(System.getenv("JOURNAL"));
    Worker worker = Worker.builder(WorkerConfig.fromEnvironment(System.getenv()))
        .handler("flaky", ctx -> {
          append(journal, "start " + ctx.executionId() + " " + ctx.attempt() + " " + System.currentTimeMillis());
          if (ctx.attempt() < Integer.parseInt(ctx.payloadText())) throw new IllegalStateException("attempt " + ctx.attempt() + " fails");
          return "ok";
        })
        .build()
        .start();
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      worker.close();
      stop.countDown();
    }));
    System.out.println("WORKER_READY " + worker.id());
    stop.await();
  }

  private static synchronized void append(Path journal, String line) throws java.io.IOException {
    Files.writeString(journal, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
