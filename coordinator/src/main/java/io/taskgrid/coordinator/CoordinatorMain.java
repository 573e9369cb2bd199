package io.taskgrid.coordinator;

import io.taskgrid.telemetry.LogFormat;
import io.taskgrid.telemetry.Telemetry;
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
    Telemetry telemetry;
    try {
      telemetry = Telemetry.fromEnvironment("taskgrid-coordinator");
    } catch (RuntimeException e) { // the SDK's ConfigurationException: a bad OTEL_* value
      System.err.println("taskgrid coordinator: bad OpenTelemetry configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    Coordinator coordinator;
    try {
      coordinator = new Coordinator(config, telemetry.openTelemetry()).start();
    } catch (IllegalArgumentException e) { // a TLS, identities or JWKS file that cannot be used
      System.err.println("taskgrid coordinator: bad configuration: " + e.getMessage());
      telemetry.close();
      System.exit(2);
      return;
    }
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
