package io.taskgrid.embedded;

import io.taskgrid.embedded.internal.FreePorts;
import io.taskgrid.embedded.internal.KafkaReadiness;
import io.taskgrid.embedded.internal.KafkaStorage;
import io.taskgrid.embedded.internal.TempDirs;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The same single-node KRaft broker as {@link EmbeddedKafka}, but as a child JVM ({@code
 * kafka.Kafka} on this JVM's class path), so a test can kill it with SIGKILL and start it again on
 * the same port with the same data. Its output goes to {@code kafka.log} in its directory.
 */
public final class KafkaProcess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaProcess.class);

  private final Path dir;
  private final Path properties;
  private final int port;
  private Process process;
  private boolean closed;

  private KafkaProcess(Path dir, Path properties, int port) {
    this.dir = dir;
    this.properties = properties;
    this.port = port;
  }

  /** Formats a fresh cluster in a temporary directory and starts the broker process. */
  public static KafkaProcess start() {
    Path dir = TempDirs.create("taskgrid-kafka-proc-");
    try {
      int port = FreePorts.next();
      int controllerPort = FreePorts.next();
      Path data = dir.resolve("data");
      Files.createDirectories(data);
      KafkaStorage.format(data, controllerPort);
      Properties p = KafkaStorage.serverProperties(data, port, controllerPort);
      Path file = dir.resolve("server.properties");
      try (OutputStream out = Files.newOutputStream(file)) {
        p.store(out, "taskgrid KafkaProcess");
      }
      KafkaProcess kafka = new KafkaProcess(dir, file, port);
      kafka.launch();
      return kafka;
    } catch (IOException e) {
      TempDirs.delete(dir);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      TempDirs.delete(dir);
      throw e;
    }
  }

  private synchronized void launch() {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = List.of(java, "-Xmx768m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-cp", System.getProperty("java.class.path"),
        "kafka.Kafka", properties.toString());
    try {
      process = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kafka.log").toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Kafka process", e);
    }
    Process started = process;
    Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, "tg-kafka-reaper"));
    try {
      KafkaReadiness.await(bootstrapServers(), Duration.ofSeconds(90), started::isAlive);
    } catch (RuntimeException e) {
      started.destroyForcibly();
      throw new IllegalStateException(e.getMessage() + "; see " + dir.resolve("kafka.log"), e);
    }
    log.info("Kafka process {} ready at {} (log: {})", started.pid(), bootstrapServers(), dir.resolve("kafka.log"));
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** SIGKILL: no shutdown, no flush, as a crash would. */
  public synchronized void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      waitForExit(Duration.ofSeconds(30));
    }
  }

  /** SIGTERM: a controlled shutdown. */
  public synchronized void stop() {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!waitForExit(Duration.ofSeconds(60))) kill();
    }
  }

  /** Starts the broker again on the same port with the same data; returns when it serves requests. */
  public synchronized void restart() {
    if (process != null && process.isAlive()) stop();
    launch();
  }

  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  private boolean waitForExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The broker's output so far, for diagnosing a failed test. */
  public String output() {
    try {
      return Files.readString(dir.resolve("kafka.log"));
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    stop();
    TempDirs.delete(dir);
  }
}
