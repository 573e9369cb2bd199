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
 * the same port with the same data.
 *
 * <p>Lifecycle: {@link #start()} formats a fresh cluster in a temporary directory, launches the
 * child and returns once it serves requests. {@link #kill()} (SIGKILL) and {@link #stop()}
 * (SIGTERM) end the child but keep its data; {@link #restart()} launches it again on the same port
 * and waits until it is ready. {@link #close()} stops it and deletes the directory; it is
 * idempotent. The child's output goes to {@code kafka.log} in that directory (the path is logged),
 * and a JVM shutdown hook kills the child should this JVM exit without closing it.
 */
public final class KafkaProcess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaProcess.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private final Path dir;
  private final Path properties;
  private final int port;
  /** One hook per instance, removed by {@link #close()}, so restarts do not pile up hooks. */
  private final Thread reaper = new Thread(this::destroyChild, "tg-kafka-reaper");
  private volatile Process process;
  private boolean reaperRegistered;
  private boolean closed;

  private KafkaProcess(Path dir, Path properties, int port) {
    this.dir = dir;
    this.properties = properties;
    this.port = port;
  }

  /** Formats a fresh cluster in a temporary directory and starts the broker process. */
  public static KafkaProcess start() {
    Path dir = TempDirs.create("taskgrid-kafka-proc-");
    KafkaProcess kafka;
    try {
      int port = FreePorts.next();
      int controllerPort = FreePorts.next();
      Path data = dir.resolve("data");
      Files.createDirectories(data);
      KafkaStorage.format(data, controllerPort);
      Properties p = KafkaStorage.serverProperties(data, port, controllerPort);
      // After a SIGKILL the restarted node replays its own old broker registration, and the
      // controller refuses the new incarnation until that session expires (default 9 s: a restart
      // took ~14 s). Shorter, but with eight heartbeats per session, so that a busy machine does
      // not fence the only broker.
      p.put("broker.session.timeout.ms", "4000");
      p.put("broker.heartbeat.interval.ms", "500");
      Path file = dir.resolve("server.properties");
      try (OutputStream out = Files.newOutputStream(file)) {
        p.store(out, "taskgrid KafkaProcess");
      }
      kafka = new KafkaProcess(dir, file, port);
    } catch (IOException e) {
      TempDirs.delete(dir);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      TempDirs.delete(dir);
      throw e;
    }
    try {
      kafka.launch();
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
    return kafka;
  }

  private synchronized void launch() {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = List.of(java, "-Xmx768m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
        "-cp", System.getProperty("java.class.path"), "kafka.Kafka", properties.toString());
    if (!reaperRegistered) {
      Runtime.getRuntime().addShutdownHook(reaper);
      reaperRegistered = true;
    }
    Path logFile = logFile();
    Process started;
    try {
      started = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Kafka process", e);
    }
    process = started;
    try {
      KafkaReadiness.await(bootstrapServers(), READY_TIMEOUT, started::isAlive);
    } catch (RuntimeException e) {
      started.destroyForcibly();
      throw new IllegalStateException(e.getMessage() + "; last lines of " + logFile + ":\n" + tail(40), e);
    }
    log.info("Kafka process {} ready at {} (log: {})", started.pid(), bootstrapServers(), logFile);
  }

  private void destroyChild() {
    Process p = process;
    if (p != null) p.destroyForcibly();
  }

  /** {@code 127.0.0.1:PORT}; the same across {@link #restart()}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** SIGKILL, as a crash would: no shutdown, no flush. Returns once the child has exited. */
  public synchronized void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      waitForExit(Duration.ofSeconds(30));
    }
  }

  /** SIGTERM: a controlled shutdown (SIGKILL if it takes more than a minute). */
  public synchronized void stop() {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!waitForExit(Duration.ofSeconds(60))) kill();
    }
  }

  /**
   * Starts the broker again on the same port with the same data (stopping it first if it still
   * runs); returns when it serves requests.
   */
  public synchronized void restart() {
    if (closed) throw new IllegalStateException("KafkaProcess is closed");
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

  /** The file the child's stdout and stderr go to (deleted by {@link #close()}). */
  public Path logFile() {
    return dir.resolve("kafka.log");
  }

  /** The broker's output so far, for diagnosing a failed test. */
  public String output() {
    try {
      return Files.readString(logFile());
    } catch (IOException e) {
      return "";
    }
  }

  private String tail(int lines) {
    List<String> all = output().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** Stops the broker and deletes its data. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    try {
      stop();
    } finally {
      if (reaperRegistered) {
        try {
          Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException jvmShuttingDown) {
          // the hook runs anyway and kills an already stopped child: harmless
        }
      }
      TempDirs.delete(dir);
    }
  }
}
