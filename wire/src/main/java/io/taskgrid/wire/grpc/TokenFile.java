package io.taskgrid.wire.grpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A bearer token kept in a file, read again whenever the file changes (its modification time or
 * size), so a token can be rotated (a new API key, a refreshed JWT, a Kubernetes secret updated in
 * place) without restarting the process. The check is one {@code stat} per call.
 *
 * <p>A file caught empty or unreadable in the middle of a rewrite keeps the last token until it
 * reads well again. Surrounding whitespace (the trailing newline of {@code echo > file}) is dropped.
 */
public final class TokenFile implements Supplier<String> {
  private final Path file;
  private Stamp stamp;
  private String token;

  private record Stamp(FileTime modified, long size) {}

  /**
   * Reads the token once.
   *
   * @throws IllegalArgumentException when the file cannot be read or holds no token (the message
   *     says which file and why, never its content)
   */
  public TokenFile(Path file) {
    this.file = Objects.requireNonNull(file, "file");
    try {
      Stamp s = stamp();
      String t = read();
      if (t.isEmpty()) throw new IllegalArgumentException("must name a file holding a token; " + file + " is empty");
      this.stamp = s;
      this.token = t;
    } catch (IOException e) {
      throw new IllegalArgumentException("must name a readable file holding the token; cannot read " + file + " ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  /** The file. */
  public Path file() {
    return file;
  }

  /** The current token: the file's content, read again if it changed since the last call. */
  @Override
  public synchronized String get() {
    try {
      Stamp s = stamp();
      if (s.equals(stamp)) return token;
      String t = read();
      if (t.isEmpty()) return token; // being rewritten: keep the last token, read again next time
      stamp = s;
      token = t;
      return t;
    } catch (IOException e) {
      if (token != null) return token; // moved aside while it is replaced
      throw new UncheckedIOException("cannot read the token file " + file, e);
    }
  }

  private Stamp stamp() throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    return new Stamp(a.lastModifiedTime(), a.size());
  }

  private String read() throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8).strip();
  }
}
