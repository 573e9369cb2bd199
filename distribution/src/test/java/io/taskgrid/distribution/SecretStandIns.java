package io.taskgrid.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The deployment files name secrets by where containers see them ({@code /run/secrets/taskgrid/...}:
 * mounted Secrets, compose's generated folder). Some settings read their files when the
 * configuration is made (passwords, PEM files), so checking those settings needs files: this puts a
 * stand-in at the same relative path in a temporary folder, made of what deploy/secure/make-certs.sh
 * writes (a real CA certificate, key, identities file), chosen by the file's name.
 */
final class SecretStandIns {
  static final String MOUNTS = "/run/secrets/taskgrid/";
  private static Path generated;
  private static Path root;

  private SecretStandIns() {}

  /** {@code value} itself, or the stand-in of the secret file it names. */
  static synchronized String local(String value) {
    if (value == null || !value.startsWith(MOUNTS)) return value;
    try {
      if (root == null) {
        root = Files.createTempDirectory("taskgrid-secrets");
        generated = makeCertificates(root.resolve("made"));
      }
      Path file = root.resolve("mounted").resolve(value.substring(MOUNTS.length()));
      if (!Files.exists(file)) {
        Files.createDirectories(file.getParent());
        Files.copy(generated.resolve(source(file.getFileName().toString())), file);
      }
      return file.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Which of make-certs.sh's files stands in for a mounted file of this name. */
  private static String source(String name) {
    if (Files.exists(generated.resolve(name))) return name;
    if (name.endsWith(".crt") || name.endsWith(".pem")) return name.startsWith("tls") ? "coordinator.crt" : "ca.crt";
    if (name.endsWith(".key")) return "coordinator.key";
    if (name.endsWith(".yaml")) return "identities.yaml";
    return "kafka-password.txt";
  }

  private static Path makeCertificates(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.copy(Repo.ROOT.resolve("deploy/secure/make-certs.sh"), dir.resolve("make-certs.sh"));
    try {
      Process p = new ProcessBuilder("bash", dir.resolve("make-certs.sh").toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as("deploy/secure/make-certs.sh: %s", out).isZero();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return dir.resolve("generated");
  }

  /** Where make-certs.sh's files are (made once per test JVM). */
  static synchronized Path generated() {
    local(MOUNTS + "ca.crt");
    return generated;
  }
}
