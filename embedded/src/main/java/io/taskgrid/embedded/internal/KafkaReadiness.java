package io.taskgrid.embedded.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Waits until a broker answers metadata requests with itself as a live node. */
public final class KafkaReadiness {
  private static final long POLL_MILLIS = 100;

  private KafkaReadiness() {}

  /**
   * Returns once the broker at {@code bootstrap} (one {@code host:port}) lists a live node and its
   * topics; throws when {@code timeout} passes or {@code stillStarting} turns false.
   */
  public static void await(String bootstrap, Duration timeout, BooleanSupplier stillStarting) {
    long deadline = System.nanoTime() + timeout.toNanos();
    // The admin client logs a warning for every refused connection; wait for the port first.
    awaitPort(bootstrap, deadline, stillStarting);
    Exception last = null;
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
      while (System.nanoTime() < deadline) {
        checkStillStarting(stillStarting);
        try {
          if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
            admin.listTopics().names().get(3, TimeUnit.SECONDS);
            return;
          }
        } catch (Exception e) {
          if (e instanceof InterruptedException) Thread.currentThread().interrupt();
          last = e;
        }
        pause();
      }
    }
    throw new IllegalStateException("Kafka at " + bootstrap + " not ready within " + timeout, last);
  }

  private static void awaitPort(String bootstrap, long deadline, BooleanSupplier stillStarting) {
    int colon = bootstrap.lastIndexOf(':');
    InetSocketAddress address = new InetSocketAddress(bootstrap.substring(0, colon), Integer.parseInt(bootstrap.substring(colon + 1)));
    while (System.nanoTime() < deadline) {
      checkStillStarting(stillStarting);
      try (Socket s = new Socket()) {
        s.connect(address, 500);
        return;
      } catch (IOException notYet) {
        pause();
      }
    }
  }

  private static void checkStillStarting(BooleanSupplier stillStarting) {
    if (!stillStarting.getAsBoolean()) throw new IllegalStateException("Kafka stopped while starting");
  }

  private static void pause() {
    try {
      Thread.sleep(POLL_MILLIS); // polling a server that is starting, bounded by the caller's deadline
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for Kafka", e);
    }
  }
}
