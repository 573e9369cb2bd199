package io.taskgrid.e2e.support;

import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;

/**
 * A worker process for crash tests. Its {@code journal} handler appends {@code start <id>} when
 * it begins, sleeps for the payload's milliseconds, and appends {@code done <id>} when it ends,
 * to the file named by {@code JOURNAL}, so the test can see what ran where after killing it.
 */
public final class JournalWorkerMain {
  public static void main(String[] args) throws Exception {
    Path journal = Path.of(System.getenv("JOURNAL"));
    Worker worker = Worker.builder(WorkerConfig.fromEnvironment(System.getenv()))
        .handler("journal", ctx -> {
          append(journal, "start " + ctx.executionId());
          Thread.sleep(Long.parseLong(ctx.payloadText()));
          append(journal, "done " + ctx.executionId());
          return ctx.executionId();
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
