package io.taskgrid.e2e.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A JVM child process running a main class of this test classpath, so a test can kill it with
 * SIGKILL, as a crash or an OOM killer would.
 */
public final class JavaProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final CountDownLatch ready = new CountDownLatch(1);

  private JavaProcess(Process process, Path log, String readyLine) {
    this.process = process;
    this.log = log;
    Thread.ofPlatform().name("tg-test-child-output").daemon().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          Files.writeString(log, line + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
          if (line.startsWith(readyLine)) ready.countDown();
        }
      } catch (IOException e) {
        // the process died
      }
    });
  }

  /**
   * Starts {@code mainClass} with {@code env} added, writing its output to a file in {@code logDir},
   * and waits until it prints {@code readyLine}.
   */
  public static JavaProcess start(Class<?> mainClass, Map<String, String> env, String readyLine, Duration readyTimeout, Path logDir)
      throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), mainClass.getName()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Path log = Files.createTempFile(logDir, mainClass.getSimpleName() + "-", ".log");
    JavaProcess p = new JavaProcess(pb.start(), log, readyLine);
    if (!p.ready.await(readyTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.kill();
      throw new IllegalStateException(mainClass.getSimpleName() + " did not become ready; its output:\n" + Files.readString(log));
    }
    return p;
  }

  /** SIGKILL: no shutdown hooks, no goodbye. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) kill();
    }
  }
}
