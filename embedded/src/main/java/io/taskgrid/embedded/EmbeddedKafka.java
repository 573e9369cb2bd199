package io.taskgrid.embedded;

import io.taskgrid.embedded.internal.FreePorts;
import io.taskgrid.embedded.internal.KafkaReadiness;
import io.taskgrid.embedded.internal.KafkaStorage;
import io.taskgrid.embedded.internal.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka 4 broker in KRaft mode (broker and controller combined) running inside
 * this JVM, on free loopback ports, with its data in a temporary directory that {@link #close()}
 * removes.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

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
    try {
      KafkaStorage.format(dir, controllerPort);
      KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(KafkaStorage.serverProperties(dir, port, controllerPort)), Time.SYSTEM);
      server.startup();
      EmbeddedKafka kafka = new EmbeddedKafka(dir, port, server);
      KafkaReadiness.await(kafka.bootstrapServers(), Duration.ofSeconds(60), () -> true);
      log.info("Embedded Kafka (KRaft) ready at {}", kafka.bootstrapServers());
      return kafka;
    } catch (RuntimeException e) {
      TempDirs.delete(dir);
      throw e;
    }
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    try {
      server.shutdown();
      server.awaitShutdown();
    } finally {
      TempDirs.delete(dir);
    }
  }
}
