package io.taskgrid.worker;

import io.taskgrid.telemetry.LogFormat;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a worker configured by environment variables (see {@link WorkerConfig}) with the {@link
 * ExampleHandlers}. Applications embed {@link Worker} with their own handlers instead.
 */
public final class WorkerMain {
  private WorkerMain() {}

  public static void main(String[] args) throws InterruptedException {
    WorkerConfig config;
    try {
      LogFormat.SETTING.read(System.getenv()).apply();
      config = WorkerConfig.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("taskgrid worker: bad configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    Worker worker = ExampleHandlers.register(Worker.builder(config)).build().start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      worker.close();
      stopped.countDown();
    }, "tg-worker-shutdown"));
    System.out.println("TASKGRID_WORKER_READY id=" + worker.id());
    stopped.await();
  }
}
