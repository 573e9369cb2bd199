package io.taskgrid.worker.internal.admission;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The admission Lua scripts, kept as resources under {@code io/taskgrid/worker/admission}. */
final class Scripts {
  private Scripts() {}

  static String load(String name) {
    try (InputStream in = Scripts.class.getResourceAsStream("/io/taskgrid/worker/admission/" + name)) {
      if (in == null) throw new IllegalStateException("missing script " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
