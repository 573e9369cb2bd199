package io.taskgrid.worker.internal.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads one output stream of a program to its end: keeps the first {@code limit} bytes, counts
 * and drops the rest (so the program never blocks on a full pipe and the worker's memory stays
 * bounded), keeps the last bytes for error messages, and passes the lines of the kept part to a
 * listener as they come.
 */
final class Capture implements Runnable {
  static final int MAX_LINE_CHARS = 4096;
  static final int TAIL_BYTES = 2048;

  private final InputStream in;
  private final int limit;
  private final OutputListener.Stream stream;
  private final OutputListener listener;
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private final byte[] tail = new byte[TAIL_BYTES];
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private long tailEnd;
  private long total;
  private volatile boolean done;

  Capture(InputStream in, int limit, OutputListener.Stream stream, OutputListener listener) {
    this.in = in;
    this.limit = limit;
    this.stream = stream;
    this.listener = listener;
  }

  @Override
  public void run() {
    byte[] buf = new byte[65536];
    try (in) {
      int n;
      while ((n = in.read(buf)) > 0) accept(buf, n);
    } catch (IOException e) {
      // the stream was closed under us (the program was killed); what was read stays
    } finally {
      synchronized (this) {
        if (line.size() > 0) emitLine();
        done = true;
      }
    }
  }

  private synchronized void accept(byte[] buf, int n) {
    int keep = (int) Math.max(0, Math.min(n, limit - total));
    if (keep > 0) {
      kept.write(buf, 0, keep);
      for (int i = 0; i < keep; i++) {
        if (buf[i] == '\n') {
          emitLine();
        } else {
          line.write(buf[i]);
          if (line.size() >= MAX_LINE_CHARS) emitLine();
        }
      }
    }
    for (int i = Math.max(0, n - TAIL_BYTES); i < n; i++) tail[(int) (tailEnd++ % TAIL_BYTES)] = buf[i];
    total += n;
  }

  private void emitLine() {
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    if (text.endsWith("\r")) text = text.substring(0, text.length() - 1);
    try {
      listener.line(stream, text);
    } catch (RuntimeException e) {
      // live output is best effort; the captured output is what the result carries
    }
  }

  synchronized String text() {
    return kept.toString(StandardCharsets.UTF_8);
  }

  synchronized boolean truncated() {
    return total > limit;
  }

  synchronized long totalBytes() {
    return total;
  }

  /** The last bytes read (up to {@link #TAIL_BYTES}), as text. */
  synchronized String tail() {
    int size = (int) Math.min(tailEnd, TAIL_BYTES);
    byte[] out = new byte[size];
    for (int i = 0; i < size; i++) out[i] = tail[(int) ((tailEnd - size + i) % TAIL_BYTES)];
    return new String(out, StandardCharsets.UTF_8);
  }

  boolean isDone() {
    return done;
  }
}
