package io.taskgrid.embedded.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Waits until a broker answers metadata requests with itself as a live node. */
public final class KafkaReadiness {
  private KafkaReadiness() {}

  public static void await(String bootstrap, Duration timeout, java.util.function.BooleanSupplier stillStarting) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
      while (System.nanoTime() < deadline) {
        if (!stillStarting.getAsBoolean()) throw new IllegalStateException("Kafka stopped while starting");
        try {
          if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
            admin.listTopics().names().get(3, TimeUnit.SECONDS);
            return;
          }
        } catch (Exception e) {
          last = e;
        }
        try {
          Thread.sleep(100); // polling a server that is starting
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted waiting for Kafka", e);
        }
      }
    }
    throw new IllegalStateException("Kafka at " + bootstrap + " not ready within " + timeout, last);
  }
}
