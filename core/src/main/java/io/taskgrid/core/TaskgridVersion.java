package io.taskgrid.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The Taskgrid version this code was built as (Maven's project version, written at build time). */
public final class TaskgridVersion {
  private static final String VERSION = read();

  private TaskgridVersion() {}

  /** The version, e.g. {@code 0.1.0-SNAPSHOT}; {@code unknown} when the build wrote none. */
  public static String current() {
    return VERSION;
  }

  private static String read() {
    try (InputStream in = TaskgridVersion.class.getResourceAsStream("/io/taskgrid/core/version.properties")) {
      if (in == null) return "unknown";
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "");
      return v.isBlank() || v.startsWith("${") ? "unknown" : v.trim();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
