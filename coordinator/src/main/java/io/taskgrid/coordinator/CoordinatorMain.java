package io.taskgrid.coordinator;

import io.taskgrid.telemetry.Telemetry;
import java.util.concurrent.CountDownLatch;

/** Runs a coordinator configured by environment variables (see {@link CoordinatorConfig}). */
public final class CoordinatorMain {
  private CoordinatorMain() {}

  public static void main(String[] args) throws InterruptedException {
    CoordinatorConfig config;
    try {
      config = CoordinatorConfig.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("taskgrid coordinator: bad configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    Telemetry telemetry = Telemetry.fromEnvironment("taskgrid-coordinator");
    Coordinator coordinator = new Coordinator(config, telemetry.openTelemetry()).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      coordinator.close();
      telemetry.close();
      stopped.countDown();
    }, "tg-coordinator-shutdown"));
    System.out.println("TASKGRID_COORDINATOR_READY port=" + coordinator.port());
    stopped.await();
  }
}
