package io.taskgrid.worker.internal.process;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a {@link ProcessSpec}: no shell, only the spec's environment, output captured within
 * limits. On the request's timeout, and when the calling thread is interrupted (the task's
 * deadline or a cancel), the whole process tree is killed: SIGTERM to the program and every
 * descendant, then SIGKILL to whatever still lives after the grace period.
 */
public final class ProcessRunner {
  private final int maxOutputBytes;
  private final Duration killGrace;

  public ProcessRunner(int maxOutputBytes, Duration killGrace) {
    this.maxOutputBytes = maxOutputBytes;
    this.killGrace = killGrace;
  }

  /**
   * Runs {@code spec} to its end. Throws {@link InterruptedException} when interrupted, after the
   * process tree is killed.
   */
  public ProcessResult run(ProcessSpec spec, OutputListener listener) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(spec.command()).directory(spec.workingDirectory().toFile());
    builder.environment().clear(); // nothing of the worker's own environment but what the spec lists
    builder.environment().putAll(spec.environment());
    long started = System.nanoTime();
    Process process = builder.start();
    Capture out = new Capture(process.getInputStream(), maxOutputBytes, OutputListener.Stream.STDOUT, listener);
    Capture err = new Capture(process.getErrorStream(), maxOutputBytes, OutputListener.Stream.STDERR, listener);
    Thread outReader = Thread.ofVirtual().name("tg-process-stdout-" + process.pid()).start(out);
    Thread errReader = Thread.ofVirtual().name("tg-process-stderr-" + process.pid()).start(err);
    Thread.ofVirtual().name("tg-process-stdin-" + process.pid()).start(() -> writeStdin(process.getOutputStream(), spec.stdin()));
    boolean timedOut = false;
    try {
      if (spec.timeout().isPresent()) {
        timedOut = !process.waitFor(spec.timeout().get().toNanos(), TimeUnit.NANOSECONDS);
        if (timedOut) killTree(process, killGrace);
      } else {
        process.waitFor();
      }
    } catch (InterruptedException e) {
      killTree(process, killGrace);
      throw e;
    }
    long durationMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
    // a descendant left running in the background may hold the pipes open; do not wait for it forever
    long wait = Math.max(1000, killGrace.toMillis());
    outReader.join(Duration.ofMillis(wait));
    errReader.join(Duration.ofMillis(wait));
    return new ProcessResult(process.exitValue(), out.text(), err.text(), out.truncated(), err.truncated(), out.totalBytes(),
        err.totalBytes(), durationMs, err.tail(), timedOut);
  }

  private static void writeStdin(OutputStream stdin, byte[] data) {
    try (stdin) {
      stdin.write(data);
    } catch (IOException e) {
      // the program exited or closed its input before reading all of it: its choice
    }
  }

  /**
   * Kills {@code process} and its descendants: SIGTERM to all of them (snapshot taken first, since
   * children of a dead parent can no longer be found from it), SIGKILL after {@code grace} to
   * those still alive and to whatever they forked meanwhile. Works on an interrupted thread: the
   * interrupt is kept for the caller.
   */
  static void killTree(Process process, Duration grace) {
    boolean interrupted = Thread.interrupted();
    try {
      List<ProcessHandle> tree = new ArrayList<>();
      tree.add(process.toHandle());
      process.descendants().forEach(tree::add);
      tree.forEach(ProcessHandle::destroy);
      long deadline = System.nanoTime() + grace.toNanos();
      for (ProcessHandle h : tree) {
        long left = deadline - System.nanoTime();
        if (left <= 0) break;
        try {
          h.onExit().get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
          break;
        } catch (InterruptedException e) {
          interrupted = true;
          break;
        }
      }
      List<ProcessHandle> all = new ArrayList<>(tree);
      for (ProcessHandle h : tree) if (h.isAlive()) h.descendants().forEach(all::add);
      all.forEach(ProcessHandle::destroyForcibly);
      for (ProcessHandle h : all) {
        try {
          h.onExit().get(5, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
          // a process in uninterruptible sleep dies when it leaves it; nothing more to send
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }
}
