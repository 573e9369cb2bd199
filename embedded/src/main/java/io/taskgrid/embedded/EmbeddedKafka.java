package io.taskgrid.embedded;

import io.taskgrid.embedded.internal.FreePorts;
import io.taskgrid.embedded.internal.KafkaReadiness;
import io.taskgrid.embedded.internal.KafkaStorage;
import io.taskgrid.embedded.internal.TempDirs;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
  /** The plaintext listener the broker uses itself (the same as {@link #port} unless secured). */
  private final int internalPort;
  private final KafkaRaftServer server;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedKafka(Path dir, int port, int internalPort, KafkaRaftServer server) {
    this.dir = dir;
    this.port = port;
    this.internalPort = internalPort;
    this.server = server;
  }

  /**
   * A {@code SASL_SSL} listener: the broker's certificate and key (PEM), SCRAM-SHA-256 users
   * (name to password), and, when {@code clientCa} is given, client certificates signed by it
   * required as well.
   */
  public record SaslSsl(Path certificate, Path privateKey, Optional<Path> clientCa, Map<String, String> scramSha256Users) {
    public SaslSsl {
      clientCa = clientCa == null ? Optional.empty() : clientCa;
      scramSha256Users = Map.copyOf(scramSha256Users);
    }

    @Override
    public String toString() {
      return "SaslSsl[certificate=" + certificate + ", users=" + scramSha256Users.keySet() + "]";
    }
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
      kafka = new EmbeddedKafka(dir, port, port, new KafkaRaftServer(config, Time.SYSTEM));
    } catch (RuntimeException e) {
      TempDirs.delete(dir);
      throw e;
    }
    return started(kafka);
  }

  /**
   * Formats a fresh cluster whose clients connect over {@code SASL_SSL} with SCRAM-SHA-256 (the
   * users exist from the start), starts it, and returns once it serves requests. {@link
   * #bootstrapServers()} is then the {@code SASL_SSL} listener; the broker itself and its
   * controller use plaintext listeners on loopback.
   */
  public static EmbeddedKafka startSecured(SaslSsl listener) {
    Path dir = TempDirs.create("taskgrid-kafka-");
    int port = FreePorts.next();
    int internalPort = FreePorts.next();
    int controllerPort = FreePorts.next();
    EmbeddedKafka kafka;
    try {
      List<String> scram = listener.scramSha256Users().entrySet().stream()
          .map(u -> "SCRAM-SHA-256=[name=" + u.getKey() + ",password=" + u.getValue() + "]")
          .toList();
      KafkaStorage.format(dir, controllerPort, scram);
      Properties p = KafkaStorage.serverProperties(dir, internalPort, controllerPort);
      String l = "listener.name.sasl_ssl.";
      p.put("listeners", "SASL_SSL://127.0.0.1:" + port + ",PLAINTEXT://127.0.0.1:" + internalPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
      p.put("advertised.listeners", "SASL_SSL://127.0.0.1:" + port + ",PLAINTEXT://127.0.0.1:" + internalPort);
      p.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      p.put(l + "sasl.enabled.mechanisms", "SCRAM-SHA-256");
      p.put(l + "scram-sha-256.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;");
      p.put(l + "ssl.keystore.type", "PEM");
      p.put(l + "ssl.keystore.certificate.chain", Files.readString(listener.certificate()));
      p.put(l + "ssl.keystore.key", Files.readString(listener.privateKey()));
      if (listener.clientCa().isPresent()) {
        p.put(l + "ssl.truststore.type", "PEM");
        p.put(l + "ssl.truststore.certificates", Files.readString(listener.clientCa().get()));
        p.put(l + "ssl.client.auth", "required");
      }
      kafka = new EmbeddedKafka(dir, port, internalPort, new KafkaRaftServer(new KafkaConfig(p), Time.SYSTEM));
    } catch (IOException e) {
      TempDirs.delete(dir);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      TempDirs.delete(dir);
      throw e;
    }
    return started(kafka);
  }

  private static EmbeddedKafka started(EmbeddedKafka kafka) {
    try {
      kafka.server.startup();
      KafkaReadiness.await("127.0.0.1:" + kafka.internalPort, READY_TIMEOUT, () -> true);
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

  /** {@code 127.0.0.1:PORT}, for {@code bootstrap.servers}: the {@code SASL_SSL} listener when secured. */
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
