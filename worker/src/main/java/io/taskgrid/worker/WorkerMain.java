package io.taskgrid.worker;

import io.taskgrid.telemetry.LogFormat;
import io.taskgrid.telemetry.Telemetry;
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
    Telemetry telemetry;
    try {
      telemetry = Telemetry.fromEnvironment("taskgrid-worker");
    } catch (RuntimeException e) { // the SDK's ConfigurationException: a bad OTEL_* value
      System.err.println("taskgrid worker: bad OpenTelemetry configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    Worker worker;
    try {
      worker = ExampleHandlers.register(Worker.builder(config)).openTelemetry(telemetry.openTelemetry()).build().start();
    } catch (io.taskgrid.core.config.ConfigException e) { // a certificate or token file it cannot read
      System.err.println("taskgrid worker: bad configuration: " + e.getMessage());
      telemetry.close();
      System.exit(2);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      worker.close();
      telemetry.close();
      stopped.countDown();
    }, "tg-worker-shutdown"));
    System.out.println("TASKGRID_WORKER_READY id=" + worker.id());
    stopped.await();
  }
}
