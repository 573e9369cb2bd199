package io.taskgrid.embedded;

import io.taskgrid.embedded.internal.FreePorts;
import io.taskgrid.embedded.internal.KafkaReadiness;
import io.taskgrid.embedded.internal.KafkaStorage;
import io.taskgrid.embedded.internal.TempDirs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka 4 broker in KRaft mode (broker and controller combined) running inside
 * this JVM ({@code kafka.server.KafkaRaftServer}), on free loopback ports, with its data in a
 * temporary directory.
 *
 * <p>Lifecycle: {@link #start()} formats a fresh cluster, starts the server and returns once it
 * answers metadata requests; {@link #close()} shuts it down and deletes the directory, and is
 * idempotent. Topics are not created automatically. For a broker that can be killed and
 * restarted, use {@link KafkaProcess}.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final Path dir;
  private final int port;
  private final KafkaRaftServer server;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedKafka(Path dir, int port, KafkaRaftServer server) {
    this.dir = dir;
    this.port = port;
    this.server = server;
  }

  /** Formats a fresh cluster, starts it, and returns once it serves requests. */
  public static EmbeddedKafka start() {
    Path dir = TempDirs.create("taskgrid-kafka-");
    int port = FreePorts.next();
    int controllerPort = FreePorts.next();
    EmbeddedKafka kafka;
    try {
      KafkaStorage.format(dir, controllerPort);
      KafkaConfig config = new KafkaConfig(KafkaStorage.serverProperties(dir, port, controllerPort));
      kafka = new EmbeddedKafka(dir, port, new KafkaRaftServer(config, Time.SYSTEM));
    } catch (RuntimeException e) {
      TempDirs.delete(dir);
      throw e;
    }
    try {
      kafka.server.startup();
      KafkaReadiness.await(kafka.bootstrapServers(), READY_TIMEOUT, () -> true);
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
    log.info("Embedded Kafka {} (KRaft) ready at {}", version(), kafka.bootstrapServers());
    return kafka;
  }

  /** The version of the Kafka classes on the class path, e.g. {@code 4.4.0}, or {@code unknown}. */
  public static String version() {
    // the resource kafka-clients' own (internal, lately moved) AppInfoParser reads
    try (InputStream in = KafkaRaftServer.class.getClassLoader().getResourceAsStream("kafka/kafka-version.properties")) {
      if (in == null) return "unknown";
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown").trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** {@code 127.0.0.1:PORT}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** Shuts the server down and deletes its data. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      log.warn("Embedded Kafka at {} did not shut down cleanly", bootstrapServers(), e);
    } finally {
      TempDirs.delete(dir);
    }
  }
}
