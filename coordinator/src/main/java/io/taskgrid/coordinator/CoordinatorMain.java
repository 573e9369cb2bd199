package io.taskgrid.coordinator;

import io.taskgrid.telemetry.LogFormat;
import java.util.concurrent.CountDownLatch;

/** Runs a coordinator configured by environment variables (see {@link CoordinatorConfig}). */
public final class CoordinatorMain {
  private CoordinatorMain() {}

  public static void main(String[] args) throws InterruptedException {
    CoordinatorConfig config;
    try {
      LogFormat.SETTING.read(System.getenv()).apply();
      config = CoordinatorConfig.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("taskgrid coordinator: bad configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    Coordinator coordinator = new Coordinator(config).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      coordinator.close();
      stopped.countDown();
    }, "tg-coordinator-shutdown"));
    System.out.println("TASKGRID_COORDINATOR_READY port=" + coordinator.port());
    stopped.await();
  }
}
